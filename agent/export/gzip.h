/* gzip for the export formats (pprof files, OTLP request bodies), with zlib. */
#ifndef AGENT_EXPORT_GZIP_H
#define AGENT_EXPORT_GZIP_H

#include <stddef.h>
#include <stdint.h>

/*
 * gzip_buffer compresses data[0..len) into a gzip stream (no name, mtime
 * 0: the same input gives the same bytes) in *out (malloc'd, *out_len
 * bytes; the caller frees). Returns 0, or -1 when out of memory.
 */
int gzip_buffer(const uint8_t *data, size_t len, uint8_t **out, size_t *out_len);

#endif /* AGENT_EXPORT_GZIP_H */
