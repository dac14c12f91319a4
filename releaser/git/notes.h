/*
 * What a release brings, from git: the range of commits since the
 * previous release of the same channel, for the release notes
 * (release/notes.h renders them).
 *
 * The previous release of tag vX.Y.Z[-PRE] is the highest version among
 * the nearest tags of the same channel (vX.Y.Z[-PRE] on the release
 * channel, vX.Y.Z[-PRE]-debug on the debug channel) that are lower than the
 * tag (versions compared without -debug) and whose commits the tag
 * contains; nearest: not contained in another such tag's commit. A
 * final release skips its own pre-releases: v1.1.0 follows v1.0.0 even
 * when v1.1.0-rc.1 lies between; a pre-release follows the tag before it,
 * of any kind. With no such tag (the first release) the range is
 * everything the tag contains.
 *
 * A debug release vX.Y.Z-debug mirrors a release of main: the one its tag
 * message names ("main-tag: vX.Y.Z", as `releaser tag` writes it), else
 * the tag's name without -debug. Its commits are what the debug branch
 * adds on top: those the debug tag contains and the mirrored tag does not.
 * When the mirrored tag is missing (a debug tag made by hand), a warning
 * says so and the range is the channel's, as above.
 *
 * Merge commits and the mirror's marker commits (git/tag.h) are left out.
 * Commits come in history order, newest first (topological, then by
 * commit time). Finding the previous release is one walk from the tip,
 * newest first, that stops below the nearest such tags, and the range is
 * walked with what it follows until only that is left: the cost is the
 * range's, whatever tags the repository holds.
 *
 * Commit text is decoded as UTF-8 from the commit's `encoding` header
 * (iconv; none means UTF-8); what cannot be decoded becomes U+FFFD and is
 * counted. The history is walked over the commits' raw headers, so a
 * commit whose author or committer line libgit2 refuses (no e-mail, no
 * '>', a bad date: git accepts them) does not stop the notes: a warning
 * names it and it is listed without its author.
 */
#ifndef RELEASER_GIT_NOTES_H
#define RELEASER_GIT_NOTES_H

#include <stddef.h>

#include "git/git.h"

struct notes_commit {
	char id[OID_HEX_LEN + 1];
	char short_id[SHORT_SHA_LEN + 1];
	char *subject;  /* the message's first paragraph, on one line */
	char *body;     /* the rest of the message, trimmed; "" when none */
	char *author;   /* the author's name; NULL when the commit's author line is malformed */
	size_t replaced; /* sequences of subject, body and author not decodable, now U+FFFD */
};

struct notes_range {
	char commit[OID_HEX_LEN + 1];  /* the commit released */
	long long time;                /* its committer time, seconds since the epoch */
	char *previous;                /* the previous release tag of the channel; NULL: none */
	char *mirrors;                 /* a debug release: the release tag it mirrors; else NULL */
	int mirrors_missing;           /* that tag is missing: the range is the channel's */
	struct notes_commit *commits;  /* newest first */
	size_t n;
	size_t replaced;               /* commits with text that could not be decoded */
	size_t authors_missing;        /* commits listed without their (malformed) author */
};

/*
 * notes_range_tag fills *r for tag, a release or debug release tag name
 * (vX.Y.Z[-PRE][-debug]). Returns EXIT_OK; EXIT_USAGE after a message
 * when the tag is not a version or is missing, or the release a debug tag
 * mirrors is not a version (from its main-tag: line); EXIT_FAIL after a message when
 * the history cannot be read. Free with notes_range_release (also after a
 * failure).
 */
int notes_range_tag(git_repository *repo, const char *tag, struct notes_range *r);

/*
 * notes_range_snapshot fills *r for a snapshot of commit (full hex) on the
 * debug channel (debug set) or the release channel: the commits since the
 * highest version tag of that channel the commit contains (no mirrored
 * release). Returns EXIT_OK, or EXIT_FAIL after a message. Free with
 * notes_range_release (also after a failure).
 */
int notes_range_snapshot(git_repository *repo, const char *commit, int debug, struct notes_range *r);

/*
 * notes_commit_text fills c->subject, c->body and c->author (NULL when
 * author is NULL) from a commit's raw message msg[len] and author name,
 * both in encoding (NULL: UTF-8), decoded as UTF-8: what cannot be decoded
 * becomes U+FFFD, added to c->replaced. notes_range_release frees them.
 */
void notes_commit_text(struct notes_commit *c, const char *msg, size_t len, const char *author,
		       const char *encoding);

/* notes_range_release frees what r holds; safe on a zeroed struct. */
void notes_range_release(struct notes_range *r);

#endif /* RELEASER_GIT_NOTES_H */
