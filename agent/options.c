/* Parses the agent's command line (see options.h). */
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#define MAX_FREQUENCY_HZ 10000
#define MAX_DURATION_S (366.0 * 24 * 3600)

static const char usage_text[] =
	"usage: profiling-agent [options]\n"
	"\n"
	"Samples the CPU stacks of every process (or one) with an eBPF analyzer\n"
	"and writes the profile when the duration ends or on SIGINT/SIGTERM.\n"
	"\n"
	"  -d, --duration SECONDS   stop after SECONDS (default: at SIGINT or SIGTERM)\n"
	"  -F, --frequency HZ       samples per second on each CPU, 1-10000 (default: 19)\n"
	"  -p, --pid PID            profile only process PID, its threads and its\n"
	"                           descendants (those running and those it forks\n"
	"                           later); repeat to profile several processes\n"
	"  -o, --output FILE        write the profile to FILE (default: stdout), replaced\n"
	"                           only once complete\n"
	"  -f, --format FORMAT      folded (default; for flamegraph.pl, inferno,\n"
	"                           speedscope) or json (with frame types, addresses,\n"
	"                           modules and build-ids)\n"
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
	"privileges, i/o), 2 bad usage (unknown option, bad value, an analyzer\n"
	"this build lacks).\n";

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
		if (!strcmp(arg, "folded"))
			o->format = FORMAT_FOLDED;
		else if (!strcmp(arg, "json"))
			o->format = FORMAT_JSON;
		else
			return bad_value("--format", arg, "folded or json");
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
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	memset(o, 0, sizeof(*o));
	o->frequency_hz = 19;
	o->unwind_mib = 32;
	o->debug_level = -1;
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
	return 0;
}
