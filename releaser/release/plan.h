/*
 * The build plan: what a release builds and ships, from its channel and
 * arches, and the check that the analyzer objects a build made match it.
 *
 * The channel is decided with the release (release/state.h): the debug
 * channel is exactly the settings' branch.debug and its -debug tags.
 *
 * Release channel: a dual build,
 * analyzer.ebpf.release.<arch> holds the release analyzer and
 * analyzer.ebpf.debug.<arch> the debug one; both ship. Debug channel: a
 * fake-release, analyzer.ebpf.release.<arch> holds the debug analyzer and
 * only it ships. Per arch, the agent and libanalyzer are built for the
 * host arch and, with Debian's cross tools, for the other one, each in
 * its own make (AGENT_ARCH), so every arch's tarball has the same files.
 */
#ifndef RELEASER_PLAN_H
#define RELEASER_PLAN_H

#include <stddef.h>

#include "git/settings.h"

enum channel {
	CHANNEL_RELEASE = 0,
	CHANNEL_DEBUG = 1,
};

#define PLAN_MAX_ARCHES 2

struct arch_plan {
	char arch[8];   /* amd64 or arm64 */
	int agent;      /* bin/profiling-agent and lib/ are built for this arch */
	char note[160]; /* why not, when agent is 0 */
};

struct build_plan {
	enum channel channel;
	int fake_release;   /* the debug analyzer ships under the release name */
	char host_arch[72];
	struct arch_plan arches[PLAN_MAX_ARCHES]; /* sorted by name */
	size_t n;
};

/* channel_name returns "release" or "debug". */
const char *channel_name(enum channel c);

/* host_arch returns the running machine's arch as amd64/arm64 (else uname's name). */
const char *host_arch(void);

/*
 * plan_parse_arches splits a comma-separated list ("amd64,arm64") into out
 * (appended). Returns 0, or -1 after a message naming a bad or repeated arch.
 */
int plan_parse_arches(const char *list, struct strlist *out);

/*
 * plan_make fills p for channel and arches (amd64/arm64, at most one of
 * each). Returns 0, or -1 after a message.
 */
int plan_make(struct build_plan *p, enum channel channel, const struct strlist *arches);

/* plan_mode returns "dual" or "fake-release". */
const char *plan_mode(const struct build_plan *p);

/*
 * plan_ebpf_flags and plan_agent_features return the values of the
 * Makefile's EBPF_FLAGS ("fake-release" or "") and AGENT_FEATURES (""
 * or "debug-analyzer") that carry the plan out.
 */
const char *plan_ebpf_flags(const struct build_plan *p);
const char *plan_agent_features(const struct build_plan *p);

/* plan_flavors returns the shipped flavors: "release debug" or "debug". */
const char *plan_flavors(const struct build_plan *p);

/* plan_arch_list writes the arches, space separated, into buf; returns buf. */
char *plan_arch_list(const struct build_plan *p, char *buf, size_t len);

/*
 * plan_arch_subdir returns where arch a is built inside the build
 * directory: "" for the host arch, "<arch>" for one built with the cross
 * tools (its own make, AGENT_ARCH=<arch>).
 */
const char *plan_arch_subdir(const struct build_plan *p, const struct arch_plan *a);

/*
 * plan_check_objects reads the .analyzer_info of every analyzer object the
 * plan ships from each arch's ebpf/ in build_dir (with a trailing '/') and
 * checks its flavor and arch. Returns 0, or -1 after one message naming
 * the object and what it declares.
 */
int plan_check_objects(const struct build_plan *p, const char *build_dir);

#endif /* RELEASER_PLAN_H */
