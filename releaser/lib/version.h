/*
 * Release versions: tags vMAJOR.MINOR.PATCH with an optional semver
 * pre-release (v1.2.0-rc.1); debug releases end in -debug (v1.0.1-debug,
 * v1.2.0-rc.1-debug); snapshots are vX.Y.Z-SNAPSHOT-<sha12> or
 * vX.Y.Z-PRE.SNAPSHOT-<sha12> (version_snapshot).
 */
#ifndef RELEASER_VERSION_H
#define RELEASER_VERSION_H

#include <stddef.h>

/* the longest pre-release part: the version names files and directories */
#define VERSION_PRE_MAX 63

/* the highest MAJOR, MINOR or PATCH: nine digits */
#define VERSION_NUMBER_MAX 999999999UL

struct version {
	unsigned long major, minor, patch;
	char pre[VERSION_PRE_MAX + 1]; /* pre-release without the leading '-', "" when none */
	int debug;     /* the pre-release is "debug" or ends in "-debug" */
};

/*
 * version_parse parses a tag name ("v1.2.3", "v1.2.3-rc.1", "v1.2.3-debug").
 * A pre-release ending in "-debug" must be the debug marker on a valid
 * release version ("v1.2.3-01-debug" and "v1.2.3-debug-debug" are not
 * debug releases of one). Returns 0; VERSION_TOO_LONG when it conforms
 * but its pre-release is longer than VERSION_PRE_MAX; -1 when it does not
 * conform (nothing printed either way; the caller names the tag).
 */
#define VERSION_TOO_LONG (-2)

int version_parse(const char *tag, struct version *v);

/* version_format writes "vX.Y.Z[-pre]" into buf[len]; returns buf. */
char *version_format(const struct version *v, char *buf, size_t len);

/*
 * version_compare orders by semver precedence (a pre-release sorts before
 * its release; identifiers compare numerically or in ASCII). Returns <0, 0
 * or >0.
 */
int version_compare(const struct version *a, const struct version *b);

/*
 * version_base strips the debug marker: v1.0.1-debug -> v1.0.1,
 * v1.2.0-rc.1-debug -> v1.2.0-rc.1. Other versions are copied unchanged.
 */
void version_base(const struct version *v, struct version *out);

/*
 * version_snapshot writes the snapshot version that follows base, the
 * latest reachable release tag (without its debug marker), into buf[len]:
 * a version that sorts after base and before whatever release can come
 * next, in semver, dpkg and pkg-config alike (RELEASING.md, "What a
 * release is"). After a release, the next patch's "-SNAPSHOT-<sha>"
 * (v1.4.2 -> v1.4.3-SNAPSHOT-<sha>, before v1.4.3-rc.1 and v1.4.3); after
 * a pre-release, one more pre-release identifier (v1.1.0-rc.1 ->
 * v1.1.0-rc.1.SNAPSHOT-<sha>, after v1.1.0-rc.1, before v1.1.0-rc.2 and
 * v1.1.0); a pre-release too long to take it (past VERSION_PRE_MAX) gets
 * the next patch's instead. With no tag (base NULL) it is
 * v0.0.0-SNAPSHOT-<sha>. Returns buf; NULL (buf "") when that is no
 * version version_parse takes: base's patch is VERSION_NUMBER_MAX, or
 * short_sha is not a pre-release identifier short enough.
 */
char *version_snapshot(const struct version *base, const char *short_sha, char *buf, size_t len);

/*
 * version_pkgconfig writes v as analyzer.pc's Version into buf[len]: semver
 * without the 'v', its pre-release after '~' instead of '-' (pkg-config,
 * like dpkg, sorts "1.3.0~rc.1" before "1.3.0" but "1.3.0-rc.1" after it),
 * the debug marker as build metadata "+debug". v1.2.3 -> 1.2.3,
 * v1.3.0-rc.1 -> 1.3.0~rc.1, v1.2.4-SNAPSHOT-<sha> -> 1.2.4~SNAPSHOT-<sha>,
 * v1.0.1-debug -> 1.0.1+debug, v1.3.0-rc.1-debug -> 1.3.0~rc.1+debug.
 * Returns buf.
 */
char *version_pkgconfig(const struct version *v, char *buf, size_t len);

#endif /* RELEASER_VERSION_H */
