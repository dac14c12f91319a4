/*
 * The files that describe and seal a release, staged beside its tarballs:
 *
 *   provenance.intoto.json  in-toto / SLSA provenance of the tarballs and
 *                           packages
 *   CHANGELOG.md            the release notes (release/notes.h), when the
 *                           release carries them
 *   provenance.intoto.jsonl the same, signed: a DSSE envelope (signed only)
 *   provenance.sigstore.json that envelope in a Sigstore bundle (signed only)
 *   manifest.json           every artifact with sha256, size, arch, flavors
 *   SHA256SUMS              GNU format, sorted by name: the tarballs, the
 *                           Debian packages and the files above, made from
 *                           the artifact list
 *   SHA256SUMS.minisig      minisign signature (trusted comment: timestamp,
 *                           version, commit, channel)
 *   SHA256SUMS.sig          signify embedded signature over the same list in
 *                           BSD style, also made from the artifact list
 *
 * An unsigned per-arch run stages manifest-<arch>.json instead, which
 * `releaser finalize` later merges into the files above.
 */
#ifndef RELEASER_METADATA_H
#define RELEASER_METADATA_H

#include "release/manifest.h"
#include "release/outdir.h"
#include "sign/sign.h"
#include "lib/sums.h"

/*
 * checksum_lists appends the n artifacts a, sorted by name, to both lists
 * of l: SHA256SUMS ("HEX  NAME", as sha256sum writes it) and its BSD twin
 * ("SHA256 (NAME) = HEX", as signify -C reads it). Release l with
 * sums_lists_release.
 */
void checksum_lists(const struct artifact *a, size_t n, struct sums_lists *l);

/*
 * metadata_write stages provenance, CHANGELOG.md (when m has notes),
 * manifest and SHA256SUMS for m's tarballs in o, then signs the
 * provenance (its DSSE envelope) and the lists with key (neither when key
 * is NULL). Returns 0 or -1 after a message.
 */
int metadata_write(struct outdir *o, const struct release_meta *m, const struct sign_key *key);

/*
 * metadata_write_partials stages manifest-<arch>.json for each tarball of m,
 * listing it and that arch's package (each carrying m's notes). Returns 0 or -1 after a message.
 */
int metadata_write_partials(struct outdir *o, const struct release_meta *m);

#endif /* RELEASER_METADATA_H */
