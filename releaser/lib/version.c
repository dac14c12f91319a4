/* Semver tags and snapshot versions (see version.h). */
#include "lib/version.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* a number without leading zeros; advances *p */
static int parse_number(const char **p, unsigned long *out)
{
	const char *s = *p;
	char *end;

	if (!isdigit((unsigned char)*s) || (s[0] == '0' && isdigit((unsigned char)s[1])))
		return -1;
	*out = strtoul(s, &end, 10);
	if (end - s > 9 || *out > VERSION_NUMBER_MAX)
		return -1;
	*p = end;
	return 0;
}

/* dot-separated identifiers of [0-9A-Za-z-], numeric ones without leading zeros */
static int valid_prerelease(const char *s)
{
	const char *id = s;

	if (*s == '\0')
		return 0;
	for (;;) {
		size_t n = strcspn(id, ".");
		size_t i;
		int numeric = 1;

		if (n == 0)
			return 0;
		for (i = 0; i < n; i++) {
			unsigned char c = (unsigned char)id[i];
			if (!isalnum(c) && c != '-')
				return 0;
			if (!isdigit(c))
				numeric = 0;
		}
		if (numeric && n > 1 && id[0] == '0')
			return 0;
		if (id[n] == '\0')
			return 1;
		id += n + 1;
	}
}

/* the pre-release marks a debug release: "debug", or ends in "-debug" */
static int debug_marker(const char *pre)
{
	size_t n = strlen(pre);

	return !strcmp(pre, "debug") || (n > 6 && !strcmp(pre + n - 6, "-debug"));
}

int version_parse(const char *tag, struct version *v)
{
	const char *p = tag;
	size_t n;
	int bad;

	memset(v, 0, sizeof(*v));
	if (*p++ != 'v')
		return -1;
	if (parse_number(&p, &v->major) < 0 || *p++ != '.' ||
	    parse_number(&p, &v->minor) < 0 || *p++ != '.' ||
	    parse_number(&p, &v->patch) < 0)
		return -1;
	if (*p == '\0')
		return 0;
	if (*p++ != '-' || !valid_prerelease(p))
		return -1;
	if (strlen(p) > VERSION_PRE_MAX)
		return VERSION_TOO_LONG;
	strcpy(v->pre, p);
	n = strlen(v->pre);
	v->debug = debug_marker(v->pre);
	/* the debug release of what is no release: "v1.0.0-rc.-debug", "v1.0.0-debug-debug" */
	if (v->debug && n > 6) {
		v->pre[n - 6] = '\0';
		bad = !valid_prerelease(v->pre) || debug_marker(v->pre);
		v->pre[n - 6] = '-';
		if (bad)
			return -1;
	}
	return 0;
}

char *version_format(const struct version *v, char *buf, size_t len)
{
	snprintf(buf, len, "v%lu.%lu.%lu%s%s", v->major, v->minor, v->patch,
		 v->pre[0] ? "-" : "", v->pre);
	return buf;
}

static int compare_ids(const char *a, const char *b)
{
	while (*a && *b) {
		size_t na = strcspn(a, "."), nb = strcspn(b, ".");
		int da = strspn(a, "0123456789") == na, db = strspn(b, "0123456789") == nb;
		int c;

		if (da && db)
			c = na != nb ? (na < nb ? -1 : 1) : strncmp(a, b, na);
		else if (da != db)
			c = da ? -1 : 1;
		else {
			c = strncmp(a, b, na < nb ? na : nb);
			if (c == 0 && na != nb)
				c = na < nb ? -1 : 1;
		}
		if (c)
			return c;
		a += na + (a[na] == '.');
		b += nb + (b[nb] == '.');
	}
	return *a ? 1 : *b ? -1 : 0;
}

int version_compare(const struct version *a, const struct version *b)
{
	if (a->major != b->major)
		return a->major < b->major ? -1 : 1;
	if (a->minor != b->minor)
		return a->minor < b->minor ? -1 : 1;
	if (a->patch != b->patch)
		return a->patch < b->patch ? -1 : 1;
	if (!a->pre[0] || !b->pre[0])
		return (a->pre[0] ? -1 : 0) + (b->pre[0] ? 1 : 0);
	return compare_ids(a->pre, b->pre);
}

void version_base(const struct version *v, struct version *out)
{
	size_t n = strlen(v->pre);

	*out = *v;
	if (!v->debug)
		return;
	if (!strcmp(v->pre, "debug"))
		out->pre[0] = '\0';
	else
		out->pre[n - 6] = '\0';
	out->debug = 0;
}

char *version_pkgconfig(const struct version *v, char *buf, size_t len)
{
	struct version b;

	version_base(v, &b);
	snprintf(buf, len, "%lu.%lu.%lu%s%s%s", b.major, b.minor, b.patch, b.pre[0] ? "~" : "", b.pre,
		 v->debug ? "+debug" : "");
	return buf;
}

char *version_snapshot(const struct version *base, const char *short_sha, char *buf, size_t len)
{
	struct version v, again;
	int n;

	memset(&v, 0, sizeof(v));
	if (len)
		buf[0] = '\0';
	if (base)
		version_base(base, &v);
	/* after a pre-release: one more identifier, before the next pre-release and the final */
	if (v.pre[0] && strlen(v.pre) + strlen(".SNAPSHOT-") + strlen(short_sha) <= VERSION_PRE_MAX) {
		n = snprintf(buf, len, "v%lu.%lu.%lu-%s.SNAPSHOT-%s", v.major, v.minor, v.patch, v.pre, short_sha);
	} else { /* after a release (or none, or a pre-release too long for more): the next patch's */
		if (base && v.patch >= VERSION_NUMBER_MAX)
			return NULL;
		n = snprintf(buf, len, "v%lu.%lu.%lu-SNAPSHOT-%s", v.major, v.minor, v.patch + (base != NULL),
			     short_sha);
	}
	if (n < 0 || (size_t)n >= len || version_parse(buf, &again) != 0) {
		if (len)
			buf[0] = '\0';
		return NULL;
	}
	return buf;
}
