/*
 * The files that describe and seal a release, staged beside its tarballs:
 *
 *   provenance.intoto.json  in-toto / SLSA provenance of the tarballs
 *   manifest.json           every artifact with sha256, size, arch, flavors
 *   SHA256SUMS              GNU format, sorted by name: the tarballs and
 *                           the two JSON files; written once, then signed
 *   SHA256SUMS.minisig      minisign signature (trusted comment: timestamp,
 *                           version, commit, channel)
 *   SHA256SUMS.sig          signify embedded signature
 *
 * An unsigned per-arch run stages manifest-<arch>.json instead, which
 * `releaser finalize` later merges into the files above.
 */
#ifndef RELEASER_PUBLISH_H
#define RELEASER_PUBLISH_H

#include "release/manifest.h"
#include "release/outdir.h"
#include "sign/sign.h"
#include "lib/sums.h"

/*
 * publish_metadata stages provenance, manifest and SHA256SUMS for m's
 * tarballs in o, then signs SHA256SUMS with key (no signatures when key is
 * NULL). Returns 0 or -1 after a message.
 */
int publish_metadata(struct outdir *o, const struct release_meta *m, const struct sign_key *key);

/* publish_partials stages manifest-<arch>.json for each tarball of m. Returns 0 or -1 after a message. */
int publish_partials(struct outdir *o, const struct release_meta *m);

/*
 * publish_trusted_comment returns the minisign trusted comment for m
 * (caller frees): "timestamp:EPOCH file:SHA256SUMS version:V commit:SHA channel:C".
 */
char *publish_trusted_comment(const struct release_meta *m);

#endif /* RELEASER_PUBLISH_H */
