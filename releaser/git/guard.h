/*
 * The guard: finds build outputs and keys among tracked files (see
 * lib/classify.h), either in one commit's tree or among the files the commits
 * of a range add, and names the commit that added each.
 */
#ifndef RELEASER_GUARD_H
#define RELEASER_GUARD_H

#include <git2.h>
#include <stddef.h>

struct guard_offender {
	char *path;
	const char *reason;        /* static text from lib/classify.h, or "larger than guard.maxsize" */
	unsigned long long size;
	git_oid blob;
	git_oid commit;            /* the commit that added it (zero when not found) */
};

struct guard_result {
	struct guard_offender *items; /* guard_tree: by path; guard_range: in commit order */
	size_t n;
	size_t files;                 /* files examined */
	size_t commits;               /* commits examined (range) */
};

/*
 * guard_tree examines every file in the tree of commit, then walks its
 * history to find the commit that added each offender. Files larger than
 * max_size are offenders without being read; others are read only as far
 * as their first bytes where the object store allows it. Returns 0 (the
 * result may list offenders), or -1 after a message. Release the result
 * with guard_result_release.
 */
int guard_tree(git_repository *repo, const git_oid *commit, unsigned long long max_size,
	       struct guard_result *out);

/*
 * guard_range examines the files added or changed by each commit reachable
 * from to but not from from (from may be NULL: all history), that is, each
 * blob at a path none of the commit's parents has it at. Returns 0 or -1
 * after a message.
 */
int guard_range(git_repository *repo, const git_oid *from, const git_oid *to,
		unsigned long long max_size, struct guard_result *out);

/* guard_result_release frees the result's items. */
void guard_result_release(struct guard_result *r);

#endif /* RELEASER_GUARD_H */
