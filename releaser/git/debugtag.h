/*
 * Where a debug release tag goes. vX.Y.Z-debug marks the commit of the
 * debug branch that brought main's vX.Y.Z in: the earliest commit on
 * debug's first-parent line that contains main's tagged commit and is
 * debug's own (not on main). When debug is exactly main's tagged commit (a
 * pure fast-forward), there is no such commit; a marker commit (same tree,
 * parent the tagged commit) is added on debug so vX.Y.Z and vX.Y.Z-debug
 * never name the same commit.
 */
#ifndef RELEASER_DEBUGTAG_H
#define RELEASER_DEBUGTAG_H

#include <git2.h>

/*
 * debug_tag_target finds that commit, walking back from head (debug's
 * commit), given main's head and main's tagged commit. Returns
 * DEBUG_TAG_FOUND with *target set; DEBUG_TAG_MARKER when there is none
 * and head is the tagged commit (make a marker); DEBUG_TAG_PAST (nothing
 * printed) when there is none and debug already moved past the tagged
 * commit; -1 after a message.
 */
enum { DEBUG_TAG_FOUND, DEBUG_TAG_MARKER, DEBUG_TAG_PAST };

int debug_tag_target(git_repository *repo, const git_oid *head, const git_oid *main_head,
		     const git_oid *tagged, git_oid *target);

/*
 * debug_tag_marker writes (without moving any ref) the marker commit on top
 * of head, with head's tree, by committer, saying which tag it marks.
 * Returns 0 with *marker set, or -1 after a message.
 */
int debug_tag_marker(git_repository *repo, const git_oid *head, const char *debug_tag,
		     const char *main_tag, const git_signature *committer, git_oid *marker);

#endif /* RELEASER_DEBUGTAG_H */
