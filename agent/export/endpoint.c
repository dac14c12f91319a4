/* Checks the OTLP endpoint URL and headers (see endpoint.h). */
#include "endpoint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* host: a name or IPv4 (letters, digits, '-', '.', '_'), or [IPv6] */
static int check_host(const char *h, size_t n)
{
	size_t i;

	if (n == 0)
		return -1;
	if (h[0] == '[') {
		if (n < 3 || h[n - 1] != ']')
			return -1;
		for (i = 1; i < n - 1; i++)
			if (!is_alnum((unsigned char)h[i]) && h[i] != ':' && h[i] != '.' && h[i] != '%')
				return -1;
		return 0;
	}
	for (i = 0; i < n; i++)
		if (!is_alnum((unsigned char)h[i]) && h[i] != '-' && h[i] != '.' && h[i] != '_')
			return -1;
	return h[0] == '-' || h[0] == '.' ? -1 : 0;
}

static int check_port(const char *p, size_t n)
{
	unsigned long v = 0;
	size_t i;

	if (n == 0 || n > 5)
		return -1;
	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(p[i] - '0');
	}
	return v >= 1 && v <= 65535 ? 0 : -1;
}

/* authority: host[:port]; the port follows the last ':' after any ']' */
static int check_authority(const char *a, size_t n, char *err, size_t errlen)
{
	const char *close = memchr(a, ']', n), *from = close ? close : a;
	const char *colon = memchr(from, ':', n - (size_t)(from - a));

	if (memchr(a, '@', n)) {
		snprintf(err, errlen, "user or password in the URL: send credentials with --otlp-header");
		return -1;
	}
	if (check_host(a, colon ? (size_t)(colon - a) : n) < 0) {
		snprintf(err, errlen, "expected a host name or address after the scheme");
		return -1;
	}
	if (colon && check_port(colon + 1, n - (size_t)(colon + 1 - a)) < 0) {
		snprintf(err, errlen, "expected a port from 1 to 65535 after the host's ':'");
		return -1;
	}
	return 0;
}

char *endpoint_parse(const char *arg, char *err, size_t errlen)
{
	size_t skip, alen, i, n = strlen(arg);
	const char *auth, *path;
	char *url;

	if (n > OTLP_URL_MAX) {
		snprintf(err, errlen, "longer than %d bytes", OTLP_URL_MAX);
		return NULL;
	}
	if (!strncasecmp(arg, "http://", 7))
		skip = 7;
	else if (!strncasecmp(arg, "https://", 8))
		skip = 8;
	else {
		snprintf(err, errlen, "expected a URL starting with http:// or https://");
		return NULL;
	}
	auth = arg + skip;
	alen = strcspn(auth, "/?#");
	if (check_authority(auth, alen, err, errlen) < 0)
		return NULL;
	path = auth + alen;
	for (i = 0; path[i]; i++) {
		unsigned char c = (unsigned char)path[i];

		if (c <= 0x20 || c >= 0x7f || c == '#') {
			snprintf(err, errlen, "the path may hold printable ASCII only, without spaces or '#'");
			return NULL;
		}
	}
	if (path[0] == '?') {
		snprintf(err, errlen, "a query needs a path before it");
		return NULL;
	}
	if (!path[0] || !strcmp(path, "/")) {
		if (asprintf(&url, "%.*s%s", (int)(skip + alen), arg, OTLP_PROFILES_PATH) < 0)
			url = NULL;
	} else {
		url = strdup(arg);
	}
	if (!url)
		snprintf(err, errlen, "out of memory");
	return url;
}

static int is_tchar(unsigned char c)
{
	return is_alnum(c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

char *header_parse(const char *arg, char *err, size_t errlen)
{
	static const char *const reserved[] = { "content-type", "content-encoding", "content-length", "host" };
	const char *eq = strchr(arg, '='), *v;
	size_t nlen, i;
	char *line;

	if (!eq || eq == arg) {
		snprintf(err, errlen, "expected NAME=VALUE");
		return NULL;
	}
	nlen = (size_t)(eq - arg);
	for (i = 0; i < nlen; i++) {
		if (!is_tchar((unsigned char)arg[i])) {
			snprintf(err, errlen, "a header name holds letters, digits and !#$%%&'*+-.^_`|~ only");
			return NULL;
		}
	}
	for (i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
		if (strlen(reserved[i]) == nlen && !strncasecmp(arg, reserved[i], nlen)) {
			snprintf(err, errlen, "the agent sets '%.*s' itself", (int)nlen, arg);
			return NULL;
		}
	}
	for (v = eq + 1; *v; v++) {
		unsigned char c = (unsigned char)*v;

		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			snprintf(err, errlen, "the value of '%.*s' has a control character (a line break?)", (int)nlen,
				 arg);
			return NULL;
		}
	}
	if (asprintf(&line, "%.*s: %s", (int)nlen, arg, eq + 1) < 0) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	return line;
}
