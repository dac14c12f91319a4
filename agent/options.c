/* Parses the agent's command line (see options.h). */
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "export/endpoint.h"
#include "log.h"

#define MAX_FREQUENCY_HZ 10000
#define MAX_DURATION_S (366.0 * 24 * 3600)
#define MAX_INTERVAL_S (24.0 * 3600)
#define DEFAULT_INTERVAL_S 60.0

static const char usage_text[] =
	"usage: profiling-agent [options]\n"
	"\n"
	"Samples the CPU stacks of every process (or one) with an eBPF analyzer\n"
	"and writes the profile when the duration ends or on SIGINT/SIGTERM; with\n"
	"--output-dir or --otlp-endpoint (continuous mode), a profile every\n"
	"--interval seconds until SIGTERM (or the duration's end).\n"
	"\n"
	"  -d, --duration SECONDS   stop after SECONDS (default: at SIGINT or SIGTERM)\n"
	"  -F, --frequency HZ       samples per second on each CPU, 1-10000 (default: 19)\n"
	"  -p, --pid PID            profile only process PID, its threads and its\n"
	"                           descendants (those running and those it forks\n"
	"                           later); repeat to profile several processes\n"
	"  -o, --output FILE        write the profile to FILE (default: stdout), replaced\n"
	"                           only once complete\n"
	"  -f, --format FORMAT      folded (default; for flamegraph.pl, inferno,\n"
	"                           speedscope), json (with frame types, addresses,\n"
	"                           modules and build-ids) or pprof (gzipped\n"
	"                           profile.proto, for go tool pprof)\n"
	"      --output-dir DIR     continuous mode: write each window to\n"
	"                           DIR/profile-YYYYMMDDTHHMMSS.mmmZ.EXT (folded, json,\n"
	"                           pb.gz), once complete; --format may list several\n"
	"                           (folded,pprof); SIGHUP opens DIR again\n"
	"      --keep N             with --output-dir: keep the N newest files of each\n"
	"                           format, remove older ones (default: keep all)\n"
	"      --interval SECONDS   continuous mode: a window's length (default: 60)\n"
	"      --otlp-endpoint URL  continuous mode: send each window as an OTLP/HTTP\n"
	"                           ExportProfilesServiceRequest to URL (without a path:\n"
	"                           URL/v1development/profiles); needs libcurl.so.4\n"
	"      --otlp-header NAME=VALUE  add this header to each request (a token:\n"
	"                           never printed); repeat for several\n"
	"      --service-name NAME  OTLP service.name (default: each process's comm)\n"
	"      --otlp-timeout SECONDS  give up one try of a request after SECONDS, 1-300\n"
	"                           (default: 10); 429/502/503/504 and network errors\n"
	"                           are tried again, 5 tries in all\n"
	"      --unwind-table MIB   kernel memory for the unwind rules of the mapped\n"
	"                           files, 1-1024 MiB (default: 32, 2 Mi rules); a file\n"
	"                           whose rules do not fit is unwound by frame pointers\n"
	"      --no-demangle        C++ function names as the symbol tables hold them\n"
	"                           (_ZN3foo3barEi), not demangled (foo::bar(int))\n"
	"  -v, --verbose            log progress and libbpf's messages on stderr\n"
	"      --debug-analyzer     load the debug analyzer and print its records on stderr\n"
	"      --debug-level N      with the debug analyzer: 0 none, 1 drops, failures and\n"
	"                           failed unwinds (default), 2 also what the pid filter\n"
	"                           drops and every sample\n"
	"  -V, --version            print the version, the commit and the embedded analyzers\n"
	"  -h, --help               print this help\n"
	"\n"
	"Needs root, or CAP_BPF and CAP_PERFMON (CAP_SYSLOG for kernel symbols).\n"
	"\n"
	"Exit codes: 0 profile written, 1 failure (kernel refusal, missing\n"
	"privileges, i/o; in continuous mode also a window that could not be\n"
	"written or sent), 2 bad usage (unknown option, bad value, an analyzer\n"
	"this build lacks, an --output-dir that is not a writable directory,\n"
	"no libcurl for --otlp-endpoint).\n";

void options_usage(FILE *f)
{
	fputs(usage_text, f);
}

static int bad_value(const char *option, const char *value, const char *expected)
{
	return log_error("invalid %s '%s': expected %s", option, value, expected);
}

/* a whole number in [min, max] */
static int parse_int(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (!*s || *end || errno || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* "folded", "json", "pprof", or a comma-separated list of them */
static int parse_formats(const char *arg, struct agent_options *o)
{
	static const char *const names[] = { [FORMAT_FOLDED] = "folded", [FORMAT_JSON] = "json",
					     [FORMAT_PPROF] = "pprof" };
	const char *p = arg;
	unsigned int formats = 0, i;
	int first = -1;

	for (;;) {
		size_t n = strcspn(p, ",");

		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strlen(names[i]) == n && !strncmp(p, names[i], n))
				break;
		if (i == sizeof(names) / sizeof(names[0]))
			return bad_value("--format", arg, "folded, json or pprof (several, comma-separated, with --output-dir)");
		if (first < 0)
			first = (int)i;
		formats |= 1u << i;
		if (!p[n])
			break;
		p += n + 1;
	}
	o->format = (enum output_format)first;
	o->formats = formats;
	return 0;
}

static int parse_endpoint(const char *arg, struct agent_options *o)
{
	char err[160];

	free(o->otlp_endpoint);
	o->otlp_endpoint = endpoint_parse(arg, err, sizeof(err));
	if (!o->otlp_endpoint)
		return log_error("invalid --otlp-endpoint: %s", err);
	return 0;
}

static int parse_header(const char *arg, struct agent_options *o)
{
	char err[160];

	if (o->notlp_headers == AGENT_MAX_HEADERS)
		return log_error("too many --otlp-header: at most %d", AGENT_MAX_HEADERS);
	o->otlp_headers[o->notlp_headers] = header_parse(arg, err, sizeof(err));
	if (!o->otlp_headers[o->notlp_headers])
		return log_error("invalid --otlp-header: %s", err);
	o->notlp_headers++;
	return 0;
}

static int parse_option(int ch, const char *arg, struct agent_options *o)
{
	long v;
	double d;
	char *end;

	switch (ch) {
	case 'd':
		errno = 0;
		d = strtod(arg, &end);
		if (!*arg || *end || errno || !isfinite(d) || d <= 0 || d > MAX_DURATION_S)
			return bad_value("--duration", arg, "a number of seconds above 0, such as 30 or 0.5");
		o->duration_s = d;
		return 0;
	case 'F':
		if (parse_int(arg, 1, MAX_FREQUENCY_HZ, &v) < 0)
			return bad_value("--frequency", arg, "a whole number of Hz from 1 to 10000");
		o->frequency_hz = (unsigned int)v;
		return 0;
	case 'p':
		if (parse_int(arg, 1, INT_MAX, &v) < 0)
			return bad_value("--pid", arg, "a process id above 0");
		if (o->npids == AGENT_MAX_PIDS)
			return log_error("too many --pid: at most %d", AGENT_MAX_PIDS);
		o->pids[o->npids++] = (int)v;
		return 0;
	case 'o':
		if (!*arg)
			return bad_value("--output", arg, "a file name, or - for stdout");
		o->output = strcmp(arg, "-") ? arg : NULL;
		return 0;
	case 'f':
		return parse_formats(arg, o);
	case 'O':
		if (!*arg)
			return bad_value("--output-dir", arg, "a directory");
		o->output_dir = arg;
		return 0;
	case 'K':
		if (parse_int(arg, 1, 1000000, &v) < 0)
			return bad_value("--keep", arg, "a whole number of files from 1 to 1000000");
		o->keep = (unsigned int)v;
		return 0;
	case 'I':
		errno = 0;
		d = strtod(arg, &end);
		if (!*arg || *end || errno || !isfinite(d) || d < 1 || d > MAX_INTERVAL_S)
			return bad_value("--interval", arg, "a number of seconds from 1 to 86400");
		o->interval_s = d;
		return 0;
	case 'E':
		return parse_endpoint(arg, o);
	case 'H':
		return parse_header(arg, o);
	case 'T':
		errno = 0;
		d = strtod(arg, &end);
		if (!*arg || *end || errno || !isfinite(d) || d < 1 || d > 300)
			return bad_value("--otlp-timeout", arg, "a number of seconds from 1 to 300");
		o->otlp_timeout_s = d;
		return 0;
	case 'S':
		if (!*arg || strlen(arg) > 255)
			return bad_value("--service-name", arg, "a name of 1 to 255 bytes");
		o->service_name = arg;
		return 0;
	case 'L':
		if (parse_int(arg, 0, 2, &v) < 0)
			return bad_value("--debug-level", arg, "0, 1 or 2");
		o->debug_level = (int)v;
		return 0;
	case 'U':
		if (parse_int(arg, 1, 1024, &v) < 0)
			return bad_value("--unwind-table", arg, "a whole number of MiB from 1 to 1024");
		o->unwind_mib = (unsigned int)v;
		return 0;
	case 'v': o->verbose = 1; return 0;
	case 'D': o->debug_analyzer = 1; return 0;
	case 'N': o->no_demangle = 1; return 0;
	case 'V': o->version = 1; return 0;
	case 'h': o->help = 1; return 0;
	default: return -1;
	}
}

static int check_combination(struct agent_options *o);

int options_parse(int argc, char **argv, struct agent_options *o)
{
	static const struct option longopts[] = {
		{ "duration", required_argument, NULL, 'd' },
		{ "frequency", required_argument, NULL, 'F' },
		{ "pid", required_argument, NULL, 'p' },
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "debug-analyzer", no_argument, NULL, 'D' },
		{ "debug-level", required_argument, NULL, 'L' },
		{ "unwind-table", required_argument, NULL, 'U' },
		{ "no-demangle", no_argument, NULL, 'N' },
		{ "output-dir", required_argument, NULL, 'O' },
		{ "keep", required_argument, NULL, 'K' },
		{ "interval", required_argument, NULL, 'I' },
		{ "otlp-endpoint", required_argument, NULL, 'E' },
		{ "otlp-header", required_argument, NULL, 'H' },
		{ "service-name", required_argument, NULL, 'S' },
		{ "otlp-timeout", required_argument, NULL, 'T' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	memset(o, 0, sizeof(*o));
	o->frequency_hz = 19;
	o->unwind_mib = 32;
	o->debug_level = -1;
	o->formats = 1u << FORMAT_FOLDED;
	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, ":d:F:p:o:f:vVh", longopts, NULL)) != -1) {
		if (ch == '?' && optopt)
			return log_error("unknown option '-%c': see --help", optopt);
		if (ch == '?')
			return log_error("unknown option '%s': see --help", argv[optind - 1]);
		if (ch == ':')
			return log_error("option '%s' needs a value: see --help", argv[optind - 1]);
		if (parse_option(ch, optarg, o) < 0)
			return -1;
	}
	if (optind < argc)
		return log_error("unexpected argument '%s': see --help", argv[optind]);
	return check_combination(o);
}

int options_continuous(const struct agent_options *o)
{
	return o->output_dir || o->otlp_endpoint;
}

/* what only makes sense with other options, or not with them */
static int check_combination(struct agent_options *o)
{
	if (!options_continuous(o)) {
		if (o->keep || o->interval_s > 0)
			return log_error("%s needs --output-dir or --otlp-endpoint (continuous mode)",
					 o->keep ? "--keep" : "--interval");
	}
	if (o->output && options_continuous(o))
		return log_error("--output writes one profile at the end: in continuous mode profiles go to "
				 "--output-dir or --otlp-endpoint");
	if (o->keep && !o->output_dir)
		return log_error("--keep needs --output-dir");
	if ((o->formats & (o->formats - 1)) && !o->output_dir)
		return log_error("several --format values need --output-dir (a file each)");
	if ((o->notlp_headers || o->service_name || o->otlp_timeout_s > 0) && !o->otlp_endpoint)
		return log_error("%s needs --otlp-endpoint", o->notlp_headers ? "--otlp-header"
							     : o->service_name   ? "--service-name"
										 : "--otlp-timeout");
	if (o->otlp_timeout_s <= 0)
		o->otlp_timeout_s = 10;
	if (o->interval_s <= 0)
		o->interval_s = DEFAULT_INTERVAL_S;
	return 0;
}

void options_release(struct agent_options *o)
{
	int i;

	free(o->otlp_endpoint);
	o->otlp_endpoint = NULL;
	for (i = 0; i < o->notlp_headers; i++) {
		explicit_bzero(o->otlp_headers[i], strlen(o->otlp_headers[i]));
		free(o->otlp_headers[i]);
	}
	o->notlp_headers = 0;
}
