/*
 * profiling-agent: samples CPU stacks with the embedded eBPF analyzer and
 * writes a folded or json profile. main() parses the command line and
 * hands over to session_run; see options.c for the options.
 */
#include "log.h"
#include "options.h"
#include "session.h"
#include "agent-version.h"

int main(int argc, char **argv)
{
	struct agent_options o;

	if (options_parse(argc, argv, &o) < 0)
		return EXIT_USAGE;
	if (o.help) {
		options_usage(stdout);
		return EXIT_OK;
	}
	if (o.version) {
		version_print(stdout);
		return EXIT_OK;
	}
	log_set_verbose(o.verbose);
	return session_run(&o);
}
