/*
 * The releaser's one door to libgit2: opening the repository, the checker
 * that turns libgit2 errors into our messages, and small helpers that every
 * command needs.
 */
#ifndef RELEASER_GIT_H
#define RELEASER_GIT_H

#include <git2.h>

/* hex digits in short commit ids (snapshot versions, messages): fixed, so
 * the same commit gives the same version in every clone */
#define SHORT_SHA_LEN 12

/*
 * git_check returns 0 when rc >= 0; otherwise prints "releaser: WHAT: the
 * libgit2 message" and returns -1.
 */
int git_check(int rc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * repo_open finds the repository containing path (or the current directory
 * when path is NULL) and opens it. Returns the repository (free with
 * git_repository_free) or NULL after a message.
 */
git_repository *repo_open(const char *path);

struct head_info {
	char *branch;            /* short branch name, NULL when HEAD is detached */
	git_oid oid;             /* commit at HEAD */
	char sha[GIT_OID_HEXSZ + 1];
	char short_sha[SHORT_SHA_LEN + 1];
	git_time_t commit_time;  /* committer time of HEAD, seconds since the epoch */
};

/*
 * repo_head reads HEAD. Returns 0, or -1 after a message (unborn HEAD:
 * "no commits yet"). Free the branch with head_info_release.
 */
int repo_head(git_repository *repo, struct head_info *h);

/* head_info_release frees what repo_head allocated. */
void head_info_release(struct head_info *h);

/* oid_short writes the first SHORT_SHA_LEN hex digits of oid into buf. */
void oid_short(const git_oid *oid, char buf[SHORT_SHA_LEN + 1]);

#endif /* RELEASER_GIT_H */
