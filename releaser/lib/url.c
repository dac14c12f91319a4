/* The URL rule (see url.h). */
#include "lib/url.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/common.h"
#include "lib/text.h"

static int is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int is_hex(unsigned char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* RFC 3986's unreserved characters and sub-delims, plus those in extra */
static int allowed(unsigned char c, const char *extra)
{
	return is_alpha(c) || is_digit(c) || (c && strchr("-._~!$&'()*+,;=", c)) || (c && strchr(extra, c));
}

/*
 * put copies s[n] to o, percent-encoding each byte that is not allowed and
 * each '%' that does not start "%XX"; returns the end of what it wrote
 * (at most 3n bytes).
 */
static char *put(char *o, const char *s, size_t n, const char *extra)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c == '%' && i + 2 < n && is_hex((unsigned char)s[i + 1]) && is_hex((unsigned char)s[i + 2])) ||
		    allowed(c, extra))
			*o++ = (char)c;
		else
			o += sprintf(o, "%%%02X", c);
	}
	return o;
}

/* the length of s's scheme (letters, digits, "+-." after a letter) when ':' follows it, else 0 */
static size_t scheme_len(const char *s)
{
	const char *p = s;

	if (!is_alpha((unsigned char)*p))
		return 0;
	while (is_alpha((unsigned char)*p) || is_digit((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.')
		p++;
	return *p == ':' ? (size_t)(p - s) : 0;
}

/* whether s starts SCHEME:// */
static int is_url(const char *s)
{
	size_t n = scheme_len(s);

	return n > 0 && !strncmp(s + n, "://", 3);
}

static const char *check_bytes(const char *s)
{
	const unsigned char *p;

	if (!utf8_valid(s, strlen(s)))
		return "it holds bytes that are not UTF-8";
	for (p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return "it holds a control character";
	return NULL;
}

/* the last c in s[n], or NULL */
static const char *last_of(const char *s, size_t n, char c)
{
	while (n-- > 0)
		if (s[n] == c)
			return s + n;
	return NULL;
}

/* whether s[n] holds nothing but '/' */
static int no_path(const char *s, size_t n)
{
	return strspn(s, "/") >= n;
}

/*
 * git's scp-like [USER@]HOST:PATH as ssh://[USER@]HOST/PATH (caller
 * frees), or NULL with why. The user-info ends at the last '@' before the
 * first '/', so a password in it never ends up in the path.
 */
static char *scp_to_ssh(const char *s, const char **why)
{
	size_t len = strlen(s);
	const char *slash = strchr(s, '/'), *lim = slash ? slash : s + len;
	const char *at = last_of(s, (size_t)(lim - s), '@'), *host = at ? at + 1 : s, *colon, *path;
	char *out, *o;

	if (*host == '[') {
		colon = memchr(host, ']', (size_t)(lim - host));
		colon = colon ? colon + 1 : NULL;
		if (!colon || *colon != ':') {
			*why = "its host is not a name or an address";
			return NULL;
		}
	} else {
		colon = memchr(host, ':', (size_t)(lim - host));
		if (!colon) {
			*why = "it is neither a URL (SCHEME://HOST/PATH) nor HOST:PATH";
			return NULL;
		}
	}
	if (colon == host) {
		*why = "it has no host";
		return NULL;
	}
	path = colon + 1;
	if (no_path(path, strlen(path))) {
		*why = "it names no repository path";
		return NULL;
	}
	if (*path == '/')
		path++;
	out = xmalloc(len * 3 + 16);
	o = out + sprintf(out, "ssh://");
	if (at) {
		o = put(o, s, (size_t)(at - s), ":");
		*o++ = '@';
	}
	o = put(o, host, (size_t)(colon - host), "[]:");
	*o++ = '/';
	o = put(o, path, strlen(path), ":@/");
	*o = '\0';
	return out;
}

/* the scheme a repository URL is written with, or NULL when it is not one taken */
static const char *repo_scheme(const char *s, size_t n)
{
	static const char *const taken[][2] = {
		{ "https", "https" }, { "http", "http" }, { "ssh", "ssh" },
		{ "git", "git" },     { "git+ssh", "ssh" }, { "ssh+git", "ssh" },
	};
	size_t i, j;

	for (i = 0; i < sizeof(taken) / sizeof(taken[0]); i++) {
		if (strlen(taken[i][0]) != n)
			continue;
		for (j = 0; j < n && lower(s[j]) == taken[i][0][j]; j++)
			;
		if (j == n)
			return taken[i][1];
	}
	return NULL;
}

/*
 * the authority at s (after "//", ending at auth_end) written to o: the
 * user name for ssh, the host in lower case, the port; NULL with why
 */
static char *put_authority(char *o, const char *s, const char *auth_end, int keep_user, enum url_kind kind,
			   const char **why, int *stripped)
{
	const char *at = last_of(s, (size_t)(auth_end - s), '@'), *host = at ? at + 1 : s, *host_end, *p;
	char *start;
	size_t user_len;

	if (*host == '[') {
		host_end = memchr(host, ']', (size_t)(auth_end - host));
		if (!host_end) {
			*why = "its host is not a name or an address";
			return NULL;
		}
		host_end++;
	} else {
		host_end = memchr(host, ':', (size_t)(auth_end - host));
		if (!host_end)
			host_end = auth_end;
	}
	if (host_end < auth_end && *host_end != ':') {
		*why = "its host is not a name or an address";
		return NULL;
	}
	for (p = host_end + (host_end < auth_end); p < auth_end; p++) {
		if (!is_digit((unsigned char)*p)) {
			*why = "its port is not a number";
			return NULL;
		}
	}
	if (host_end == host && kind != URL_URI) {
		*why = "it has no host";
		return NULL;
	}
	if (at) {
		user_len = strcspn(s, ":@");
		if (keep_user && user_len > 0) {
			o = put(o, s, user_len, "");
			*o++ = '@';
		}
		if (!keep_user || s + user_len < at)
			*stripped = 1;
	}
	start = o;
	o = put(o, host, (size_t)(host_end - host), "[]:");
	for (; start < o; start++)
		*start = lower(*start);
	if (host_end + 1 < auth_end) {
		*o++ = ':';
		memcpy(o, host_end + 1, (size_t)(auth_end - host_end - 1));
		o += auth_end - host_end - 1;
	}
	return o;
}

char *url_normalize(const char *s, enum url_kind kind, const char **why, int *stripped)
{
	char *scp = NULL, *out = NULL, *o;
	const char *scheme, *rest, *auth_end, *path_end;
	int ignored;
	size_t n;

	if (!stripped)
		stripped = &ignored;
	*stripped = 0;
	*why = check_bytes(s);
	if (*why)
		return NULL;
	if (kind == URL_REMOTE && !is_url(s)) {
		if (url_is_local(s)) {
			*why = "it is a local path";
			return NULL;
		}
		scp = scp_to_ssh(s, why);
		if (!scp)
			return NULL;
		s = scp;
	}
	n = scheme_len(s);
	if (!n)
		*why = "it does not start with a scheme such as https:";
	else if (!s[n + 1])
		*why = "nothing follows its scheme";
	else if (strchr(s, ' '))
		*why = "it holds a space";
	if (*why)
		goto cleanup;
	scheme = kind == URL_URI ? NULL : repo_scheme(s, n);
	if (kind != URL_URI && !scheme) {
		*why = "its scheme is not https, http, ssh or git";
		goto cleanup;
	}
	rest = s + n + 1;
	out = xmalloc(strlen(s) * 3 + 8);
	if (scheme) {
		o = out + sprintf(out, "%s:", scheme);
	} else {
		for (o = out; o < out + n; o++)
			*o = lower(s[o - out]);
		*o++ = ':';
	}
	if (strncmp(rest, "//", 2)) {
		if (kind != URL_URI) {
			*why = "it has no host (SCHEME://HOST/PATH)";
			goto cleanup;
		}
		o = put(o, rest, strlen(rest), ":@/?#");
		*o = '\0';
		goto cleanup;
	}
	rest += 2;
	o += sprintf(o, "//");
	auth_end = rest + strcspn(rest, "/?#");
	o = put_authority(o, rest, auth_end, scheme && !strcmp(scheme, "ssh"), kind, why, stripped);
	if (!o)
		goto cleanup;
	if (kind == URL_URI) {
		o = put(o, auth_end, strlen(auth_end), ":@/?#");
	} else {
		path_end = auth_end + strcspn(auth_end, "?#");
		if (*path_end)
			*stripped = 1;
		if (no_path(auth_end, (size_t)(path_end - auth_end))) {
			*why = "it names no repository path";
			goto cleanup;
		}
		o = put(o, auth_end, (size_t)(path_end - auth_end), ":@/");
	}
	*o = '\0';
cleanup:
	free(scp);
	if (*why) {
		free(out);
		out = NULL;
		*stripped = 0;
	}
	return out;
}

int url_is_local(const char *s)
{
	const char *colon, *slash;

	if (scheme_len(s) == 4 && lower(s[0]) == 'f' && lower(s[1]) == 'i' && lower(s[2]) == 'l' &&
	    lower(s[3]) == 'e')
		return 1;
	if (is_url(s))
		return 0;
	colon = strchr(s, ':');
	slash = strchr(s, '/');
	return !colon || (slash && slash < colon);
}

char *url_shown(const char *s)
{
	const char *auth = strstr(s, "://"), *end, *at;
	char *plain, *shown;

	auth = auth ? auth + 3 : s;
	end = auth + strcspn(auth, "/?#");
	at = last_of(auth, (size_t)(end - auth), '@');
	plain = at ? xasprintf("%.*s***%s", (int)(auth - s), s, at) : xstrdup(s);
	shown = term_escape(plain);
	free(plain);
	return shown;
}
