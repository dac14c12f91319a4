/* The statically linked Debian packages of a build (see deps.h). */
#include "release/deps.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/common.h"
#include "lib/json.h"

/*
 * what agent/build.mk links statically; files: the DEP-5 pattern of the
 * library's sources; shared: libanalyzer.so needs it at run time too (its
 * DT_NEEDED, as `readelf -d` shows: libbpf.so.1, libelf.so.1, libc.so.6)
 */
static const struct {
	const char *package;
	const char *files;
	int shared;
} libraries[] = {
	{ "libbpf-dev", "*", 1 },
	{ "libelf-dev", "lib*", 1 },
	{ "zlib1g-dev", "*", 0 },
	{ "libzstd-dev", "*", 0 },
	{ "libjansson-dev", "*", 0 },
	{ "libc6-dev", "*", 1 },  /* a cross arch: libc6-dev-ARCH-cross, the cross compiler's */
};

/* the CPE 2.3 vendor and product of each library's Debian source package (NVD's names) */
static const struct {
	const char *source, *vendor, *product;
} cpe_names[] = {
	{ "libbpf", "libbpf_project", "libbpf" },
	{ "elfutils", "elfutils_project", "elfutils" },
	{ "zlib", "zlib", "zlib" },
	{ "libzstd", "facebook", "zstandard" },
	{ "jansson", "jansson_project", "jansson" },
	{ "glibc", "gnu", "glibc" },
};

#define PACKAGE_CHARS "abcdefghijklmnopqrstuvwxyz0123456789.+-"
#define LICENSE_FILE "LICENSE"
#define LICENSE_MAX (1 << 20)
#define PROJECT_LICENSE_KEY "project_license"

#define COPYRIGHT_DIR "/usr/share/doc/"
#define COPYRIGHT_MAX (1 << 20)
#define QUERY_MAX 4096

int deps_version_valid(const char *s)
{
	const char *p = s, *colon = strchr(s, ':'), *dash = strrchr(s, '-');

	if (!*s || strlen(s) >= sizeof(((struct dep *)0)->version))
		return 0;
	if (colon) {
		if (colon == s || strspn(s, "0123456789") != (size_t)(colon - s))
			return 0;
		p = colon + 1;
	}
	if (!isdigit((unsigned char)*p) || strspn(p, "0123456789abcdefghijklmnopqrstuvwxyz"
						  "ABCDEFGHIJKLMNOPQRSTUVWXYZ.+~-") != strlen(p))
		return 0;
	return !dash || dash[1] != '\0';
}

/* runs dpkg-query -W -f FORMAT name; its output into buf (NUL-terminated); the exit status, or -1 after a message */
static int run_query(const char *name, char *buf, size_t size)
{
	char *argv[] = { "dpkg-query", "-W", "-f", "${db:Status-Status}\\t${Architecture}\\t${Version}\\t${source:Package}\\t"
			 "${source:Version}\\n",
			 (char *)name, NULL };
	size_t len = 0;
	ssize_t r;
	int fds[2], status, devnull;
	pid_t pid;

	if (pipe(fds) < 0)
		return error("cannot run 'dpkg-query': %s", strerror(errno));
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return error("cannot run 'dpkg-query': %s", strerror(errno));
	}
	if (pid == 0) {
		devnull = open("/dev/null", O_WRONLY);
		if (dup2(fds[1], STDOUT_FILENO) < 0 || devnull < 0 || dup2(devnull, STDERR_FILENO) < 0)
			_exit(127);
		close(fds[0]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	while ((r = read(fds[0], buf + len, size - 1 - len)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 || (len += (size_t)r) == size - 1)
			break;
	}
	buf[len] = '\0';
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return error("cannot wait for 'dpkg-query': %s", strerror(errno));
	if (len == size - 1)
		return error("'dpkg-query -W %s' printed more than %zu bytes: check the package database", name,
			     size - 1);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return error("cannot run 'dpkg-query': the releaser reads the linked libraries' versions with it "
			     "(install dpkg)");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* the next field of *p ended by sep (made NUL), or NULL when there is none (then *p is NULL too) */
static char *next_field(char **p, char sep)
{
	char *f = *p, *end = f ? strchr(f, sep) : NULL;

	if (!end) {
		*p = NULL;
		return NULL;
	}
	*end = '\0';
	*p = end + 1;
	return f;
}

/*
 * the source of a cross package: glibc of libc6-dev-ARCH-cross, at its own
 * version less "crossN" (cross-toolchain-base builds it from glibc's source)
 */
static void cross_source(struct dep *dep)
{
	size_t n = strlen(dep->version), k = n;

	while (k > 0 && isdigit((unsigned char)dep->version[k - 1]))
		k--;
	if (k >= 5 && k < n && !strncmp(dep->version + k - 5, "cross", 5))
		k -= 5;
	else
		k = n;
	snprintf(dep->source, sizeof(dep->source), "glibc");
	snprintf(dep->source_version, sizeof(dep->source_version), "%.*s", (int)k, dep->version);
}

/* the one line "installed\tARCH\tVERSION\tSOURCE\tSOURCE-VERSION\n" of name into *dep; 0 or -1 after a message */
static int query_package(const char *name, const char *want_arch, const char *hint, struct dep *dep)
{
	char buf[QUERY_MAX], *p = buf, *status, *arch, *version, *source, *source_version;
	int rc = run_query(name, buf, sizeof(buf));

	if (rc < 0)
		return -1;
	if (rc != 0)
		return error("'%s' is not installed (dpkg-query exited with %d): the agent links it statically; "
			     "install it (ci/install-deps.sh%s)", name, rc, hint);
	status = next_field(&p, '\t');
	arch = next_field(&p, '\t');
	version = next_field(&p, '\t');
	source = next_field(&p, '\t');
	source_version = next_field(&p, '\n');
	if (!status || !arch || !version || !source || !source_version || !p || *p != '\0')
		return error("'dpkg-query -W %s' printed no line of status, arch, version and source: check the package "
			     "database", name);
	if (strcmp(status, "installed"))
		return error("'%s' is %.40s, not installed: install it (ci/install-deps.sh%s)", name, status, hint);
	if (strcmp(arch, want_arch) && strcmp(arch, "all"))
		return error("'%s' is of arch '%.20s', not %s: check the package database", name, arch, want_arch);
	if (!deps_version_valid(version) || !deps_version_valid(source_version))
		return error("dpkg-query gives '%s' the version '%.80s' from source version '%.80s', which is not a "
			     "Debian version: check the package database", name, version, source_version);
	if (!*source || strlen(source) >= sizeof(dep->source) || strspn(source, PACKAGE_CHARS) != strlen(source))
		return error("dpkg-query gives '%s' the source package '%.80s', which is not a package name: check the "
			     "package database", name, source);
	snprintf(dep->arch, sizeof(dep->arch), "%s", arch);
	snprintf(dep->version, sizeof(dep->version), "%s", version);
	snprintf(dep->source, sizeof(dep->source), "%s", source);
	snprintf(dep->source_version, sizeof(dep->source_version), "%.*s", (int)sizeof(dep->source_version) - 1,
		 source_version);
	if (strstr(dep->package, "-cross"))
		cross_source(dep);
	return 0;
}

/* the license of package's copyright file into dep (NOASSERTION when there is none); 0 or -1 after a message */
static int read_license(const char *package, const char *files, struct dep *dep)
{
	char *path = xasprintf(COPYRIGHT_DIR "%s/copyright", package), *text = NULL;
	struct stat sb;
	size_t len;
	int ret = -1;

	snprintf(dep->license, sizeof(dep->license), DEPS_NOASSERTION);
	if (lstat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		ret = 0;
		goto cleanup;
	}
	text = read_file(path, COPYRIGHT_MAX, &len);
	if (!text)
		goto cleanup;
	deps_license(text, len, files, dep->license, sizeof(dep->license));
	ret = 0;
cleanup:
	free(text);
	free(path);
	return ret;
}

/* the libraries of arch a (cross: built with the cross tools) into *ad */
static int collect_arch(const char *arch, int cross, struct arch_deps *ad)
{
	const char *hint = cross ? " --cross" : "";
	char *name = NULL;
	size_t i;
	struct dep *dep;

	snprintf(ad->arch, sizeof(ad->arch), "%s", arch);
	for (i = 0; i < sizeof(libraries) / sizeof(libraries[0]); i++) {
		dep = &ad->libs[ad->n];
		if (cross && !strcmp(libraries[i].package, "libc6-dev"))
			snprintf(dep->package, sizeof(dep->package), "libc6-dev-%s-cross", arch);
		else
			snprintf(dep->package, sizeof(dep->package), "%s", libraries[i].package);
		name = strstr(dep->package, "-cross") ? xstrdup(dep->package) : xasprintf("%s:%s", dep->package, arch);
		if (query_package(name, arch, hint, dep) < 0 || read_license(dep->package, libraries[i].files, dep) < 0) {
			free(name);
			return -1;
		}
		free(name);
		ad->n++;
	}
	return 0;
}

/* the project's license from workdir/LICENSE into d (NOASSERTION without one); 0 or -1 after a message */
static int read_project_license(const char *workdir, struct build_deps *d)
{
	char *path = xasprintf("%s%s" LICENSE_FILE, workdir, *workdir && workdir[strlen(workdir) - 1] != '/' ? "/" : ""), *text = NULL;
	struct stat sb;
	size_t len;
	int ret = -1;

	snprintf(d->license, sizeof(d->license), DEPS_NOASSERTION);
	if (lstat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		ret = 0;
		goto cleanup;
	}
	text = read_file(path, LICENSE_MAX, &len);
	if (!text)
		goto cleanup;
	deps_project_license(text, len, d->license, sizeof(d->license));
	ret = 0;
cleanup:
	free(text);
	free(path);
	return ret;
}

int deps_collect(const struct build_plan *p, const char *workdir, struct build_deps *d)
{
	size_t i;

	memset(d, 0, sizeof(*d));
	if (read_project_license(workdir, d) < 0)
		return -1;
	for (i = 0; i < p->n; i++) {
		if (!p->arches[i].agent)
			continue;
		if (collect_arch(p->arches[i].arch, *plan_arch_subdir(p, &p->arches[i]) != '\0',
				 &d->arches[d->n]) < 0)
			return -1;
		d->n++;
	}
	return 0;
}

const struct arch_deps *deps_find(const struct build_deps *d, const char *arch)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (!strcmp(d->arches[i].arch, arch))
			return &d->arches[i];
	return NULL;
}

json_t *deps_to_json(const struct build_deps *d, const char *only)
{
	json_t *doc = json_object(), *list, *o;
	size_t i, k;

	if (!doc)
		die(EXIT_FAIL, "out of memory");
	for (i = 0; i < d->n; i++) {
		const struct arch_deps *ad = &d->arches[i];

		if (only && strcmp(only, ad->arch))
			continue;
		list = json_array();
		for (k = 0; k < ad->n; k++) {
			o = json_object();
			jset(o, "package", jstr(ad->libs[k].package));
			jset(o, "arch", jstr(ad->libs[k].arch));
			jset(o, "version", jstr(ad->libs[k].version));
			jset(o, "license", jstr(ad->libs[k].license));
			jset(o, "source", jstr(ad->libs[k].source));
			jset(o, "source_version", jstr(ad->libs[k].source_version));
			jpush(list, o);
		}
		jset(doc, ad->arch, list);
	}
	if (d->license[0])
		jset(doc, PROJECT_LICENSE_KEY, jstr(d->license));
	return doc;
}

/* a license expression as deps_license writes it: letters, digits, . - + and single spaces (and parentheses when parens) */
static int license_valid(const char *s, int parens)
{
	return *s &&
	       strspn(s, parens ? "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-+ ()"
				: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-+ ") == strlen(s) &&
	       !strstr(s, "  ") && s[0] != ' ' && s[strlen(s) - 1] != ' ';
}

/* one arch's list into *ad; 0 or -1 with why */
static int arch_from_json(struct arch_deps *ad, const char *arch, const json_t *list, char *why, size_t why_len)
{
	const char *package, *parch, *version, *license, *source, *source_version;
	json_error_t err;
	size_t k;

	memset(ad, 0, sizeof(*ad));
	if (!json_is_array(list) || json_array_size(list) > DEPS_MAX || strlen(arch) >= sizeof(ad->arch)) {
		snprintf(why, why_len, "static_libraries: '%.20s' is not an arch with a list of at most %d libraries",
			 arch, DEPS_MAX);
		return -1;
	}
	snprintf(ad->arch, sizeof(ad->arch), "%s", arch);
	for (k = 0; k < json_array_size(list); k++) {
		struct dep *dep = &ad->libs[k];

		if (json_unpack_ex(json_array_get(list, k), &err, 0, "{s:s, s:s, s:s, s:s, s:s, s:s}", "package", &package,
				   "arch", &parch, "version", &version, "license", &license, "source", &source,
				   "source_version", &source_version) < 0) {
			snprintf(why, why_len, "static_libraries: %s", err.text);
			return -1;
		}
		if (!*package || strlen(package) >= sizeof(dep->package) ||
		    strspn(package, "abcdefghijklmnopqrstuvwxyz0123456789.+-") != strlen(package) ||
		    (strcmp(parch, arch) && strcmp(parch, "all")) || !deps_version_valid(version) ||
		    strlen(license) >= sizeof(dep->license) || !license_valid(license, 0) || !*source ||
		    strlen(source) >= sizeof(dep->source) || strspn(source, PACKAGE_CHARS) != strlen(source) ||
		    !deps_version_valid(source_version)) {
			snprintf(why, why_len, "static_libraries: a bad package, arch, version, license or source for %s",
				 arch);
			return -1;
		}
		snprintf(dep->package, sizeof(dep->package), "%s", package);
		snprintf(dep->arch, sizeof(dep->arch), "%s", parch);
		snprintf(dep->version, sizeof(dep->version), "%s", version);
		snprintf(dep->license, sizeof(dep->license), "%s", license);
		snprintf(dep->source, sizeof(dep->source), "%s", source);
		snprintf(dep->source_version, sizeof(dep->source_version), "%s", source_version);
		ad->n = k + 1;
	}
	return 0;
}

/* the project's license into d: the same as d's when d has one; 0 or -1 with why */
static int project_license_from_json(struct build_deps *d, const json_t *v, char *why, size_t why_len)
{
	const char *s = json_string_value(v);

	if (!s || strlen(s) >= sizeof(d->license) || !license_valid(s, 1)) {
		snprintf(why, why_len, "static_libraries: project_license is not a license expression");
		return -1;
	}
	if (d->license[0] && strcmp(d->license, s)) {
		snprintf(why, why_len, "static_libraries: project_license differs between the manifests");
		return -1;
	}
	snprintf(d->license, sizeof(d->license), "%s", s);
	return 0;
}

int deps_from_json(struct build_deps *d, const json_t *j, char *why, size_t why_len)
{
	const struct arch_deps *have;
	struct arch_deps ad;
	const char *arch;
	json_t *list;

	if (!json_is_object(j)) {
		snprintf(why, why_len, "static_libraries is not an object");
		return -1;
	}
	json_object_foreach((json_t *)j, arch, list) {
		if (!strcmp(arch, PROJECT_LICENSE_KEY)) {
			if (project_license_from_json(d, list, why, why_len) < 0)
				return -1;
			continue;
		}
		if (arch_from_json(&ad, arch, list, why, why_len) < 0)
			return -1;
		have = deps_find(d, arch);
		if (have && memcmp(have, &ad, sizeof(ad))) {
			snprintf(why, why_len, "static_libraries: %s is listed again with other libraries", arch);
			return -1;
		}
		if (have)
			continue;
		if (d->n == PLAN_MAX_ARCHES) {
			snprintf(why, why_len, "static_libraries: more than %d arches", PLAN_MAX_ARCHES);
			return -1;
		}
		d->arches[d->n++] = ad;
	}
	return 0;
}

/* Debian's short license names (copyright-format 1.0) and their SPDX identifiers */
static const struct {
	const char *debian, *spdx;
} license_names[] = {
	{ "GPL-2", "GPL-2.0-only" },     { "GPL-2.0", "GPL-2.0-only" },     { "GPL-2+", "GPL-2.0-or-later" },
	{ "GPL-3", "GPL-3.0-only" },     { "GPL-3.0", "GPL-3.0-only" },     { "GPL-3+", "GPL-3.0-or-later" },
	{ "LGPL-2", "LGPL-2.0-only" },   { "LGPL-2+", "LGPL-2.0-or-later" }, { "LGPL-2.1", "LGPL-2.1-only" },
	{ "LGPL-2.1+", "LGPL-2.1-or-later" }, { "LGPL-3", "LGPL-3.0-only" }, { "LGPL-3+", "LGPL-3.0-or-later" },
	{ "BSD-2-clause", "BSD-2-Clause" }, { "BSD-3-clause", "BSD-3-Clause" }, { "Expat", "MIT" },
	{ "MIT", "MIT" },                { "Zlib", "Zlib" },                { "Apache-2.0", "Apache-2.0" },
	{ "MPL-2.0", "MPL-2.0" },        { "ISC", "ISC" },
};

static const char *spdx_name(const char *debian, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(license_names) / sizeof(license_names[0]); i++)
		if (strlen(license_names[i].debian) == len && !strncasecmp(license_names[i].debian, debian, len))
			return license_names[i].spdx;
	return NULL;
}

/* a DEP-5 license synopsis ("LGPL-2.1 or BSD-2-Clause") as SPDX into out, or NOASSERTION */
static void translate(const char *s, size_t len, char *out, size_t out_len)
{
	const char *end = s + len, *spdx, *op = NULL;
	size_t off = 0, tok, i = 0;

	snprintf(out, out_len, DEPS_NOASSERTION);
	for (;; i++) {
		while (s < end && (*s == ' ' || *s == '\t'))
			s++;
		if (s == end)
			break;
		tok = strcspn(s, " \t");
		if (tok > (size_t)(end - s))
			tok = (size_t)(end - s);
		if (i % 2 == 0) {
			spdx = spdx_name(s, tok);
			if (!spdx)
				goto fail;
			off += (size_t)snprintf(out + off, out_len > off ? out_len - off : 0, "%s%s",
						i ? (!strcasecmp(op, "or") ? " OR " : " AND ") : "", spdx);
		} else {
			if ((tok != 2 || strncasecmp(s, "or", 2)) && (tok != 3 || strncasecmp(s, "and", 3)))
				goto fail;
			if (op && strncasecmp(op, s, tok))
				goto fail; /* "and" and "or" mixed: precedence differs between DEP-5 and SPDX */
			op = tok == 2 ? "or" : "and";
		}
		s += tok;
	}
	if (i % 2 == 1 && off < out_len)
		return;
fail:
	snprintf(out, out_len, DEPS_NOASSERTION);
}

/* the value of field name at line (after "Name:"), or NULL */
static const char *field(const char *line, const char *name)
{
	size_t n = strlen(name);

	return !strncasecmp(line, name, n) && line[n] == ':' ? line + n + 1 : NULL;
}

void deps_license(const char *text, size_t len, const char *files, char *out, size_t out_len)
{
	const char *p = text, *end = text + len, *eol, *v, *license = NULL;
	size_t license_len = 0, flen = strlen(files), tok;
	int first = 1, in_files = 0, matched = 0;

	snprintf(out, out_len, DEPS_NOASSERTION);
	for (; p < end; p = eol + (eol < end)) {
		eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		if (strspn(p, " \t\r") >= (size_t)(eol - p)) { /* a blank line ends a paragraph */
			if (matched && license)
				break;
			matched = in_files = 0;
			license = NULL;
			continue;
		}
		if (first) { /* machine-readable: the first field is Format: .../copyright-format/1.0/ */
			v = field(p, "Format");
			if (!v || !memmem(v, (size_t)(eol - v), "copyright-format/1.0", 20))
				return;
			first = 0;
			continue;
		}
		if (*p != ' ' && *p != '\t')
			in_files = 0;
		if ((v = field(p, "Files")))
			in_files = 1;
		else if (in_files)
			v = p;
		else if ((v = field(p, "License")) && !license) {
			license = v;
			license_len = (size_t)(eol - v);
			if (license_len && v[license_len - 1] == '\r')
				license_len--;
		}
		while (in_files && v < eol) {
			while (v < eol && isspace((unsigned char)*v))
				v++;
			tok = strcspn(v, " \t\r\n");
			if (tok == flen && !strncmp(v, files, flen))
				matched = 1;
			v += tok;
		}
	}
	if (matched && license)
		translate(license, license_len, out, out_len);
}

void deps_project_license(const char *text, size_t len, char *out, size_t out_len)
{
	int bsd2 = memmem(text, len, "Redistributions of source code must retain", 42) &&
		   memmem(text, len, "Redistributions in binary form must reproduce", 45) &&
		   !memmem(text, len, "Neither the name", 16) && !memmem(text, len, "\n3. ", 4);

	if (bsd2 && memmem(text, len, "GPL-2.0-only", 12))
		snprintf(out, out_len, "BSD-2-Clause AND (GPL-2.0-only OR BSD-2-Clause)");
	else if (bsd2)
		snprintf(out, out_len, "BSD-2-Clause");
	else
		snprintf(out, out_len, DEPS_NOASSERTION);
}

int deps_shared(const struct dep *d)
{
	size_t i, n;

	for (i = 0; i < sizeof(libraries) / sizeof(libraries[0]); i++) {
		n = strlen(libraries[i].package);
		if (!strncmp(d->package, libraries[i].package, n) &&
		    (d->package[n] == '\0' || (!strcmp(libraries[i].package, "libc6-dev") && strstr(d->package, "-cross"))))
			return libraries[i].shared;
	}
	return 0;
}

int deps_cpe(const struct dep *d, char *out, size_t out_len)
{
	const char *v = d->source_version, *colon = strchr(v, ':');
	size_t i, n;

	if (colon)
		v = colon + 1;
	/* the upstream version: its leading digits and dots (1.2.13.dfsg-1 and 1.5.4+dfsg2-5: 1.2.13, 1.5.4) */
	n = strspn(v, "0123456789.");
	while (n > 0 && v[n - 1] == '.')
		n--;
	if (!n || !isdigit((unsigned char)v[0]))
		return -1;
	for (i = 0; i < sizeof(cpe_names) / sizeof(cpe_names[0]); i++)
		if (!strcmp(d->source, cpe_names[i].source)) {
			snprintf(out, out_len, "cpe:2.3:a:%s:%s:%.*s:*:*:*:*:*:*:*", cpe_names[i].vendor,
				 cpe_names[i].product, (int)n, v);
			return 0;
		}
	return -1;
}
