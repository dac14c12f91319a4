/*
 * Unit tests of release file names (releaser/lib/asset.c): the rule GitHub
 * keeps names by, and every name the releaser gives a file, for every arch
 * and kind of release, following it.
 */
#include "harness.h"

#include <stdlib.h>

#include "lib/asset.h"
#include "lib/sums.h"
#include "lib/version.h"
#include "release/deb.h"
#include "release/layout.h"
#include "release/metadata.h"
#include "release/notes.h"
#include "release/provenance.h"
#include "release/sbom.h"

static const char *const arches[] = { "amd64", "arm64" };

TEST(names__taken)
{
	static const char *const good[] = {
		"SHA256SUMS", "SHA256SUMS.minisig", "a", "0", "profiling-agent_1.1.0-rc.1_amd64.deb",
		"profiling-agent-v1.0.0-linux-arm64.tar.gz", "A_b-c.d", "x..y", "manifest-amd64.json",
	};
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		check(asset_name_problem(good[i]) == NULL);
}

TEST(names__refused)
{
	static const char *const bad[] = {
		"", ".hidden", "name.", "-n", "_x", "p_1.1.0~rc.1_amd64.deb", "p+q.tar.gz", "a b", "a:b", "a(1)",
		"a/b", "a\\b", "caf\xc3\xa9", "a\nb", "a\x7f", "a\tb", "a%20b", "a#b", "a=b", "a,b", "a@b",
	};
	char longest[ASSET_NAME_MAX + 2];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (asset_name_problem(bad[i]) == NULL)
			printf("#   taken: \"%s\"\n", bad[i]);
		check(asset_name_problem(bad[i]) != NULL);
	}
	check_str(asset_name_problem("p_1.1.0~rc.1_amd64.deb"), "GitHub turns '~' into '.'");
	check_str(asset_name_problem(".x"), "GitHub changes a leading '.'");
	check_str(asset_name_problem("x."), "GitHub changes a trailing '.'");
	memset(longest, 'a', sizeof(longest) - 1);
	longest[ASSET_NAME_MAX + 1] = '\0';
	check(asset_name_problem(longest) != NULL);
	longest[ASSET_NAME_MAX] = '\0';
	check(asset_name_problem(longest) == NULL);
}

TEST(names__check_message)
{
	check(asset_name_check("ok.tar.gz", "never shown") == 0);
	check(asset_name_check("p_1~rc_amd64.deb\x1b[2J", "do this") == -1);
}

/* the releases of one project: final, rc, debug, rc debug, snapshot */
struct kind {
	const char *version;
	int debug;
};

static char *names[64];
static size_t n_names;

static void keep(char *name)
{
	names[n_names++] = name;
}

static void forget(void)
{
	while (n_names)
		free(names[--n_names]);
}

TEST(names__every_arch_and_kind)
{
	struct version base;
	char snap[128];
	struct kind kinds[] = {
		{ "v1.0.0", 0 }, { "v1.1.0-rc.1", 0 }, { "v1.0.0-debug", 1 }, { "v1.1.0-rc.1-debug", 1 }, { snap, 0 },
	};
	struct release_ident id = { 0 };
	size_t k, a, i, j;

	check(version_parse("v1.0.0", &base) == 0);
	version_snapshot(&base, "0123456789ab", snap, sizeof(snap));
	id.project = "profiling-agent";
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		id.version = (char *)kinds[k].version;
		id.fake_release = kinds[k].debug;
		for (a = 0; a < 2; a++) {
			keep(layout_tarball_name(&id, arches[a]));
			keep(deb_file_name(&id, arches[a]));
		}
	}
	for (a = 0; a < 2; a++)
		keep(meta_partial_name(arches[a]));
	for (i = 0; i < n_names; i++) {
		if (asset_name_problem(names[i]))
			printf("#   %s: %s\n", names[i], asset_name_problem(names[i]));
		for (j = 0; j < i; j++)
			if (!strcmp(names[i], names[j]))
				printf("#   %s twice\n", names[i]);
	}
	for (i = 0; i < n_names; i++) {
		check(asset_name_problem(names[i]) == NULL);
		for (j = 0; j < i; j++)
			check(strcmp(names[i], names[j]) != 0);
	}
	forget();
	check(asset_name_problem(SUMS_FILE) == NULL && asset_name_problem(SUMS_MINISIG_FILE) == NULL &&
	      asset_name_problem(SUMS_SIG_FILE) == NULL && asset_name_problem(MANIFEST_FILE) == NULL &&
	      asset_name_problem(SBOM_FILE) == NULL && asset_name_problem(PROVENANCE_FILE) == NULL &&
	      asset_name_problem(PROVENANCE_ENVELOPE_FILE) == NULL && asset_name_problem(CHANGELOG_FILE) == NULL);
}

/* the file name of kind's package for amd64, and its Debian version (the one dpkg reads) */
static void deb_names(const char *version, int debug, char **file, char **debver)
{
	struct release_ident id = { 0 };

	id.project = "profiling-agent";
	id.version = (char *)version;
	id.fake_release = debug;
	*file = deb_file_name(&id, "amd64");
	*debver = deb_version(version);
}

TEST(names__deb_file_keeps_the_version_without_tilde)
{
	char *file, *ver, *file2, *ver2;

	deb_names("v1.1.0-rc.1", 0, &file, &ver);
	check_str(file, "profiling-agent_1.1.0-rc.1_amd64.deb");
	check_str(ver, "1.1.0~rc.1");
	free(file);
	free(ver);
	deb_names("v1.1.0-rc.1-debug", 1, &file, &ver);
	check_str(file, "profiling-agent-debug_1.1.0-rc.1_amd64.deb");
	free(file);
	free(ver);
	deb_names("v1.0.1-SNAPSHOT-0123456789ab", 0, &file, &ver);
	check_str(file, "profiling-agent_1.0.1-SNAPSHOT.0123456789ab_amd64.deb");
	check_str(ver, "1.0.1~SNAPSHOT.0123456789ab");
	free(file);
	free(ver);
	/* a pre-release's package sorts before its release's, by name as by version */
	deb_names("v1.1.0-rc.1", 0, &file, &ver);
	deb_names("v1.1.0", 0, &file2, &ver2);
	check_str(file2, "profiling-agent_1.1.0_amd64.deb");
	check(strcmp(file, file2) < 0);
	free(file);
	free(ver);
	free(file2);
	free(ver2);
}

int main(void)
{
	static const struct test_case cases[] = {
		CASE(names__taken),
		CASE(names__refused),
		CASE(names__check_message),
		CASE(names__every_arch_and_kind),
		CASE(names__deb_file_keeps_the_version_without_tilde),
	};

	return test_main(cases, sizeof(cases) / sizeof(cases[0]));
}
