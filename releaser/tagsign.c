/* Tag signatures (see tagsign.h). */
#include "tagsign.h"

#include "common.h"

int tag_sign(const char *key_path, const void *payload, size_t len, char **armored)
{
	(void)payload;
	(void)len;
	*armored = NULL;
	return error("cannot sign with '%s': tag signing is not built in yet; tag without --sign-key", key_path);
}
