/*
 * The releaser's one door to libgit2. Only the files of git/ include
 * <git2.h>; every other layer sees the repository as an opaque handle and
 * commits as hex strings. git/internal.h holds what git/ shares inside.
 */
#ifndef RELEASER_GIT_H
#define RELEASER_GIT_H

#include <stddef.h>

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

/*
 * repo_offline, called before repo_open, promises that the process reaches
 * no remote: libgit2's start then skips parsing the system's CA
 * certificates (see git.c), which only HTTPS needs. A remote operation
 * after it fails certificate verification; it never goes unverified.
 */
void repo_offline(void);

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

/* repo_workdir returns the work tree with a trailing '/', or NULL when bare. */
const char *repo_workdir(git_repository *repo);

/* repo_head_unborn tells whether HEAD has no commit yet (a new repository). */
int repo_head_unborn(git_repository *repo);

/* repo_is_shallow tells whether the clone is shallow. */
int repo_is_shallow(git_repository *repo);

/*
 * repo_remote_url returns remote.<name>.url from the repository's config
 * (caller frees), or NULL when it has none.
 */
char *repo_remote_url(git_repository *repo, const char *name);

/*
 * branch_contains tells whether commit (a full hex id) is reachable from
 * branch: refs/heads/<branch>, and when that is missing or does not
 * contain it, refs/remotes/<remote>/<branch> (remote may be NULL). Returns
 * 1 with the ref that contains it copied into where[len]; 0 when neither
 * does (or neither exists); -1 after a message.
 */
int branch_contains(git_repository *repo, const char *branch, const char *remote, const char *commit,
		    char *where, size_t len);

#endif /* RELEASER_GIT_H */
