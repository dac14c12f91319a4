/* What a command says about options getopt_long refused (see cmd.h). */
#include <getopt.h>
#include <stdio.h>

#include "cmd/cmd.h"
#include "lib/common.h"

int cmd_bad_option(int c, char **argv, const char *usage)
{
	const char *opt = optind > 0 ? argv[optind - 1] : "";

	if (c == ':')
		error("option '%s' needs a value", opt);
	else if (optopt > 0)
		error("unknown option '-%c'", optopt);
	else
		error("unknown option '%s'", opt);
	fputs(usage, stderr);
	return EXIT_USAGE;
}
