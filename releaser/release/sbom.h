/*
 * sbom.spdx.json: the release's software bill of materials, an SPDX 2.3
 * JSON document made from the release in memory, byte for byte the same
 * wherever it is written (release, package, finalize):
 *
 *   packages       every artifact the release lists (name, sha256; a .deb
 *                  or .rpm is INSTALL, anything else ARCHIVE), the agent
 *                  and libanalyzer of each arch (purl pkg:github/OWNER/
 *                  REPO@VERSION when the source is on GitHub, else
 *                  pkg:generic/PROJECT@VERSION; libanalyzer as subpath;
 *                  license from LICENSE; supplier the GitHub owner), and
 *                  the Debian packages each arch's build links, as its
 *                  link maps say (release/deps.h), with their versions, licenses, source
 *                  packages, purls (arch, distro=debian-12, upstream=the
 *                  source package) and CPE 2.3 names of their upstreams
 *   relationships  the document DESCRIBES each artifact; an artifact that
 *                  holds the agent CONTAINS it and libanalyzer; the agent
 *                  STATIC_LINKs each package it takes a part of;
 *                  libanalyzer STATIC_LINKs those (crti.o, crtbeginS.o)
 *                  and DYNAMIC_LINKs the packages of the libraries it
 *                  needs at run time
 *   created        the release's epoch; documentNamespace made from the
 *                  project, version and commit (no random part)
 */
#ifndef RELEASER_SBOM_H
#define RELEASER_SBOM_H

#include <jansson.h>

#include "release/manifest.h"

#define SBOM_FILE "sbom.spdx.json"

/*
 * sbom_document returns m's SPDX document (caller json_decrefs it), or
 * NULL after a message when an arch with an agent has no libraries
 * recorded (a build or manifest of an older releaser).
 */
json_t *sbom_document(const struct release_meta *m);

#endif /* RELEASER_SBOM_H */
