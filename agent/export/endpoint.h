/*
 * The OTLP options' values, checked before anything runs: the endpoint
 * URL and the extra request headers. Messages never repeat a header's
 * value (it holds tokens) nor the URL (its query may).
 */
#ifndef AGENT_EXPORT_ENDPOINT_H
#define AGENT_EXPORT_ENDPOINT_H

#include <stddef.h>

#define OTLP_PROFILES_PATH "/v1development/profiles"
#define OTLP_URL_MAX 2048

/*
 * endpoint_parse checks an --otlp-endpoint value: http:// or https://,
 * a host (name, IPv4, or [IPv6]) and an optional port 1-65535, no
 * user:password@, then an optional path and query of printable ASCII
 * without spaces or a fragment. Without a path (or with "/") the OTLP
 * profiles path is appended. Returns the URL to post to (malloc'd; the
 * caller frees), or NULL with why in err (one phrase) when it is bad or
 * out of memory.
 */
char *endpoint_parse(const char *arg, char *err, size_t errlen);

/*
 * header_parse checks an --otlp-header NAME=VALUE: NAME a token of RFC
 * 9110 (letters, digits, !#$%&'*+-.^_`|~), not one the agent sets itself
 * (Content-Type, Content-Encoding, Content-Length, Host); VALUE without
 * control characters other than tab. Returns "NAME: VALUE" (malloc'd),
 * or NULL with why in err (naming NAME at most, never VALUE).
 */
char *header_parse(const char *arg, char *err, size_t errlen);

#endif /* AGENT_EXPORT_ENDPOINT_H */
