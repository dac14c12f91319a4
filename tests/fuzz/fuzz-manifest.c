/*
 * Partial manifests (manifest-<arch>.json, what `releaser finalize`
 * merges): the input is written as manifest-amd64.json into a scratch
 * directory, or, when it holds a NUL byte, split there into
 * manifest-amd64.json and manifest-arm64.json, then meta_read_partials()
 * reads the directory.
 */
#include "fuzz.h"

#include "release/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *dir = fuzz_tmpdir();
	const uint8_t *nul = memchr(data, '\0', size);
	char amd64[128], arm64[128];
	struct release_meta m;
	size_t i, first = nul ? (size_t)(nul - data) : size;

	snprintf(amd64, sizeof(amd64), "%s/manifest-amd64.json", dir);
	snprintf(arm64, sizeof(arm64), "%s/manifest-arm64.json", dir);
	fuzz_write_file(amd64, data, first);
	if (nul)
		fuzz_write_file(arm64, nul + 1, size - first - 1);
	else
		unlink(arm64);
	if (meta_read_partials(&m, dir) == 0) {
		fuzz_expect(m.id.project && m.id.version && m.id.commit && m.id.ref);
		for (i = 0; i < m.n; i++)
			fuzz_expect(m.tarballs[i].name && !strchr(m.tarballs[i].name, '/') &&
				    strlen(m.tarballs[i].sha256) == SHA256_HEX_LEN);
		meta_release(&m);
	}
	return 0;
}
