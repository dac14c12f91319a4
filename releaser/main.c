/*
 * releaser: builds, packages, signs and verifies releases of the profiler
 * from git state. main() holds the command table and dispatch, nothing else.
 *
 * The folders are the layers; calls go down only:
 *   cmd/      one file per command: options into a struct, one call, print
 *   release/  the pipeline: state -> plan -> build -> layout -> tarball ->
 *             metadata -> output directory
 *   git/      the only code that includes <git2.h>
 *   sign/     the only code that includes OpenSSL: hashes, keys, signatures
 *   lib/      helpers every layer uses: errors, memory, files, JSON, versions
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "lib/common.h"
#include "lib/progress.h"
#include "git/git.h"
#include "lib/self.h"

enum {
	NEEDS_REPO = 1 << 0,   /* open the repository and its settings first */
	OWN_SETTINGS = 1 << 1, /* with NEEDS_REPO: the command reads the settings itself */
	OFFLINE = 1 << 2,      /* the command reaches no remote (libgit2 skips the CA certificates) */
};

struct command {
	const char *name;
	cmd_fn fn;
	int flags;
	const char *summary;
};

static const struct command commands[] = {
	{ "info", cmd_info, NEEDS_REPO | OFFLINE, "what a release would be: version, channel, build plan, preflight" },
	{ "check", cmd_check, NEEDS_REPO | OWN_SETTINGS, "every problem of releaser.conf, tools and state, without building" },
	{ "build", cmd_build, NEEDS_REPO, "build the analyzer flavors and the agent, check the flavors" },
	{ "package", cmd_package, NEEDS_REPO, "package a build into tarballs, checksums, manifest, signatures" },
	{ "release", cmd_release, NEEDS_REPO, "preflight, build, package and sign: the CI step" },
	{ "finalize", cmd_finalize, 0, "merge per-arch packages into checksums, manifest and signatures" },
	{ "keygen", cmd_keygen, 0, "make an Ed25519 key pair (minisign and signify format)" },
	{ "verify", cmd_verify, 0, "check a release directory: checksums and signatures" },
	{ "mirror", cmd_mirror, NEEDS_REPO, "bring the debug branch up to date with main" },
	{ "guard", cmd_guard, NEEDS_REPO, "fail when a tracked file is a build output" },
	{ "tag", cmd_tag, NEEDS_REPO, "tag a release's debug release (vX.Y.Z-debug) or Go module (--go: support/go/vX.Y.Z)" },
	{ "notes", cmd_notes, NEEDS_REPO, "the release notes of a tag: commits since the previous release, grouped" },
	{ NULL, NULL, 0, NULL },
};

static void usage(FILE *f)
{
	const struct command *c;

	fprintf(f, "usage: releaser [-C DIR] [-q] COMMAND [OPTIONS]\n"
		   "       releaser --version\n\n"
		   "commands:\n");
	for (c = commands; c->name; c++)
		fprintf(f, "  %-9s %s\n", c->name, c->summary);
	fprintf(f, "\n"
		   "options:\n"
		   "  -C DIR     run as if started in DIR\n"
		   "  -q         quiet: only errors and requested output\n"
		   "  --help     this text; `releaser help COMMAND` (or `releaser COMMAND\n"
		   "             --help`, `-h`) for a command\n"
		   "  --version  print \"releaser VERSION\", the version it was built from\n\n"
		   "exit codes:\n"
		   "  0  success\n"
		   "  1  the operation failed (e.g. verification failed, merge conflict)\n"
		   "  2  bad usage, or a precondition is not met (dirty tree, bad tag, missing key,\n"
		   "     a problem `releaser check` lists)\n");
}

static const struct command *find_command(const char *name)
{
	const struct command *c;

	for (c = commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

static int wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return 1;
	return 0;
}

static int run(const struct command *c, int argc, char **argv, const char *dir)
{
	char *help_argv[] = { argv[0], "--help", NULL };
	struct context ctx;
	int ret;

	/* -h or --help anywhere after a command: that command's help, nothing else */
	if (wants_help(argc, argv)) {
		argc = 2;
		argv = help_argv;
	}
	memset(&ctx, 0, sizeof(ctx));
	ctx.repo_path = dir;
	if ((c->flags & NEEDS_REPO) && !wants_help(argc, argv)) {
		if (c->flags & OFFLINE)
			repo_offline();
		ctx.repo = repo_open(dir);
		if (!ctx.repo)
			return EXIT_USAGE;
		if (!(c->flags & OWN_SETTINGS) && settings_load(ctx.repo, &ctx.settings) < 0) {
			repo_close(ctx.repo);
			return EXIT_USAGE;
		}
	}
	optind = 0; /* the command parses its own options, */
	opterr = 0; /* and reports what getopt refused (cmd_bad_option) */
	ret = c->fn(argc, argv, &ctx);
	if (ctx.repo) {
		if (!(c->flags & OWN_SETTINGS))
			settings_release(&ctx.settings);
		repo_close(ctx.repo);
	}
	return ret;
}

int main(int argc, char **argv)
{
	const struct command *c;
	const char *dir = NULL;
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-C") && i + 1 < argc) {
			dir = argv[++i];
		} else if (!strcmp(argv[i], "-q")) {
			set_quiet(1);
			progress_quiet(1);
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return EXIT_OK;
		} else if (!strcmp(argv[i], "--version")) {
			printf("releaser %s\n", releaser_version());
			return fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
		} else {
			error("unknown option '%s' (see releaser --help)", argv[i]);
			return EXIT_USAGE;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[i], "help")) {
		/* releaser help [COMMAND]: the same text as --help */
		if (i + 1 >= argc) {
			usage(stdout);
			return EXIT_OK;
		}
		c = find_command(argv[i + 1]);
		if (!c) {
			error("unknown command '%s' (see releaser --help)", argv[i + 1]);
			return EXIT_USAGE;
		}
		return run(c, 2, (char *[]){ argv[i + 1], "--help", NULL }, NULL);
	}
	c = find_command(argv[i]);
	if (!c) {
		error("unknown command '%s' (see releaser --help)", argv[i]);
		return EXIT_USAGE;
	}
	if (dir && chdir(dir) != 0) {
		error("cannot change to '%s': %s", dir, strerror(errno));
		return EXIT_USAGE;
	}
	return run(c, argc - i, argv + i, dir ? "." : NULL);
}
