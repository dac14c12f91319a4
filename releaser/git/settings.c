/* Project settings from releaser.conf through libgit2's config API. */
#include "git/settings.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "lib/common.h"
#include "lib/debian.h"
#include "lib/text.h"
#include "git/internal.h"

static int get_string(git_config *cfg, const char *path, const char *key, const char *def, char **out)
{
	git_buf buf = { 0 };
	int rc = cfg ? git_config_get_string_buf(&buf, cfg, key) : GIT_ENOTFOUND;

	if (rc == GIT_ENOTFOUND) {
		*out = xstrdup(def);
		return 0;
	}
	if (git_check(rc, "'%s': bad value for '%s'", path, key) < 0)
		return -1;
	if (buf.size == 0) {
		git_buf_dispose(&buf);
		return error("'%s': '%s' is empty: give a value or remove the key", path, key);
	}
	*out = xstrdup(buf.ptr);
	git_buf_dispose(&buf);
	return 0;
}

static int add_entry(const git_config_entry *e, void *payload)
{
	strlist_add(payload, e->value);
	return 0;
}

static int get_list(git_config *cfg, const char *path, const char *key, const char *defaults,
		    struct strlist *out)
{
	int rc = cfg ? git_config_get_multivar_foreach(cfg, key, NULL, add_entry, out) : GIT_ENOTFOUND;
	char *copy, *tok, *save = NULL;

	if (rc == GIT_ENOTFOUND) {
		copy = xstrdup(defaults);
		for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
			strlist_add(out, tok);
		free(copy);
		return 0;
	}
	return git_check(rc, "'%s': bad value for '%s'", path, key);
}

/* who the packages name when releaser.conf does not say */
#define DEFAULT_MAINTAINER "profiling-agent maintainers <maintainers@profiling-agent.invalid>"

static const char *const known_keys[] = {
	"project.name", "branch.main", "branch.debug", "build.arch", "package.file", "mirror.allow",
	"guard.maxsize", "deb.maintainer", "deb.homepage", "deb.depends", NULL,
};

/* each entry of the file: a known key with a value (a bare "arch" line has none) */
static int check_entry(const git_config_entry *e, void *payload)
{
	const char *path = payload;
	size_t i;

	for (i = 0; known_keys[i]; i++)
		if (!strcmp(e->name, known_keys[i]))
			break;
	if (!known_keys[i]) {
		warning("'%s': unknown key '%s' is ignored: check its spelling",
			path, e->name);
		return 0;
	}
	if (!e->value || !*e->value)
		return error("'%s': '%s' has no value: write '%s = VALUE', or remove the line", path, e->name,
			     strchr(e->name, '.') + 1);
	return 0;
}

/* one plain file name: it names the tarballs and their top directory */
static int plain_name(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > 64 || s[0] == '.' || s[0] == '-')
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		      strchr("._+-", s[i])))
			return 0;
	return 1;
}

/* a path inside the work tree: relative, no "." or ".." component, no control characters */
static int inside_path(const char *s)
{
	const char *p = s;
	size_t n;

	if (!*s || *s == '/')
		return 0;
	for (; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '\\')
			return 0;
	for (p = s; *p; p += n + (p[n] == '/')) {
		n = strcspn(p, "/");
		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
	}
	return 1;
}

int settings_branch_valid(const char *name)
{
	char *ref = xasprintf("refs/heads/%s", name);
	int valid = 0;

	if (git_reference_name_is_valid(&valid, ref) < 0) {
		git_error_clear();
		valid = 0;
	}
	free(ref);
	return valid && name[0] != '-' && !name[strcspn(name, "<>&\"'`|$\\")];
}

const char *settings_check_project(const char *name)
{
	if (!plain_name(name))
		return "must be one plain file name (letters, digits, '.', '_', '+', '-'; at most 64): "
		       "it names the tarballs";
	if (debian_check_package(name))
		return "must be a Debian package name (lower-case letters, digits, '+', '-', '.'; a letter or "
		       "digit first): it names the packages";
	return NULL;
}

/* value as a message shows it: control characters and bytes that are not UTF-8 escaped */
static int bad_value(const char *path, const char *key, const char *value, const char *rule, const char *why)
{
	char *shown = term_escape(value);

	error("'%s': %s '%s' %s: %s", path, key, shown, rule, why);
	free(shown);
	return -1;
}

/* the [deb] keys: each goes into the packages' control file as it is */
static int validate_deb(const struct settings *s, const char *path)
{
	char why[256];
	const char *bad;

	if ((bad = debian_check_maintainer(s->deb_maintainer)) != NULL)
		return bad_value(path, "deb.maintainer", s->deb_maintainer, "must be one line 'NAME <EMAIL>'", bad);
	if (*s->deb_homepage && (bad = debian_check_homepage(s->deb_homepage)) != NULL)
		return bad_value(path, "deb.homepage", s->deb_homepage, "is not a homepage URL", bad);
	if (*s->deb_depends && debian_check_relations(s->deb_depends, why, sizeof(why)))
		return bad_value(path, "deb.depends", s->deb_depends,
				 "is not a Debian relationship list such as 'libc6 (>= 2.36), libelf1 | libelf1t64'",
				 why);
	return 0;
}

static int validate(const struct settings *s, const char *path)
{
	const char *bad;
	size_t i;

	if ((bad = settings_check_project(s->name)) != NULL)
		return error("'%s': project.name '%s' %s", path, s->name, bad);
	if (!settings_branch_valid(s->main_branch))
		return error("'%s': branch.main '%s' is not a valid branch name", path, s->main_branch);
	if (!settings_branch_valid(s->debug_branch))
		return error("'%s': branch.debug '%s' is not a valid branch name", path, s->debug_branch);
	if (!strcmp(s->main_branch, s->debug_branch))
		return error("'%s': branch.main and branch.debug are both '%s': give the debug branch "
			     "a name of its own", path, s->main_branch);
	for (i = 0; i < s->arches.n; i++)
		if (strcmp(s->arches.items[i], "amd64") && strcmp(s->arches.items[i], "arm64"))
			return error("'%s': build.arch '%s' is not supported (use amd64 or arm64)", path,
				     s->arches.items[i]);
	for (i = 0; i < s->files.n; i++)
		if (!inside_path(s->files.items[i]))
			return error("'%s': package.file '%s' must be a relative path inside the work tree "
				     "(no '..', no leading '/')", path, s->files.items[i]);
	if (s->guard_max_size <= 0)
		return error("'%s': guard.maxsize must be a positive number of bytes", path);
	return validate_deb(s, path);
}

/* the most releaser.conf may hold: it is a handful of keys */
#define SETTINGS_MAX_SIZE (64 * 1024)

/*
 * releaser.conf is one file, read as it is: libgit2 would follow
 * [include] and [includeIf] sections to any file on the machine (a pull
 * request could point them at /dev/zero or at secrets), so such a
 * section is refused before libgit2 reads anything.
 */
static int check_raw(const char *path)
{
	char *text, *line, *save = NULL;
	size_t len, n;
	int ret = 0;

	text = read_file(path, SETTINGS_MAX_SIZE, &len);
	if (!text)
		return -1;
	if (memchr(text, '\0', len))
		ret = error("'%s' holds a NUL byte: it must be a text file", path);
	for (line = strtok_r(text, "\n", &save); line && !ret; line = strtok_r(NULL, "\n", &save)) {
		line += strspn(line, " \t");
		if (*line != '[')
			continue;
		line += 1 + strspn(line + 1, " \t");
		n = strcspn(line, " \t\"]");
		if ((n == 7 && !strncasecmp(line, "include", 7)) || (n == 9 && !strncasecmp(line, "includeif", 9)))
			ret = error("'%s': [%.*s] sections are not allowed: releaser.conf must be one file",
				    path, (int)n, line);
	}
	free(text);
	return ret;
}

int settings_load(git_repository *repo, struct settings *s)
{
	const char *workdir = git_repository_workdir(repo);
	git_config *cfg = NULL;
	char *path = NULL;
	int64_t size = 1 << 20;
	int ret = -1, rc;

	memset(s, 0, sizeof(*s));
	path = xasprintf("%s%s", workdir ? workdir : "", SETTINGS_FILE);
	if (workdir && access(path, F_OK) == 0 &&
	    (check_raw(path) < 0 || git_check(git_config_open_ondisk(&cfg, path), "cannot read '%s'", path) < 0))
		goto cleanup;
	if (cfg && git_config_foreach(cfg, check_entry, path) != 0)
		goto cleanup;
	if (get_string(cfg, path, "project.name", "profiling-agent", &s->name) < 0 ||
	    get_string(cfg, path, "branch.main", "main", &s->main_branch) < 0 ||
	    get_string(cfg, path, "branch.debug", "debug", &s->debug_branch) < 0 ||
	    get_list(cfg, path, "build.arch", "amd64 arm64", &s->arches) < 0 ||
	    get_list(cfg, path, "package.file", "LICENSE README.md", &s->files) < 0 ||
	    get_list(cfg, path, "mirror.allow", SETTINGS_FILE, &s->mirror_allow) < 0 ||
	    get_string(cfg, path, "deb.maintainer", DEFAULT_MAINTAINER, &s->deb_maintainer) < 0 ||
	    get_string(cfg, path, "deb.homepage", "", &s->deb_homepage) < 0 ||
	    get_string(cfg, path, "deb.depends", "", &s->deb_depends) < 0)
		goto cleanup;
	rc = cfg ? git_config_get_int64(&size, cfg, "guard.maxsize") : GIT_ENOTFOUND;
	if (rc < 0 && rc != GIT_ENOTFOUND) {
		git_error_clear();
		error("'%s': guard.maxsize is not a number of bytes (e.g. 1048576, or 1m)", path);
		goto cleanup;
	}
	s->guard_max_size = size;
	ret = validate(s, path);
cleanup:
	git_config_free(cfg);
	free(path);
	if (ret)
		settings_release(s);
	return ret;
}

void settings_release(struct settings *s)
{
	free(s->name);
	free(s->main_branch);
	free(s->debug_branch);
	strlist_clear(&s->arches);
	strlist_clear(&s->files);
	strlist_clear(&s->mirror_allow);
	free(s->deb_maintainer);
	free(s->deb_homepage);
	free(s->deb_depends);
	memset(s, 0, sizeof(*s));
}
