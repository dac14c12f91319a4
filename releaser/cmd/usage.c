/* What a command says about options getopt_long refused (see cmd.h). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "lib/common.h"

int cmd_bad_option(int c, char **argv)
{
	const char *opt = optind > 0 ? argv[optind - 1] : "";

	if (c == ':')
		error("option '%s' needs a value (see releaser %s --help)", opt, argv[0]);
	else if (optopt > 0 && strncmp(opt, "--", 2))
		error("unknown option '-%c' (see releaser %s --help)", optopt, argv[0]);
	else
		error("unknown option '%s' (see releaser %s --help)", opt, argv[0]);
	return EXIT_USAGE;
}

int cmd_no_operands(int argc, char **argv)
{
	if (optind >= argc)
		return EXIT_OK;
	error("%s takes no arguments, got '%s' (see releaser %s --help)", argv[0], argv[optind], argv[0]);
	return EXIT_USAGE;
}
