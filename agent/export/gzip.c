/* gzip with zlib (see gzip.h). */
#include "gzip.h"

#include <stdlib.h>
#include <zlib.h>

int gzip_buffer(const uint8_t *data, size_t len, uint8_t **out, size_t *out_len)
{
	z_stream z = { 0 };
	uLong bound;
	uint8_t *buf = NULL;
	int r;

	*out = NULL;
	*out_len = 0;
	if (len > UINT32_MAX || deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	bound = deflateBound(&z, (uLong)len) + 32;
	buf = malloc(bound);
	if (!buf) {
		deflateEnd(&z);
		return -1;
	}
	z.next_in = (Bytef *)data;
	z.avail_in = (uInt)len;
	z.next_out = buf;
	z.avail_out = (uInt)bound;
	r = deflate(&z, Z_FINISH);
	if (r != Z_STREAM_END) {
		deflateEnd(&z);
		free(buf);
		return -1;
	}
	*out_len = z.total_out;
	*out = buf;
	deflateEnd(&z);
	return 0;
}
