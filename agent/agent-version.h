/* What --version tells: the agent's version and commit, and its analyzer slots. */
#ifndef AGENT_AGENT_VERSION_H
#define AGENT_AGENT_VERSION_H

#include <stdio.h>

/* agent_version returns the version the build was given ("v1.2.0-3-gabcdef0", "unknown"). */
const char *agent_version(void);

/*
 * version_print prints --version's lines to f: the version, the commit,
 * and for each slot the flavor its object declares:
 *
 *   profiling-agent v1.2.0
 *   commit 0123456789abcdef0123456789abcdef01234567
 *   release slot: release analyzer
 *   debug slot: debug analyzer
 *
 * "release slot: debug analyzer (debug release)" on a debug release,
 * "debug slot: not in this build" without the debug-analyzer feature.
 */
void version_print(FILE *f);

#endif /* AGENT_AGENT_VERSION_H */
