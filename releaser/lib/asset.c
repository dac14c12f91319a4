/* Names GitHub keeps for release assets (see asset.h). */
#include "lib/asset.h"

#include <stdlib.h>
#include <string.h>

#include "lib/common.h"
#include "lib/text.h"

static int alnum(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

const char *asset_name_problem(const char *name)
{
	size_t len = strlen(name), i;

	if (len == 0)
		return "it is empty";
	if (len > ASSET_NAME_MAX)
		return "it is longer than 255 bytes";
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (!alnum(c) && c != '.' && c != '_' && c != '-')
			return c == '~' ? "GitHub turns '~' into '.'"
			     : c == '+' ? "GitHub may turn '+' into '.' or '-'"
					: "it holds a character other than letters, digits, '.', '_' and '-'";
	}
	if (name[0] == '.')
		return "GitHub changes a leading '.'";
	if (!alnum((unsigned char)name[0]))
		return "it does not start with a letter or digit";
	if (name[len - 1] == '.')
		return "GitHub changes a trailing '.'";
	return NULL;
}

int asset_name_check(const char *name, const char *hint)
{
	const char *why = asset_name_problem(name);
	char *shown;

	if (!why)
		return 0;
	shown = term_escape(name);
	error("release file '%s' would not keep its name on GitHub (%s): %s", shown, why, hint);
	free(shown);
	return -1;
}
