/* Project settings from releaser.conf through libgit2's config API. */
#include "git/settings.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/common.h"
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

static int validate(const struct settings *s, const char *path)
{
	size_t i;

	for (i = 0; i < s->arches.n; i++)
		if (strcmp(s->arches.items[i], "amd64") && strcmp(s->arches.items[i], "arm64"))
			return error("'%s': build.arch '%s' is not supported (use amd64 or arm64)", path,
				     s->arches.items[i]);
	if (!strcmp(s->main_branch, s->debug_branch))
		return error("'%s': branch.main and branch.debug are both '%s': give the debug branch "
			     "a name of its own", path, s->main_branch);
	if (s->guard_max_size <= 0)
		return error("'%s': guard.maxsize must be a positive number of bytes", path);
	return 0;
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
	    git_check(git_config_open_ondisk(&cfg, path), "cannot read '%s'", path) < 0)
		goto cleanup;
	if (get_string(cfg, path, "project.name", "profiling-agent", &s->name) < 0 ||
	    get_string(cfg, path, "branch.main", "main", &s->main_branch) < 0 ||
	    get_string(cfg, path, "branch.debug", "debug", &s->debug_branch) < 0 ||
	    get_list(cfg, path, "build.arch", "amd64 arm64", &s->arches) < 0 ||
	    get_list(cfg, path, "package.file", "LICENSE README.md", &s->files) < 0 ||
	    get_list(cfg, path, "mirror.allow", SETTINGS_FILE, &s->mirror_allow) < 0)
		goto cleanup;
	rc = cfg ? git_config_get_int64(&size, cfg, "guard.maxsize") : GIT_ENOTFOUND;
	if (rc != GIT_ENOTFOUND && git_check(rc, "'%s': bad value for 'guard.maxsize'", path) < 0)
		goto cleanup;
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
	memset(s, 0, sizeof(*s));
}
