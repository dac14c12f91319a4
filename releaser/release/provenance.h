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
 * provenance_statement returns the statement for m's tarballs (caller
 * json_decrefs). runDetails names m->builder (release/builder.h): its id,
 * and its invocation id as metadata.invocationId when it has one; without
 * an id, a URN naming a local releaser run of the project.
 */
json_t *provenance_statement(const struct release_meta *m);

#endif /* RELEASER_PROVENANCE_H */
