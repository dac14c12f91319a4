/*
 * support/frametypes.json, as gen-frametypes reads it. The generator is
 * one program file: it is included here with its main() renamed, and the
 * harness runs the same steps on the input bytes: jansson's parser, then
 * parse_spec(), then both writers into memory.
 */
#define main gen_frametypes_main
#include "../../support/gen-frametypes.c"
#undef main

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* runs one writer into a memory buffer */
static void emit(const struct spec *sp, void (*writer)(const struct spec *, FILE *))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		abort();
	writer(sp, f);
	fclose(f);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct spec sp;
	json_error_t jerr;
	json_t *root;

	root = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return 0;
	memset(&sp, 0, sizeof(sp));
	sp.source = "frametypes.json";
	if (parse_spec(&sp, root) == 0) {
		emit(&sp, write_c);
		emit(&sp, write_go);
	}
	json_decref(root);
	return 0;
}
