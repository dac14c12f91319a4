/*
 * profiling-agent: samples CPU stacks with the embedded eBPF analyzer and
 * writes a folded, json or pprof profile. main() parses the command line and
 * hands over to session_run; see options.c for the options.
 */
#include "log.h"
#include "options.h"
#include "session.h"
#include "agent-version.h"

int main(int argc, char **argv)
{
	struct agent_options o;
	int code;

	if (options_parse(argc, argv, &o) < 0) {
		options_release(&o);
		return EXIT_USAGE;
	}
	if (o.help) {
		options_usage(stdout);
		options_release(&o);
		return EXIT_OK;
	}
	if (o.version) {
		version_print(stdout);
		options_release(&o);
		return EXIT_OK;
	}
	log_set_verbose(o.verbose);
	code = session_run(&o);
	options_release(&o);
	return code;
}
