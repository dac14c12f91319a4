/* The agent's command line. */
#ifndef AGENT_OPTIONS_H
#define AGENT_OPTIONS_H

#include <stdio.h>

#define AGENT_MAX_PIDS 64 /* --pid given at most this many times */
#define AGENT_MAX_HEADERS 16 /* --otlp-header given at most this many times */

enum output_format {
	FORMAT_FOLDED,
	FORMAT_JSON,
	FORMAT_PPROF,
};

struct agent_options {
	double duration_s;         /* 0: until SIGINT or SIGTERM */
	unsigned int frequency_hz;
	int pids[AGENT_MAX_PIDS];  /* --pid, in order given; with their descendants */
	int npids;                 /* 0: every process */
	const char *output;        /* NULL: stdout; points into argv */
	enum output_format format;
	int verbose;
	int debug_analyzer;        /* load the debug slot */
	int debug_level;           /* -1: the analyzer's default */
	unsigned int unwind_mib;   /* the unwind rules' table, MiB of kernel memory */
	int no_demangle;           /* C++ names as the symbol tables hold them */
	unsigned int formats;      /* bit 1 << format for each of --format's list (--output-dir) */
	const char *output_dir;    /* continuous mode: a file per window and format here */
	unsigned int keep;         /* --output-dir keeps this many files per format; 0: all */
	double interval_s;         /* continuous mode: a window's length */
	char *otlp_endpoint;       /* continuous mode: OTLP/HTTP, the URL to post to, malloc'd */
	char *otlp_headers[AGENT_MAX_HEADERS]; /* "Name: value", malloc'd; never logged */
	int notlp_headers;
	const char *service_name;  /* NULL: each process's comm */
	double otlp_timeout_s;     /* one request's limit */
	int help, version;
};

/* exit codes, as --help lists them */
enum {
	EXIT_OK = 0,
	EXIT_FAILED = 1, /* the kernel refused, privileges missing, i/o error */
	EXIT_USAGE = 2,  /* bad option or value */
};

/*
 * options_parse fills o from argv. Returns 0, or -1 after printing one
 * line saying what is wrong (the caller exits with EXIT_USAGE).
 */
int options_parse(int argc, char **argv, struct agent_options *o);

/*
 * options_continuous says whether o asks for continuous mode: windows of
 * interval_s flushed to --output-dir and/or --otlp-endpoint.
 */
int options_continuous(const struct agent_options *o);

/* options_release frees what options_parse allocated in o. */
void options_release(struct agent_options *o);

/* options_usage prints the --help text to f. */
void options_usage(FILE *f);

#endif /* AGENT_OPTIONS_H */
