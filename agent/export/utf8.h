/*
 * Protobuf's string fields (pprof's string table, OTLP's) hold UTF-8:
 * names from outside (symbols, paths, comms) go through utf8_text first.
 */
#ifndef AGENT_EXPORT_UTF8_H
#define AGENT_EXPORT_UTF8_H

#include <stddef.h>

/*
 * utf8_text returns a NUL-terminated copy of s[len] (malloc'd; the caller
 * frees) in which each byte that does not begin a well-formed UTF-8
 * sequence (overlong, surrogate, above U+10FFFF, truncated) and each NUL
 * is replaced by U+FFFD; well-formed text is copied unchanged. Returns
 * NULL when out of memory.
 */
char *utf8_text(const char *s, size_t len);

#endif /* AGENT_EXPORT_UTF8_H */
