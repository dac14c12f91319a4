/*
 * Project settings for the releaser: a small git-config-format file at the
 * root of the work tree (SETTINGS_FILE), read with libgit2's config API.
 * Every key has a default, so the file may be absent:
 *
 *	[project]  name = profiling-agent
 *	[branch]   main = main             debug = debug
 *	[build]    arch = amd64            arch = arm64       (multi-valued)
 *	[package]  file = LICENSE          file = README.md   (multi-valued)
 *	[mirror]   allow = releaser.conf   (paths debug may differ from main)
 *	[guard]    maxsize = 1048576       (bytes; a larger tracked file is refused)
 *	[deb]      maintainer = NAME <EMAIL>  (the packages' Maintainer field)
 *	           homepage = URL          (Homepage; none by default)
 *	           depends = PKG (>= V), ...  (Depends; none by default)
 *
 * Every value is checked here against the rules of every place it goes
 * (a file name, a Debian package name, a control field: lib/debian.h), so
 * a bad one stops every command before anything is built.
 */
#ifndef RELEASER_SETTINGS_H
#define RELEASER_SETTINGS_H

#include "git/git.h"
#include "lib/strlist.h"

#define SETTINGS_FILE "releaser.conf"

struct settings {
	char *name;
	char *main_branch;
	char *debug_branch;
	struct strlist arches;
	struct strlist files;
	struct strlist mirror_allow;
	long long guard_max_size;
	char *deb_maintainer;
	char *deb_homepage;  /* "" when none */
	char *deb_depends;   /* "" when none */
};

/*
 * settings_load reads SETTINGS_FILE from repo's work tree (defaults for
 * every missing key, or for all when the file is absent or the repository
 * is bare) with settings_check's rules: any problem, an unknown section
 * or key too, stops it. Returns 0, or -1 after one message naming the
 * file and the first problem (and how many more `releaser check` lists).
 * Free with settings_release.
 */
int settings_load(git_repository *repo, struct settings *s);

/* one problem settings_check finds */
struct settings_problem {
	const char *kind;  /* "unknown-section", "unknown-key", "bad-value", "syntax" or "unsafe" */
	char *section;     /* the section as written (lower-case), NULL for the file as a whole */
	char *key;         /* the key without its section (lower-case), NULL for a section */
	int line;          /* 1-based line in the file, 0 when not known */
	char *suggestion;  /* the nearest known name, "build" or "deb.maintainer"; NULL when none is near */
	char *message;     /* one line, without the file's path */
};

struct settings_problems {
	char *path;        /* the file's path */
	struct settings_problem *items;  /* in the order of their lines (unknown lines last) */
	size_t n;
};

/*
 * settings_check reads SETTINGS_FILE as settings_load does but reports
 * every problem into *p instead of stopping at the first: each section and
 * key that is not one of the above (with the nearest known name by edit
 * distance), each bad value, a syntax error, an [include] section (then
 * the file is not parsed further). *s gets the settings with every bad or
 * unknown value left at its default. Returns 0 (problems or not), or -1
 * after a message when the file cannot be read at all (then *s and *p
 * hold nothing). Free with settings_release and settings_problems_release.
 */
int settings_check(git_repository *repo, struct settings *s, struct settings_problems *p);

/* settings_problems_release frees what settings_check put into p. */
void settings_problems_release(struct settings_problems *p);

/*
 * settings_check_project returns NULL when name may be project.name: one
 * plain file name (it names the tarballs) and a Debian package name (it
 * names the packages); else why not, a phrase after "project.name 'NAME' ".
 */
const char *settings_check_project(const char *name);

/*
 * settings_branch_valid returns 1 when name may name a branch a release
 * comes from (branch.main, branch.debug, a snapshot's branch): a valid git
 * branch name, not starting with '-', without the markup and shell
 * characters < > & " ' ` | $ and backslash. Returns 0 otherwise.
 */
int settings_branch_valid(const char *name);

/* settings_release frees what settings_load allocated. */
void settings_release(struct settings *s);

#endif /* RELEASER_SETTINGS_H */
