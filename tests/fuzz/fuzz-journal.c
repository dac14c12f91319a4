/*
 * The journal an interrupted in-place commit leaves in the output
 * directory (DIR/.releaser-journal), as the next run reads it:
 * outdir_journal_parse() on the input; every name it keeps is a plain
 * entry name of DIR that is not the releaser's own.
 */
#include "fuzz.h"

#include "release/outdir.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strlist names = { 0 };
	size_t i;

	if (outdir_journal_parse((const char *)data, size, &names) < 0) {
		fuzz_expect(names.n == 0);
		return 0;
	}
	for (i = 0; i < names.n; i++) {
		const char *name = names.items[i];

		fuzz_expect(name[0] != '\0' && strcmp(name, ".") && strcmp(name, ".."));
		fuzz_expect(!strchr(name, '/') && !strchr(name, '\n'));
		fuzz_expect(strncmp(name, ".releaser", 9) != 0);
	}
	strlist_clear(&names);
	return 0;
}
