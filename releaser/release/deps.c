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

/* the DEP-5 Files: pattern of a source package's library sources, when not "*" */
static const struct {
	const char *source, *files;
} license_files[] = {
	{ "elfutils", "lib*" },
};

/* the names of the bits of struct dep's links, in JSON */
static const char *const link_names[] = { "agent", "libanalyzer", "needed" };

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
	{ "gcc-12", "gnu", "gcc" },
	{ "bzip2", "bzip", "bzip2" },
	{ "xz-utils", "tukaani", "xz" },
	{ "protobuf-c", "protobuf-c_project", "protobuf-c" },
};

#define PACKAGE_CHARS "abcdefghijklmnopqrstuvwxyz0123456789.+-"
#define LICENSE_FILE "LICENSE"
#define LICENSE_MAX (1 << 20)
#define PROJECT_LICENSE_KEY "project_license"

#define COPYRIGHT_DIR "/usr/share/doc/"
#define COPYRIGHT_MAX (1 << 20)
#define QUERY_MAX 4096
#define OWNERS_MAX (1 << 20)
#define MAP_MAX (256 << 20)

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

/*
 * runs argv (dpkg-query); its output into buf (NUL-terminated); the exit
 * status, or -1 after a message (what: the arguments, for it)
 */
static int run_dpkg_query(char *const argv[], const char *what, char *buf, size_t size)
{
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
		return error("'dpkg-query %s' printed more than %zu bytes: check the package database", what,
			     size - 1);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return error("cannot run 'dpkg-query': the releaser reads the linked libraries' versions with it "
			     "(install dpkg)");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* what dpkg-query -W prints of a package: one line of these, after its name in a batch */
#define QUERY_FIELDS "${db:Status-Status}\\t${Architecture}\\t${Version}\\t${source:Package}\\t${source:Version}\\n"

/* runs dpkg-query -W -f FORMAT name; as run_dpkg_query */
static int run_query(const char *name, char *buf, size_t size)
{
	char *argv[] = { "dpkg-query", "-W", "-f", QUERY_FIELDS, (char *)name, NULL };
	char *what = xasprintf("-W %s", name);
	int rc = run_dpkg_query(argv, what, buf, size);

	free(what);
	return rc;
}

/* the first n bytes of s (caller frees) */
static char *dup_n(const char *s, size_t n)
{
	return xasprintf("%.*s", (int)n, s);
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
 * the source of a cross toolchain package: glibc for libc6*-cross (built by
 * cross-toolchain-base), gcc-N for gcc-N-cross's, at its own version less
 * "crossN" (the cross build's source version is its own counter)
 */
static void cross_source(struct dep *dep)
{
	size_t n = strlen(dep->version), k = n, s = strlen(dep->source);

	while (k > 0 && isdigit((unsigned char)dep->version[k - 1]))
		k--;
	if (k >= 5 && k < n && !strncmp(dep->version + k - 5, "cross", 5))
		k -= 5;
	else
		k = n;
	if (!strncmp(dep->package, "libc6", 5))
		snprintf(dep->source, sizeof(dep->source), "glibc");
	else if (s > 6 && !strcmp(dep->source + s - 6, "-cross"))
		dep->source[s - 6] = '\0';
	else
		return;
	snprintf(dep->source_version, sizeof(dep->source_version), "%.*s", (int)k, dep->version);
}

/*
 * line (one "installed\tARCH\tVERSION\tSOURCE\tSOURCE-VERSION\n", changed
 * in place) of name into *dep; 0 or -1 after a message
 */
static int parse_package(const char *name, char *line, const char *want_arch, const char *hint, struct dep *dep)
{
	char *p = line, *status, *arch, *version, *source, *source_version;

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

/* name asked alone (what says why when the batch printed no line for it) into *dep; 0 or -1 after a message */
static int query_package(const char *name, const char *want_arch, const char *hint, struct dep *dep)
{
	char buf[QUERY_MAX];
	int rc = run_query(name, buf, sizeof(buf));

	if (rc < 0)
		return -1;
	if (rc != 0)
		return error("'%s' is not installed (dpkg-query exited with %d): the build links it; "
			     "install it (ci/install-deps.sh%s)", name, rc, hint);
	return parse_package(name, buf, want_arch, hint, dep);
}

/*
 * name into *dep from batch, the output of one dpkg-query -W of every
 * package ("NAME\t" then its line); a package it has no line for is asked
 * alone; 0 or -1 after a message
 */
static int package_from(const char *batch, const char *name, const char *want_arch, const char *hint,
			struct dep *dep)
{
	size_t n = strlen(name);
	const char *line, *eol;
	char *copy;
	int ret;

	for (line = batch; line && *line; line = eol ? eol + 1 : NULL) {
		eol = strchr(line, '\n');
		if (!strncmp(line, name, n) && line[n] == '\t' && eol) {
			copy = dup_n(line + n + 1, (size_t)(eol - line - n));
			ret = parse_package(name, copy, want_arch, hint, dep);
			free(copy);
			return ret;
		}
	}
	return query_package(name, want_arch, hint, dep);
}

/* the license of dep's copyright file into dep (NOASSERTION when there is none); 0 or -1 after a message */
static int read_license(struct dep *dep)
{
	char *path = xasprintf(COPYRIGHT_DIR "%s/copyright", dep->package), *text = NULL;
	const char *files = "*";
	struct stat sb;
	size_t len, i;
	int ret = -1;

	for (i = 0; i < sizeof(license_files) / sizeof(license_files[0]); i++)
		if (!strcmp(dep->source, license_files[i].source))
			files = license_files[i].files;

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

/* "/usr/lib/x" for "/lib/x" and the other way round (merged /usr: dpkg knows one of them), or NULL */
static char *usr_variant(const char *path)
{
	if (!strncmp(path, "/usr/", 5))
		return xstrdup(path + 4);
	return xasprintf("/usr%s", path);
}

/* one file a build links and the package that ships it */
struct owned {
	char *path;
	char *owner;     /* "PACKAGE[:ARCH]" as dpkg-query -S prints it; NULL until known */
	unsigned links;
};

struct owned_list {
	struct owned *v;
	size_t n;
};

static void owned_add(struct owned_list *l, const char *path, unsigned links)
{
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n].path = xstrdup(path);
	l->v[l->n].owner = NULL;
	l->v[l->n].links = links;
	l->n++;
}

static void owned_release(struct owned_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].path);
		free(l->v[i].owner);
	}
	free(l->v);
}

/* the owner of path in dpkg-query -S's output (lines "PKG[, PKG]: PATH"), or NULL */
static char *owner_of(const char *out, const char *path)
{
	const char *line, *eol, *sep;
	size_t n = strlen(path);

	for (line = out; *line; line = *eol ? eol + 1 : eol) {
		eol = strchr(line, '\n');
		if (!eol)
			eol = line + strlen(line);
		sep = strstr(line, ": ");
		if (!sep || sep > eol || !strncmp(line, "diversion ", 10) || (size_t)(eol - sep - 2) != n ||
		    strncmp(sep + 2, path, n))
			continue;
		if (memchr(line, ',', (size_t)(sep - line)) || memchr(line, ' ', (size_t)(sep - line)))
			return NULL; /* more than one package: not a file one package ships */
		return dup_n(line, (size_t)(sep - line));
	}
	return NULL;
}

/*
 * every file of the n lists l (of arches[i]) with its owner, from one
 * dpkg-query -S of them all; 0 or -1 after a message naming the arch
 */
static int find_owners(struct owned_list *l, const char *const *arches, size_t n)
{
	char **argv, *out = xmalloc(OWNERS_MAX);
	size_t i, j, k = 0, files = 0;
	int ret = -1, rc;

	for (i = 0; i < n; i++)
		files += l[i].n;
	argv = xcalloc(2 * files + 3, sizeof(*argv));
	argv[k++] = "dpkg-query";
	argv[k++] = "-S";
	for (i = 0; i < n; i++)
		for (j = 0; j < l[i].n; j++) {
			argv[k++] = l[i].v[j].path;
			argv[k++] = usr_variant(l[i].v[j].path);
		}
	out[0] = '\0';
	rc = files ? run_dpkg_query(argv, "-S", out, OWNERS_MAX) : 0;
	if (rc < 0)
		goto cleanup;
	for (i = 0, k = 3; i < n; i++) {
		for (j = 0; j < l[i].n; j++, k += 2) {
			struct owned *o = &l[i].v[j];

			o->owner = owner_of(out, o->path);
			if (!o->owner)
				o->owner = owner_of(out, argv[k]);
			if (!o->owner || strspn(o->owner, PACKAGE_CHARS ":") != strlen(o->owner)) {
				error("'%s', which the %s build links, is in no Debian package (dpkg-query -S): build "
				      "with the libraries of Debian's packages", o->path, arches[i]);
				goto cleanup;
			}
		}
	}
	ret = 0;
cleanup:
	for (k = 3; k < 2 * files + 2; k += 2)
		free(argv[k]);
	free(argv);
	free(out);
	return ret;
}

/*
 * the versions and sources of every owner of the n lists l, from one
 * dpkg-query -W of them all (each package once, its line after its name):
 * the output (caller frees), or NULL after a message. A package it prints
 * no line for (not installed: dpkg-query then exits 1) is looked for in
 * vain by package_from, which asks it alone.
 */
static char *query_batch(const struct owned_list *l, size_t n)
{
	char **argv, *out = NULL;
	size_t i, j, k = 0, files = 0, m, size;

	for (i = 0; i < n; i++)
		files += l[i].n;
	argv = xcalloc(files + 5, sizeof(*argv));
	argv[k++] = "dpkg-query";
	argv[k++] = "-W";
	argv[k++] = "-f";
	argv[k++] = "${binary:Package}\\t" QUERY_FIELDS;
	for (i = 0; i < n; i++)
		for (j = 0; j < l[i].n; j++) {
			for (m = 4; m < k && strcmp(argv[m], l[i].v[j].owner); m++)
				;
			if (m == k)
				argv[k++] = l[i].v[j].owner;
		}
	size = QUERY_MAX * (k - 3);
	out = xmalloc(size);
	if (k == 4)
		out[0] = '\0';
	else if (run_dpkg_query(argv, "-W", out, size) < 0) {
		free(out);
		out = NULL;
	}
	free(argv);
	return out;
}

/* path made lexically canonical: no ".", "..", empty parts (caller frees), or NULL when not absolute */
static char *canonical(const char *path, size_t len)
{
	char *out = xcalloc(len + 2, 1);
	size_t o = 0, i = 0, n;

	if (!len || path[0] != '/') {
		free(out);
		return NULL;
	}
	while (i < len) {
		while (i < len && path[i] == '/')
			i++;
		for (n = 0; i + n < len && path[i + n] != '/'; n++)
			;
		if (n == 0 || (n == 1 && path[i] == '.')) {
			/* nothing */
		} else if (n == 2 && path[i] == '.' && path[i + 1] == '.') {
			while (o > 0 && out[o] != '/')
				o--;
			out[o] = '\0';
		} else {
			out[o++] = '/';
			memcpy(out + o, path + i, n);
			o += n;
			out[o] = '\0';
		}
		i += n;
	}
	if (!o)
		out[o++] = '/';
	out[o] = '\0';
	return out;
}

/* adds path[len] to (*v)[*n] (made canonical when absolute is set; none holding a NUL, or relative when it must be absolute) when not there yet */
static void add_path(char ***v, size_t *n, const char *path, size_t len, int absolute)
{
	char *p = memchr(path, '\0', len) ? NULL : absolute ? canonical(path, len) : dup_n(path, len);
	size_t i;

	if (!p)
		return;
	for (i = 0; i < *n; i++)
		if (!strcmp((*v)[i], p)) {
			free(p);
			return;
		}
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = p;
}

/* whether name[len] is a shared library's name: ends in ".so" or ".so.N[.N...]" */
static int shared_name(const char *name, size_t len)
{
	const char *so = NULL, *p;

	for (p = name; p + 3 <= name + len; p++)
		if (!memcmp(p, ".so", 3) && (p + 3 == name + len || p[3] == '.'))
			so = p;
	if (!so)
		return 0;
	for (p = so + 3; p < name + len; p++)
		if (!isdigit((unsigned char)*p) && *p != '.')
			return 0;
	return 1;
}

#define MAP_ARCHIVES "Archive member included to satisfy reference by file (symbol)"
#define MAP_AS_NEEDED "As-needed library included to satisfy reference by file (symbol)"

void deps_parse_map(const char *text, size_t len, struct link_inputs *in)
{
	const char *p = text, *end = text + len, *eol, *paren;
	size_t tok;
	enum { OTHER, ARCHIVES, AS_NEEDED } section = OTHER;

	memset(in, 0, sizeof(*in));
	for (; p < end; p = eol + (eol < end)) {
		eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		if (p == eol || *p == ' ' || *p == '\t' || *p == '\r')
			continue; /* blank, or the rest of an entry */
		for (tok = 0; p + tok < eol && p[tok] != ' ' && p[tok] != '\t' && p[tok] != '\r'; tok++)
			;
		if ((size_t)(eol - p) >= strlen(MAP_ARCHIVES) && !memcmp(p, MAP_ARCHIVES, strlen(MAP_ARCHIVES))) {
			section = ARCHIVES;
		} else if ((size_t)(eol - p) >= strlen(MAP_AS_NEEDED) && !memcmp(p, MAP_AS_NEEDED, strlen(MAP_AS_NEEDED))) {
			section = AS_NEEDED;
		} else if (tok == 4 && !memcmp(p, "LOAD", 4) && eol - p > 5) {
			/* "LOAD PATH": an object file or a shared library the linker read */
			const char *f = p + 5;
			size_t n = (size_t)(eol - f);

			if (n && f[n - 1] == '\r')
				n--;
			if (n > 2 && !memcmp(f + n - 2, ".o", 2))
				add_path(&in->statics, &in->n_statics, f, n, 1);
			else if (shared_name(f, n))
				add_path(&in->shared, &in->n_shared, f, n, 1);
		} else if (section == ARCHIVES && (paren = memchr(p, '(', tok)) && paren > p && p[tok - 1] == ')') {
			/* "ARCHIVE(MEMBER)": a member taken from that archive */
			add_path(&in->statics, &in->n_statics, p, (size_t)(paren - p), 1);
		} else if (section == AS_NEEDED && shared_name(p, tok) && !memchr(p, '/', tok)) {
			add_path(&in->needed, &in->n_needed, p, tok, 0);
		} else {
			section = OTHER;
		}
	}
}

void link_inputs_release(struct link_inputs *in)
{
	size_t i;

	for (i = 0; i < in->n_statics; i++)
		free(in->statics[i]);
	for (i = 0; i < in->n_needed; i++)
		free(in->needed[i]);
	for (i = 0; i < in->n_shared; i++)
		free(in->shared[i]);
	free(in->statics);
	free(in->needed);
	free(in->shared);
	memset(in, 0, sizeof(*in));
}

/* the link map at path into *in; 0 or -1 after a message */
static int read_map(const char *path, const char *arch, struct link_inputs *in)
{
	size_t len;
	char *text;

	memset(in, 0, sizeof(*in));
	if (access(path, F_OK) != 0)
		return error("the %s build left no link map '%s': the Makefile links with -Wl,-Map there (the "
			     "releaser reads what the build links from it)", arch, path);
	text = read_file(path, MAP_MAX, &len);
	if (!text)
		return -1;
	deps_parse_map(text, len, in);
	free(text);
	return 0;
}

/* the library dir/name of a loaded shared library's directory for each needed name, into l; 0 or -1 after a message */
static int add_needed(const struct link_inputs *in, const char *arch, struct owned_list *l)
{
	size_t i, k;
	char *dir, *cand;
	int found;

	for (i = 0; i < in->n_needed; i++) {
		found = 0;
		for (k = 0; k < in->n_shared && !found; k++) {
			dir = dup_n(in->shared[k], (size_t)(strrchr(in->shared[k], '/') - in->shared[k]));
			cand = xasprintf("%s/%s", dir, in->needed[i]);
			if (access(cand, F_OK) == 0) {
				owned_add(l, cand, DEPS_NEEDED);
				found = 1;
			}
			free(cand);
			free(dir);
		}
		if (!found)
			return error("libanalyzer.so of %s needs '%s', which is beside none of the libraries it was "
				     "linked with: check its link map", arch, in->needed[i]);
	}
	return 0;
}

static int dep_cmp(const void *a, const void *b)
{
	return strcmp(((const struct dep *)a)->package, ((const struct dep *)b)->package);
}

/*
 * the packages of arch (cross: built with the cross tools) whose files l
 * holds into *ad, from batch (query_batch)
 */
static int add_packages(const struct owned_list *l, const char *batch, const char *arch, int cross,
			struct arch_deps *ad)
{
	const char *hint = cross ? " --cross" : "";
	size_t i, k;
	struct dep *dep;
	char *colon;

	for (i = 0; i < l->n; i++) {
		for (k = 0; k < i && strcmp(l->v[k].owner, l->v[i].owner); k++)
			;
		if (k < i)
			continue; /* that package is there already */
		if (ad->n == DEPS_MAX)
			return error("the %s build links more than %d packages: the releaser records at most that",
				     arch, DEPS_MAX);
		dep = &ad->libs[ad->n];
		memset(dep, 0, sizeof(*dep));
		colon = strchr(l->v[i].owner, ':');
		if ((colon ? (size_t)(colon - l->v[i].owner) : strlen(l->v[i].owner)) >= sizeof(dep->package))
			return error("dpkg-query names the package '%.60s', a name too long: check the package database",
				     l->v[i].owner);
		snprintf(dep->package, sizeof(dep->package), "%.*s",
			 (int)(colon ? (size_t)(colon - l->v[i].owner) : strlen(l->v[i].owner)), l->v[i].owner);
		for (k = i; k < l->n; k++)
			if (!strcmp(l->v[k].owner, l->v[i].owner))
				dep->links |= l->v[k].links;
		if (package_from(batch, l->v[i].owner, arch, hint, dep) < 0 || read_license(dep) < 0)
			return -1;
		ad->n++;
	}
	qsort(ad->libs, ad->n, sizeof(ad->libs[0]), dep_cmp);
	return 0;
}

/* whether path is under dir (the project's own files) */
static int under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	return !strncmp(path, dir, n) && path[n] == '/';
}

/* the files the build of arch in dir links, not under workdir (the project's own), into *l */
static int linked_files(const char *arch, const char *workdir, const char *dir, struct owned_list *l)
{
	struct link_inputs agent = { 0 }, lib = { 0 };
	char *agent_map = xasprintf("%s/%s", dir, DEPS_AGENT_MAP), *lib_map = xasprintf("%s/%s", dir, DEPS_LIBANALYZER_MAP);
	size_t i;
	int ret = -1;

	if (read_map(agent_map, arch, &agent) < 0 || read_map(lib_map, arch, &lib) < 0)
		goto cleanup;
	for (i = 0; i < agent.n_statics; i++)
		if (!under(agent.statics[i], workdir))
			owned_add(l, agent.statics[i], DEPS_AGENT);
	for (i = 0; i < lib.n_statics; i++)
		if (!under(lib.statics[i], workdir))
			owned_add(l, lib.statics[i], DEPS_LIBANALYZER);
	ret = add_needed(&lib, arch, l);
cleanup:
	link_inputs_release(&lib);
	link_inputs_release(&agent);
	free(lib_map);
	free(agent_map);
	return ret;
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

int deps_collect(const struct build_plan *p, const char *workdir, const char *build_dir, struct build_deps *d)
{
	struct owned_list l[PLAN_MAX_ARCHES] = { { 0 } };
	const char *arches[PLAN_MAX_ARCHES], *sub;
	int cross[PLAN_MAX_ARCHES];
	char *dir, *batch = NULL;
	size_t i, n = 0;
	int ret = -1, rc;

	memset(d, 0, sizeof(*d));
	if (read_project_license(workdir, d) < 0)
		return -1;
	/* every arch's files first: one dpkg-query -S and one -W for them all */
	for (i = 0; i < p->n; i++) {
		if (!p->arches[i].agent)
			continue;
		sub = plan_arch_subdir(p, &p->arches[i]);
		dir = xasprintf("%s/%s%s%s", workdir, build_dir, *sub ? "/" : "", sub);
		arches[n] = p->arches[i].arch;
		cross[n] = *sub != '\0';
		rc = linked_files(arches[n], workdir, dir, &l[n]);
		n++;
		free(dir);
		if (rc < 0)
			goto cleanup;
	}
	if (find_owners(l, arches, n) < 0 || !(batch = query_batch(l, n)))
		goto cleanup;
	for (i = 0; i < n; i++) {
		snprintf(d->arches[i].arch, sizeof(d->arches[i].arch), "%s", arches[i]);
		if (add_packages(&l[i], batch, arches[i], cross[i], &d->arches[i]) < 0)
			goto cleanup;
		d->n++;
	}
	ret = 0;
cleanup:
	for (i = 0; i < n; i++)
		owned_release(&l[i]);
	free(batch);
	return ret;
}

const struct arch_deps *deps_find(const struct build_deps *d, const char *arch)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (!strcmp(d->arches[i].arch, arch))
			return &d->arches[i];
	return NULL;
}

static json_t *links_to_json(unsigned links)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < sizeof(link_names) / sizeof(link_names[0]); i++)
		if (links & (1u << i))
			jpush(a, jstr(link_names[i]));
	return a;
}

/* links as links_to_json wrote them into *out; 0 or -1 */
static int links_from_json(const json_t *a, unsigned *out)
{
	const json_t *v;
	size_t i, k;

	*out = 0;
	if (!json_is_array(a))
		return -1;
	json_array_foreach(a, i, v) {
		for (k = 0; k < sizeof(link_names) / sizeof(link_names[0]); k++)
			if (json_is_string(v) && !strcmp(json_string_value(v), link_names[k]))
				break;
		if (k == sizeof(link_names) / sizeof(link_names[0]) || (*out & (1u << k)))
			return -1;
		*out |= 1u << k;
	}
	return 0;
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
			jset(o, "links", links_to_json(ad->libs[k].links));
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
	json_t *links;
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

		if (json_unpack_ex(json_array_get(list, k), &err, 0, "{s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "package",
				   &package, "arch", &parch, "version", &version, "license", &license, "source", &source,
				   "source_version", &source_version, "links", &links) < 0) {
			snprintf(why, why_len, "static_libraries: %s", err.text);
			return -1;
		}
		if (!*package || strlen(package) >= sizeof(dep->package) ||
		    strspn(package, "abcdefghijklmnopqrstuvwxyz0123456789.+-") != strlen(package) ||
		    (strcmp(parch, arch) && strcmp(parch, "all")) || !deps_version_valid(version) ||
		    strlen(license) >= sizeof(dep->license) || !license_valid(license, 0) || !*source ||
		    strlen(source) >= sizeof(dep->source) || strspn(source, PACKAGE_CHARS) != strlen(source) ||
		    !deps_version_valid(source_version) || links_from_json(links, &dep->links) < 0) {
			snprintf(why, why_len, "static_libraries: a bad package, arch, version, license, source or links for %s",
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
