/* The Debian packages of a release (see deb.h). */
#include "release/deb.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "lib/common.h"
#include "lib/debian.h"
#include "lib/text.h"
#include "lib/version.h"

/* the license file the copyright file quotes, in the work tree */
#define LICENSE_FILE "LICENSE"
#define LICENSE_MAX (1 << 20)

/* the service's files and the maintainer scripts, in the work tree (support/packaging/README.md) */
#define PACKAGING_DIR "support/packaging/"
#define UNIT_NAME "profiling-agent.service"
#define DEFAULT_FILE "etc/default/profiling-agent"

static const char *const packaging_files[] = {
	PACKAGING_DIR UNIT_NAME,
	PACKAGING_DIR "profiling-agent.default",
	PACKAGING_DIR "deb/postinst",
	PACKAGING_DIR "deb/prerm",
	PACKAGING_DIR "deb/postrm",
};

char *deb_version(const char *version)
{
	struct version v, base;
	char *out, *p;

	if (version_parse(version, &v) < 0)
		return NULL;
	version_base(&v, &base);
	out = base.pre[0] ? xasprintf("%lu.%lu.%lu~%s", base.major, base.minor, base.patch, base.pre)
			  : xasprintf("%lu.%lu.%lu", base.major, base.minor, base.patch);
	for (p = out; *p; p++)
		if (*p == '-')
			*p = '.';
	return out;
}

char *deb_package(const struct release_ident *id)
{
	return id->fake_release ? xasprintf("%s-debug", id->project) : xstrdup(id->project);
}

char *deb_file_name(const struct release_ident *id, const char *arch)
{
	char *package = deb_package(id), *version = deb_version(id->version), *name, *p;

	name = xasprintf("%s_%s_%s.deb", package, version ? version : id->version, arch);
	/* GitHub turns '~' into '.' (lib/asset.h); the version inside keeps it */
	for (p = name; *p; p++)
		if (*p == '~')
			*p = '-';
	free(package);
	free(version);
	return name;
}

static const char *triplet(const char *arch)
{
	return !strcmp(arch, "arm64") ? "aarch64-linux-gnu" : "x86_64-linux-gnu";
}

static void add_src(struct tar_list *l, const char *name, const char *root, const char *rel, int mode)
{
	char *src = xasprintf("%s%s", root, rel);

	tar_add_file(l, name, src, mode);
	free(src);
}

static void add_text(struct tar_list *l, const char *name, const struct text *t)
{
	tar_add_data(l, name, t->s, t->len, 0644);
}

/*
 * the copyright file: DEP-5, the license text from the work tree's LICENSE,
 * each line indented; the notice dated with the release's year
 */
static int add_copyright(struct tar_list *l, const struct release_ident *id, const char *workdir,
			 const char *doc)
{
	char *path = xasprintf("%s%s", workdir, LICENSE_FILE), *license, *line, *next, *name;
	time_t when = (time_t)id->epoch;
	struct text t = { 0 };
	struct tm tm;
	size_t len;

	if (!gmtime_r(&when, &tm)) {
		free(path);
		return error("cannot format the release time %lld", id->epoch);
	}
	license = read_file(path, LICENSE_MAX, &len);
	free(path);
	if (!license)
		return -1;
	text_add(&t, "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
		"Upstream-Name: %s\n", id->project);
	if (id->source_uri)
		text_add(&t, "Source: %s\n", id->source_uri);
	text_add(&t, "\nFiles: *\nCopyright: %d the %s authors\nLicense: BSD-2-Clause\n", tm.tm_year + 1900, id->project);
	text_add(&t, "\nFiles: support/ebpf/*\nCopyright: %d the %s authors\nLicense: GPL-2.0-only or BSD-2-Clause\n",
	    tm.tm_year + 1900, id->project);
	text_add(&t, "\nLicense: BSD-2-Clause\n");
	for (line = license; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		text_add(&t, " %s\n", line[strspn(line, " \t\r")] ? line : ".");
	}
	text_add(&t, "\nLicense: GPL-2.0-only\n"
		" On Debian systems, the complete text of the GNU General Public License\n"
		" version 2 can be found in '/usr/share/common-licenses/GPL-2'.\n");
	name = xasprintf("%s/copyright", doc);
	add_text(l, name, &t);
	free(name);
	free(t.s);
	free(license);
	return 0;
}

/* changelog.gz: one entry naming the release, dated at the epoch */
static int add_changelog(struct tar_list *l, const struct release_ident *id, const struct settings *s,
			 const char *package, const char *version, const char *doc)
{
	time_t when = (time_t)id->epoch;
	struct text t = { 0 };
	struct blob gz = { 0 };
	char date[64], *name = xasprintf("%s/changelog.gz", doc);
	struct tm tm;
	int ret = -1;

	if (!gmtime_r(&when, &tm) || !strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm)) {
		error("cannot format the release time %lld", id->epoch);
		goto cleanup;
	}
	text_add(&t, "%s (%s) unstable; urgency=medium\n\n  * Release %s (%s channel), commit %s.\n\n -- %s  %s\n",
	    package, version, id->version, channel_name(id->channel), id->short_commit, s->deb_maintainer, date);
	if (gzip_memory(name, t.s, t.len, &gz) < 0)
		goto cleanup;
	tar_add_data(l, name, gz.data, gz.len, 0644);
	ret = 0;
cleanup:
	blob_release(&gz);
	free(t.s);
	free(name);
	return ret;
}

/* every file of data.tar.gz, nothing read yet */
static int data_list(const struct release_ident *id, const struct settings *s, const char *workdir,
		     const char *build, const char *arch, const char *package, const char *version,
		     struct tar_list *l)
{
	char *lib = xasprintf("usr/lib/%s", triplet(arch)), *doc = xasprintf("usr/share/doc/%s", package);
	char *name, *overrides;
	int ret = -1;

	add_src(l, "usr/bin/profiling-agent", build, "deb/profiling-agent", 0755);
	name = xasprintf("%s/libanalyzer.so.1", lib);
	add_src(l, name, build, "deb/libanalyzer.so", 0644);
	free(name);
	name = xasprintf("%s/libanalyzer.so", lib);
	tar_add_symlink(l, name, "libanalyzer.so.1");
	free(name);
	name = xasprintf("%s/libanalyzer.a", lib);
	add_src(l, name, build, "lib/libanalyzer.a", 0644);
	free(name);
	name = xasprintf("%s/pkgconfig/analyzer.pc", lib);
	add_src(l, name, build, "deb/analyzer.pc", 0644);
	free(name);
	add_src(l, "lib/systemd/system/" UNIT_NAME, workdir, PACKAGING_DIR UNIT_NAME, 0644);
	add_src(l, DEFAULT_FILE, workdir, PACKAGING_DIR "profiling-agent.default", 0644);
	add_src(l, "usr/share/man/man1/profiling-agent.1.gz", build, "man/profiling-agent.1.gz", 0644);
	add_src(l, "usr/include/analyzer.h", workdir, "libanalyzer/include/analyzer.h", 0644);
	add_src(l, "usr/include/analyzer/frametypes.h", workdir, "support/ebpf/frametypes.h", 0644);
	add_src(l, "usr/share/analyzer/frametypes.json", workdir, "support/frametypes.json", 0644);
	if (add_copyright(l, id, workdir, doc) < 0 || add_changelog(l, id, s, package, version, doc) < 0)
		goto cleanup;
	name = xasprintf("usr/share/lintian/overrides/%s", package);
	overrides = xasprintf("# the agent is statically linked on purpose (zlib and bzip2, through libdw,\n"
			      "# included): it runs on hosts without its libraries\n"
			      "%s: statically-linked-binary [usr/bin/profiling-agent]\n"
			      "%s: embedded-library bzip2 [usr/bin/profiling-agent]\n"
			      "%s: embedded-library zlib [usr/bin/profiling-agent]\n"
			      "# one package carries the agent, libanalyzer and its SDK (headers, analyzer.pc,\n"
			      "# libanalyzer.so): built together from one version, and libanalyzer only\n"
			      "# serves the analyzer of the same release, so there is no libanalyzer1 or\n"
			      "# libanalyzer-dev package to put them in; the shlibs file names this one\n"
			      "%s: package-name-doesnt-match-sonames libanalyzer1\n"
			      "%s: link-to-shared-library-in-wrong-package %s/libanalyzer.so.1 [%s/libanalyzer.so]\n",
			      package, package, package, package, package, lib, lib);
	tar_add_data(l, name, overrides, strlen(overrides), 0644);
	free(overrides);
	free(name);
	ret = 0;
cleanup:
	free(lib);
	free(doc);
	return ret;
}

/* what dpkg-gencontrol counts: each file's size in KiB rounded up, 1 for anything else */
static unsigned long long installed_size(const struct tar_list *data)
{
	unsigned long long kib = 0;
	size_t i;

	for (i = 0; i < data->n; i++)
		kib += data->items[i].kind == TAR_FILE ? (data->items[i].size + 1023) / 1024 : 1;
	return kib;
}

/* the longest control field value the releaser writes (the Description is the longest) */
#define FIELD_MAX 2048

/* one control field: checked (debian_check_value), then written by the one writer (debian_field) */
static int add_field(struct text *t, const char *name, int multiline, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int add_field(struct text *t, const char *name, int multiline, const char *fmt, ...)
{
	char value[FIELD_MAX], *field, *shown;
	const char *bad;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	bad = n < 0 || (size_t)n >= sizeof(value) ? "it is too long" : debian_check_field_name(name);
	if (!bad)
		bad = debian_check_value(value, multiline);
	if (bad) {
		shown = term_escape(value);
		error("control field %s '%s' cannot be written: %s", name, shown, bad);
		free(shown);
		return -1;
	}
	field = debian_field(name, value);
	text_add(t, "%s", field);
	free(field);
	return 0;
}

static const char description[] =
	"sampling CPU profiler for Linux, with an eBPF analyzer%s\n"
	"profiling-agent samples the stacks of running programs with an eBPF\n"
	"program, the analyzer, and aggregates them. The agent is statically\n"
	"linked and embeds the analyzer.\n"
	"\n"
	"The package also carries libanalyzer (shared and static), its headers\n"
	"and its pkg-config file, for programs that embed the analyzer.%s";

static const char debug_description[] =
	"\n"
	"\n"
	"This is the debug build: the analyzer reports what it does and why\n"
	"it drops samples.";

/* control: every field through add_field; -1 after a message when one is not fit for it */
static int add_control(struct tar_list *l, const struct release_ident *id, const struct settings *s,
		       const char *arch, const char *package, const char *version, const struct tar_list *data)
{
	struct text t = { 0 };
	char why[256];
	int ret = -1;

	if (*s->deb_depends && debian_check_relations(s->deb_depends, why, sizeof(why))) {
		error("deb.depends '%s' is not a Debian relationship list: %s", s->deb_depends, why);
		goto cleanup;
	}
	if (add_field(&t, "Package", 0, "%s", package) < 0 || add_field(&t, "Version", 0, "%s", version) < 0 ||
	    add_field(&t, "Architecture", 0, "%s", arch) < 0 ||
	    add_field(&t, "Maintainer", 0, "%s", s->deb_maintainer) < 0 ||
	    add_field(&t, "Installed-Size", 0, "%llu", installed_size(data)) < 0 ||
	    (*s->deb_depends && add_field(&t, "Depends", 0, "%s", s->deb_depends) < 0))
		goto cleanup;
	if (id->fake_release &&
	    (add_field(&t, "Conflicts", 0, "%s", id->project) < 0 || add_field(&t, "Replaces", 0, "%s", id->project) < 0 ||
	     add_field(&t, "Provides", 0, "%s (= %s)", id->project, version) < 0))
		goto cleanup;
	if (add_field(&t, "Section", 0, "devel") < 0 || add_field(&t, "Priority", 0, "optional") < 0 ||
	    (*s->deb_homepage && add_field(&t, "Homepage", 0, "%s", s->deb_homepage) < 0) ||
	    add_field(&t, "Description", 1, description, id->fake_release ? " (debug build)" : "",
		      id->fake_release ? debug_description : "") < 0)
		goto cleanup;
	add_text(l, "control", &t);
	ret = 0;
cleanup:
	free(t.s);
	return ret;
}

/*
 * control.tar.gz's files: control, conffiles, md5sums (of data's files, as
 * written, but the conffile: dpkg keeps its own sums of those), shlibs,
 * triggers, and the maintainer scripts from the work tree
 */
static int control_list(const struct release_ident *id, const struct settings *s, const char *workdir,
			const char *arch, const char *package, const char *version, const struct tar_list *data,
			struct tar_list *l)
{
	struct text sums = { 0 }, shlibs = { 0 };
	static const char triggers[] = "activate-noawait ldconfig\n", conffiles[] = "/" DEFAULT_FILE "\n";
	static const char *const scripts[] = { "postinst", "prerm", "postrm" };
	char *rel;
	size_t i;

	if (add_control(l, id, s, arch, package, version, data) < 0)
		return -1;
	tar_add_data(l, "conffiles", conffiles, strlen(conffiles), 0644);
	for (i = 0; i < data->n; i++)
		if (data->items[i].kind == TAR_FILE && strcmp(data->items[i].name, DEFAULT_FILE))
			text_add(&sums, "%s  %s\n", data->items[i].md5, data->items[i].name);
	add_text(l, "md5sums", &sums);
	text_add(&shlibs, "libanalyzer 1 %s (>= %s)\n", package, version);
	add_text(l, "shlibs", &shlibs);
	tar_add_data(l, "triggers", triggers, strlen(triggers), 0644);
	for (i = 0; i < sizeof(scripts) / sizeof(*scripts); i++) {
		rel = xasprintf(PACKAGING_DIR "deb/%s", scripts[i]);
		add_src(l, scripts[i], workdir, rel, 0755);
		free(rel);
	}
	free(sums.s);
	free(shlibs.s);
	return 0;
}

int deb_write_package(const struct release_ident *id, const struct settings *s, const char *workdir,
		      const char *build, const struct arch_plan *a, const char *path, const char *display,
		      struct tar_result *out)
{
	char *package = deb_package(id), *version = deb_version(id->version);
	struct tar_list data = { 0 }, control = { 0 };
	struct deb_member data_m = { 0 }, control_m = { 0 };
	int ret = -1;

	if (!version) {
		error("version '%s' has no Debian version: release a tag vX.Y.Z[-PRERELEASE]", id->version);
		goto cleanup;
	}
	if (debian_check_package(package) || debian_check_version(version)) {
		error("project.name '%s' and version '%s' make no Debian package (%s_%s): rename the project in "
		      "releaser.conf", id->project, id->version, package, version);
		goto cleanup;
	}
	if (data_list(id, s, workdir, build, a->arch, package, version, &data) < 0 ||
	    deb_member_write(&data_m, "data", path, display, &data, id->epoch) < 0)
		goto cleanup;
	if (control_list(id, s, workdir, a->arch, package, version, &data, &control) < 0 ||
	    deb_member_write(&control_m, "control", path, display, &control, id->epoch) < 0 ||
	    deb_write(path, display, &control_m, &data_m, id->epoch, out) < 0)
		goto cleanup;
	ret = 0;
cleanup:
	deb_member_release(&data_m);
	deb_member_release(&control_m);
	tar_list_clear(&data);
	tar_list_clear(&control);
	free(package);
	free(version);
	return ret;
}

int deb_check_sources(const char *workdir, char *why, size_t len)
{
	char *path = xasprintf("%s%s", workdir, LICENSE_FILE);
	struct stat sb;
	size_t i;
	int ret = 0;

	if (lstat(path, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size > LICENSE_MAX) {
		snprintf(why, len, "'%s' is not a file of the work tree of at most %d bytes: the Debian packages' "
			 "copyright file quotes it; add it", LICENSE_FILE, LICENSE_MAX);
		ret = -1;
	}
	for (i = 0; !ret && i < sizeof(packaging_files) / sizeof(*packaging_files); i++) {
		free(path);
		path = xasprintf("%s%s", workdir, packaging_files[i]);
		if (lstat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) {
			snprintf(why, len, "'%s' is not a file of the work tree: the packages install it; restore it "
				 "from the project's history", packaging_files[i]);
			ret = -1;
		}
	}
	free(path);
	return ret;
}
