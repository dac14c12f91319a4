/*
 * provenance.intoto.json: an in-toto Statement v1 whose predicate is SLSA
 * provenance v1, naming every tarball with its sha256, the builder, the git
 * commit and ref, the channel and the flavors. Everything in it comes from
 * the release itself (no clock, no host name), so it is reproducible.
 */
#ifndef RELEASER_PROVENANCE_H
#define RELEASER_PROVENANCE_H

#include <jansson.h>

#include "release/manifest.h"

#define PROVENANCE_FILE "provenance.intoto.json"

/*
 * provenance_builder_id returns $RELEASER_BUILDER_ID, or a URN naming a
 * local releaser run of the project (caller frees).
 */
char *provenance_builder_id(const struct release_meta *m);

/* provenance_statement returns the statement for m's tarballs (caller json_decrefs). */
json_t *provenance_statement(const struct release_meta *m, const char *builder_id);

#endif /* RELEASER_PROVENANCE_H */
