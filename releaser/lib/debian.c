/* Debian control data: checks and the field writer (see debian.h). */
#include "lib/debian.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/common.h"
#include "lib/text.h"

static int lower_or_digit(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static int alnum(char c)
{
	return lower_or_digit(c) || (c >= 'A' && c <= 'Z');
}

/* a C0 control character or DEL */
static int control(char c)
{
	return (unsigned char)c < 0x20 || c == 0x7f;
}

static const char *has_control(const char *s)
{
	for (; *s; s++)
		if (control(*s))
			return s;
	return NULL;
}

/* the length of the package name at s (Policy 5.6.1), 0 when none starts there */
static size_t package_span(const char *s)
{
	size_t n = 0;

	if (!lower_or_digit(s[0]))
		return 0;
	while (lower_or_digit(s[n]) || s[n] == '+' || s[n] == '-' || s[n] == '.')
		n++;
	return n;
}

const char *debian_check_package(const char *name)
{
	size_t n = package_span(name);

	if (n == 0)
		return "a Debian package name starts with a lower-case letter or a digit";
	if (name[n])
		return "a Debian package name holds only lower-case letters, digits, '+', '-' and '.'";
	if (n < 2)
		return "a Debian package name has at least two characters";
	if (n > DEBIAN_PACKAGE_MAX)
		return "a package name of the releaser has at most 64 characters";
	return NULL;
}

const char *debian_check_version(const char *version)
{
	const char *p = version, *colon = strchr(version, ':'), *dash = strrchr(version, '-');

	if (!*version)
		return "a Debian version is not empty";
	if (colon) {
		if (colon == version || strspn(version, "0123456789") != (size_t)(colon - version))
			return "a Debian version's epoch (before ':') is a number";
		p = colon + 1;
	}
	if (*p < '0' || *p > '9')
		return "a Debian version starts with a digit (after its epoch)";
	for (; *p && p != dash; p++)
		if (!alnum(*p) && !strchr(".+~-", *p))
			return "a Debian version holds only letters, digits and '.+~-' (and one ':' after its epoch)";
	if (!dash)
		return NULL;
	if (!dash[1])
		return "a Debian version's revision (after the last '-') is not empty";
	for (p = dash + 1; *p; p++)
		if (!alnum(*p) && !strchr(".+~", *p))
			return "a Debian version's revision holds only letters, digits and '.+~'";
	return NULL;
}

static const char *skip_spaces(const char *s)
{
	while (*s == ' ')
		s++;
	return s;
}

/* one "PACKAGE[:ARCH] [(OP VERSION)]"; advances *sp past it and its spaces, or says why not */
static const char *relation(const char **sp, char *why, size_t len)
{
	static const char *const ops[] = { "<<", "<=", ">=", ">>", "=", NULL };
	const char *s = skip_spaces(*sp), *end;
	char version[256];
	const char *bad;
	size_t n, i;

	n = package_span(s);
	if (n < 2) {
		if (*s && n == 0)
			snprintf(why, len, "a package name ([a-z0-9][a-z0-9+.-]+) is expected at '%.20s'", s);
		else
			snprintf(why, len, n ? "'%.1s' is not a package name: one has two characters at least"
					     : "a package name is missing at its end%s", s);
		return why;
	}
	s += n;
	if (*s == ':') {
		for (n = 1; lower_or_digit(s[n]) || s[n] == '-'; n++)
			;
		if (n == 1) {
			snprintf(why, len, "an architecture qualifier (':any', ':amd64') is missing after ':'");
			return why;
		}
		s += n;
	}
	s = skip_spaces(s);
	if (*s == '(') {
		s = skip_spaces(s + 1);
		for (i = 0; ops[i] && strncmp(s, ops[i], strlen(ops[i])); i++)
			;
		if (!ops[i]) {
			snprintf(why, len, "a version relation is one of '<<', '<=', '=', '>=', '>>' at '%.20s'", s);
			return why;
		}
		s = skip_spaces(s + strlen(ops[i]));
		end = s + strcspn(s, " )");
		if (end == s) {
			snprintf(why, len, "a version is missing after '%s': write (%s VERSION)", ops[i], ops[i]);
			return why;
		}
		if (!*end || *skip_spaces(end) != ')') {
			snprintf(why, len, "'(%s %.*s' is not closed by ')'", ops[i], (int)(end - s), s);
			return why;
		}
		snprintf(version, sizeof(version), "%.*s", (int)(end - s), s);
		bad = (size_t)(end - s) >= sizeof(version) ? "a version has at most 255 characters"
							   : debian_check_version(version);
		if (bad) {
			snprintf(why, len, "'%s': %s", version, bad);
			return why;
		}
		s = skip_spaces(end);
		s = skip_spaces(s + 1);
	}
	if (*s == '[' || *s == '<') {
		snprintf(why, len, "%s belong to source packages (Build-Depends), not to a binary package",
			 *s == '[' ? "architecture lists ([...])" : "build profiles (<...>)");
		return why;
	}
	*sp = s;
	return NULL;
}

const char *debian_check_relations(const char *s, char *why, size_t len)
{
	const char *p;

	if ((p = has_control(s)) != NULL) {
		snprintf(why, len, "it holds a control character (0x%02x)", (unsigned char)*p);
		return why;
	}
	if ((p = strchr(s, '$')) != NULL) {
		snprintf(why, len, "'%.*s' is a substitution variable, which only dpkg-gencontrol fills in: "
			 "name the packages instead", (int)strcspn(p, "} ,") + (p[strcspn(p, "} ,")] == '}'), p);
		return why;
	}
	if (!*skip_spaces(s)) {
		snprintf(why, len, "it names no package");
		return why;
	}
	for (p = s;;) {
		if (relation(&p, why, len))
			return why;
		if (*p == '\0' && (s[0] == ' ' || p[-1] == ' ')) {
			snprintf(why, len, "it starts or ends with a space");
			return why;
		}
		if (*p == '\0')
			return NULL;
		if (*p != ',' && *p != '|') {
			snprintf(why, len, "',' or '|' is expected at '%.20s'", p);
			return why;
		}
		p++;
	}
}

const char *debian_check_maintainer(const char *s)
{
	const char *lt = strchr(s, '<'), *at, *p;
	size_t n = strlen(s);

	if (!utf8_valid(s, n))
		return "it is not UTF-8";
	if (has_control(s))
		return "it holds a control character";
	if (!lt || n < 2 || s[n - 1] != '>')
		return "it is not 'NAME <EMAIL>'";
	if (lt == s || lt[-1] != ' ' || lt - s < 2 || s[0] == ' ' || lt[-2] == ' ')
		return "it is not 'NAME <EMAIL>' (one space between the name and '<')";
	for (p = s; p < lt; p++)
		if (*p == '>' || *p == ',')
			return "the name holds '>' or ','";
	at = strchr(lt, '@');
	for (p = lt + 1; p < s + n - 1; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f || strchr("<>,", *p))
			return "the email holds a space, '<', '>', ',' or a character that is not ASCII";
	if (!at || at == lt + 1 || at + 1 >= s + n - 1 || strchr(at + 1, '@'))
		return "the email is not LOCAL@DOMAIN";
	return NULL;
}

const char *debian_check_homepage(const char *s)
{
	const char *p, *host;

	if (strncmp(s, "https://", 8) && strncmp(s, "http://", 7))
		return "a homepage starts with https:// or http://";
	host = s + (s[4] == 's' ? 8 : 7);
	if (!*host || *host == '/')
		return "a homepage names a host";
	for (p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f || strchr("<>\"", *p))
			return "a homepage holds no space, control character, '<', '>', '\"' or character that is not ASCII";
	return NULL;
}

const char *debian_check_field_name(const char *name)
{
	const char *p;

	if (!*name || *name == '#' || *name == '-')
		return "a field name is not empty and starts with neither '#' nor '-'";
	for (p = name; *p; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f || *p == ':')
			return "a field name holds printable ASCII but ':'";
	return NULL;
}

const char *debian_check_value(const char *value, int multiline)
{
	const char *line, *end, *p;
	size_t n;

	if (!utf8_valid(value, strlen(value)))
		return "it is not UTF-8";
	for (p = value; *p; p++)
		if (control(*p) && (*p != '\n' || !multiline))
			return multiline ? "it holds a control character" : "it holds a control character or a newline";
	if (!*value || *value == ' ' || *value == '\n')
		return "its first line is empty or starts with a space";
	for (line = value;; line = end + 1) {
		end = strchr(line, '\n');
		n = end ? (size_t)(end - line) : strlen(line);
		if (n && line[n - 1] == ' ')
			return "a line ends with a space";
		if (line != value && line[0] == '.')
			return "a line after the first starts with '.', which Debian reserves";
		if (!end)
			return n || line == value ? NULL : "its last line is empty";
	}
}

char *debian_field(const char *name, const char *value)
{
	size_t n = strlen(name) + 3, i;
	char *out, *o;

	/* "Name: " and '\n', each further line one space more, an empty one also a '.' */
	for (i = 0; value[i]; i++)
		n += value[i] == '\n' ? 3 : 1;
	out = o = xmalloc(n + 1);
	o += sprintf(o, "%s: ", name);
	for (i = 0; value[i]; i++) {
		*o++ = value[i];
		if (value[i] == '\n') {
			*o++ = ' ';
			if (value[i + 1] == '\n' || !value[i + 1])
				*o++ = '.';
		}
	}
	*o++ = '\n';
	*o = '\0';
	return out;
}
