/*
 * Whether an output directory already holds a release, exactly: what lets
 * `releaser release` (and so `make release`) run again with nothing
 * changed stop before it packages or signs anything.
 *
 * A directory holds release id signed with key when, checked in this
 * order and stopping at the first miss:
 *   - it holds no journal of an interrupted replacement (outdir.h);
 *   - its manifest.json is a complete (not partial) manifest of id: same
 *     project, version, commit, ref, channel, source, snapshot, build
 *     and epoch (ident_same);
 *   - it lists the tarball of every arch of id, and the .deb and .rpm of
 *     every arch with the agent;
 *   - SHA256SUMS lists exactly the manifest's artifacts with the same
 *     digests, and manifest.json with its digest;
 *   - SHA256SUMS.minisig and SHA256SUMS.sig are valid signatures of
 *     SHA256SUMS by key;
 *   - every artifact is a regular file of the manifest's size and digest.
 * Nothing in the directory is changed, and no file's times either (files
 * are only read).
 */
#ifndef RELEASER_CURRENT_H
#define RELEASER_CURRENT_H

#include <stddef.h>

#include "release/ident.h"
#include "release/outdir.h"
#include "sign/key.h"

/*
 * release_current checks whether dir holds release id signed with key
 * (see above). Returns 1 when it does, with every file checked added to
 * *files (a zeroed struct outdir whose dir is set; only its files are
 * filled: release it with outdir_close); 0 when it does not, with the first
 * reason in why (a phrase, no message; outside text escaped; "" when dir
 * holds no manifest.json at all); -1 after a
 * message when a check could not run (a file that cannot be read,
 * OpenSSL failing).
 */
int release_current(const struct release_ident *id, const char *dir, const struct sign_key *key,
		    struct outdir *files, char *why, size_t why_len);

#endif /* RELEASER_CURRENT_H */
