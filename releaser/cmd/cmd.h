/*
 * The releaser's commands. Each lives in cmd-<name>.c and exports only
 * cmd_<name>(); releaser.c's table dispatches to them.
 */
#ifndef RELEASER_CMD_H
#define RELEASER_CMD_H

#include "git/git.h"
#include "git/settings.h"

/* what the dispatcher prepares, according to the command's flags */
struct context {
	git_repository *repo;      /* with NEEDS_REPO */
	struct settings settings;  /* with NEEDS_REPO, unless the command reads them itself */
	const char *repo_path;     /* -C DIR, or NULL */
};

/*
 * Every command takes its own argv (argv[0] is the command name) and the
 * context, and returns an exit code: EXIT_OK, EXIT_FAIL or EXIT_USAGE.
 */
typedef int (*cmd_fn)(int argc, char **argv, struct context *ctx);

/*
 * cmd_bad_option reports what getopt_long refused (every command parses
 * with an optstring led by ':'; main() sets opterr = 0), c being '?' or
 * ':': one line, "releaser: unknown option '--x' (see releaser CMD
 * --help)" or "releaser: option '--x' needs a value (see ...)", CMD from
 * argv[0]. Returns EXIT_USAGE.
 */
int cmd_bad_option(int c, char **argv);

/*
 * cmd_no_operands returns EXIT_OK when argv has nothing left after the
 * options (from optind), else EXIT_USAGE after one line naming the first
 * operand and the command (argv[0]).
 */
int cmd_no_operands(int argc, char **argv);

/* releaser check [--json]: every problem a release would be refused for, without building (cmd/check.c) */
int cmd_check(int argc, char **argv, struct context *ctx);
/* releaser info [--json]: what a release would be (cmd/info.c) */
int cmd_info(int argc, char **argv, struct context *ctx);
/* releaser build [--arch LIST] [--jobs N]: build and check the flavors (cmd/build.c) */
int cmd_build(int argc, char **argv, struct context *ctx);
/* releaser package [--out DIR] [--key FILE | --no-sign]: artifacts of a build (cmd/package.c) */
int cmd_package(int argc, char **argv, struct context *ctx);
/* releaser release [...]: preflight, build, package, sign (cmd/release.c) */
int cmd_release(int argc, char **argv, struct context *ctx);
/* releaser finalize [--out DIR] [--key FILE]: merge per-arch parts and sign (cmd/finalize.c) */
int cmd_finalize(int argc, char **argv, struct context *ctx);
/* releaser keygen [--out PREFIX] [--force]: a key pair (cmd/keygen.c) */
int cmd_keygen(int argc, char **argv, struct context *ctx);
/* releaser verify [--pubkey FILE] [--require LIST] [--json] DIR: a release directory (cmd/verify.c) */
int cmd_verify(int argc, char **argv, struct context *ctx);
/* releaser mirror: bring the debug branch up to date with main (cmd/mirror.c) */
int cmd_mirror(int argc, char **argv, struct context *ctx);

/* releaser guard: refuse build outputs among tracked files (cmd/guard.c) */
int cmd_guard(int argc, char **argv, struct context *ctx);

/* releaser tag: tag the debug release of one of main's releases (cmd/tag.c) */
int cmd_tag(int argc, char **argv, struct context *ctx);

/* releaser notes [--json] [TAG]: the release notes of a tag (cmd/notes.c) */
int cmd_notes(int argc, char **argv, struct context *ctx);

#endif /* RELEASER_CMD_H */
