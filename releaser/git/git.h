/*
 * The releaser's one door to libgit2. Only the files of git/ include
 * <git2.h>; every other layer sees the repository as an opaque handle and
 * commits as hex strings. git/internal.h holds what git/ shares inside.
 */
#ifndef RELEASER_GIT_H
#define RELEASER_GIT_H

/* libgit2's own handle, opaque outside git/ */
typedef struct git_repository git_repository;

/* hex digits in a full commit id */
#define OID_HEX_LEN 40

/* hex digits in short commit ids (snapshot versions, messages): fixed, so
 * the same commit gives the same version in every clone */
#define SHORT_SHA_LEN 12

/*
 * repo_open finds the repository containing path (or the current directory
 * when path is NULL) and opens it. Returns the repository (free with
 * repo_close) or NULL after a message.
 */
git_repository *repo_open(const char *path);

/* repo_close frees repo (NULL is fine) and shuts libgit2 down. */
void repo_close(git_repository *repo);

struct head_info {
	char *branch;                   /* short branch name, NULL when HEAD is detached */
	char sha[OID_HEX_LEN + 1];      /* commit at HEAD */
	char short_sha[SHORT_SHA_LEN + 1];
	long long commit_time;          /* committer time of HEAD, seconds since the epoch */
};

/*
 * repo_head reads HEAD. Returns 0, or -1 after a message (unborn HEAD:
 * "no commits yet"). Free the branch with head_info_release.
 */
int repo_head(git_repository *repo, struct head_info *h);

/* head_info_release frees what repo_head allocated. */
void head_info_release(struct head_info *h);

/*
 * commit_resolve turns name (a full ref such as "refs/tags/v1.0.0", a
 * branch or tag name, a commit id, or any revision git understands) into
 * the commit it peels to, the one resolver every command uses. Returns 0
 * with hex set; 1 when nothing has that name (nothing printed); -1 after a
 * message (not a commit, unreadable).
 */
int commit_resolve(git_repository *repo, const char *name, char hex[OID_HEX_LEN + 1]);

#endif /* RELEASER_GIT_H */
