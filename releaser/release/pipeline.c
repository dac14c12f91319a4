/* The release pipeline (see pipeline.h). */
#include "release/pipeline.h"

#include <errno.h>
#include <getopt.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/asset.h"
#include "lib/common.h"
#include "lib/json.h"
#include "lib/self.h"
#include "release/build.h"
#include "release/deb.h"
#include "release/rpm.h"
#include "release/metadata.h"
#include "release/layout.h"
#include "release/notes.h"

/* where --check-reproducible builds the second time, relative to the work tree */
#define REPRO_BUILD_DIR BUILD_DIR "/reproducible"

void release_opts_init(struct release_opts *ro)
{
	memset(ro, 0, sizeof(*ro));
	ro->jobs = make_default_jobs();
}

int release_parse_jobs(const char *arg, int *jobs)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(arg, &end, 10);
	if (errno || *arg == '\0' || *end || n < 1 || n > 1024)
		return error("--jobs needs a number from 1 to 1024, not '%s'", arg);
	*jobs = (int)n;
	return 0;
}

void build_release(struct build *b)
{
	free(b->dir);
	memset(b, 0, sizeof(*b));
}

static void build_init(struct build *b, const struct release_state *st, const char *build_dir)
{
	b->dir = xasprintf("%s%s/", st->workdir, build_dir);
}

/* the flavor check: the analyzer objects in b against the plan */
static int check_flavors(const struct release_state *st, const struct build *b)
{
	return plan_check_objects(&st->plan, b->dir);
}

int release_build(const struct release_state *st, const struct release_ident *id, const struct release_opts *ro,
		  const char *build_dir, struct build *b)
{
	char arches[64];
	int ret = -1;

	build_init(b, st, build_dir);
	if (build_record_remove(st->workdir, build_dir) < 0)
		goto cleanup;
	note("building %s (%s channel, %s) for %s with %d jobs", st->version, channel_name(st->channel),
	     plan_mode(&st->plan), plan_arch_list(&st->plan, arches, sizeof(arches)), ro->jobs);
	if (make_run(st, build_dir, ro->jobs) < 0 || check_flavors(st, b) < 0 || deps_collect(&st->plan, &b->deps) < 0 ||
	    build_record_write(id, &b->deps, st->workdir, build_dir) < 0)
		goto cleanup;
	ret = 0;
cleanup:
	if (ret)
		build_release(b);
	return ret;
}

/* the build a `releaser build` recorded, checked again: an exit code after a message */
static int build_load(const struct release_state *st, const struct release_ident *id, const char *build_dir,
		      struct build *b)
{
	int ret = EXIT_USAGE;

	build_init(b, st, build_dir);
	if (build_record_check(id, st->workdir, build_dir, &b->deps) < 0)
		goto cleanup;
	ret = check_flavors(st, b) < 0 ? EXIT_FAIL : EXIT_OK;
cleanup:
	if (ret != EXIT_OK)
		build_release(b);
	return ret;
}

static int key_file_exists(const char *path)
{
	struct stat sb;

	return lstat(path, &sb) == 0;
}

static int key_options_check(const struct release_opts *ro)
{
	if (ro->no_sign && ro->key)
		return error("--key and --no-sign exclude each other: give one");
	return 0;
}

int release_load_key(const struct release_opts *ro, struct sign_key **key)
{
	const char *env = getenv("RELEASER_SIGNING_KEY");
	char *dev = NULL;
	int ret = -1;

	*key = NULL;
	if (key_options_check(ro) < 0)
		return -1;
	if (ro->no_sign)
		return 0;
	if (ro->key) {
		*key = sign_key_load(ro->key);
	} else if (env && *env) {
		*key = sign_key_load(NULL);
	} else if (ro->dev_key) {
		dev = xasprintf("%s.key", ro->dev_key);
		if (!key_file_exists(dev) && sign_key_generate(ro->dev_key, 0) < 0)
			goto cleanup;
		*key = sign_key_load(dev);
		if (*key)
			warning("signing with the development key '%s': these artifacts are for testing only "
				"(give --key FILE or RELEASER_SIGNING_KEY for a real release)", dev);
	} else {
		error("no signing key: give --key FILE or set RELEASER_SIGNING_KEY (or --no-sign for a "
		      "per-arch package that 'releaser finalize' signs later)");
		goto cleanup;
	}
	ret = *key ? 0 : -1;
cleanup:
	free(dev);
	return ret;
}

static char *out_dir(const struct release_state *st, const struct release_opts *ro)
{
	return ro->out ? xstrdup(ro->out) : xasprintf("%s%s", st->workdir, DIST_DIR);
}

/*
 * the output directory's flags: --force; and a snapshot into the default
 * dist/ replaces the release there (`make release` run again), while a
 * tagged release, or any release into --out DIR, refuses other bytes
 */
static int out_flags(const struct release_state *st, const struct release_opts *ro)
{
	return (ro->force ? OUTDIR_FORCE : 0) | (st->snapshot && !ro->out ? OUTDIR_REPLACE : 0);
}

int release_prepare(git_repository *repo, const struct settings *s, const struct release_opts *ro,
		    struct release_state *st, struct sign_key **key)
{
	char *out;
	int rc;

	if (key && key_options_check(ro) < 0)
		return EXIT_USAGE;
	rc = release_state_load(repo, s, &ro->state, st);
	if (rc != 0)
		return rc > 0 ? EXIT_USAGE : EXIT_FAIL;
	out = out_dir(st, ro);
	rc = release_state_preflight(st) < 0 || (key && (outdir_check(out) < 0 || release_load_key(ro, key) < 0));
	free(out);
	if (rc) {
		release_state_release(st);
		return EXIT_USAGE;
	}
	if (key && (rc = release_notes_changelog(repo, st, &st->changelog)) != EXIT_OK) {
		sign_key_free(*key);
		*key = NULL;
		release_state_release(st);
		return rc;
	}
	return EXIT_OK;
}

/* the tarball of arch a of build b into path; its digest and size in *res */
static int write_tarball(const struct release_state *st, const struct settings *s, const struct release_meta *m,
			 const struct build *b, const struct arch_plan *a, const char *path, const char *display,
			 struct tar_result *res)
{
	const char *sub = plan_arch_subdir(&st->plan, a);
	struct tar_list list = { 0 };
	char *top = layout_top(&m->id, a->arch), *arch_dir = xasprintf("%s%s%s", b->dir, sub, *sub ? "/" : "");
	int ret;

	layout_list(&m->id, s, st->workdir, arch_dir, a, &list);
	ret = tarball_write(path, display, top, &list, m->id.epoch, res);
	tar_list_clear(&list);
	free(arch_dir);
	free(top);
	return ret;
}

/* the Debian package of arch a of build b into path; its digest and size in *res */
static int write_deb(const struct release_state *st, const struct settings *s, const struct release_meta *m,
		     const struct build *b, const struct arch_plan *a, const char *path, const char *display,
		     struct tar_result *res)
{
	const char *sub = plan_arch_subdir(&st->plan, a);
	char *arch_dir = xasprintf("%s%s%s", b->dir, sub, *sub ? "/" : "");
	int ret = deb_write_package(&m->id, s, st->workdir, arch_dir, a, path, display, res);

	free(arch_dir);
	return ret;
}

/* the RPM package of arch a of build b into path; its digest and size in *res */
static int write_rpm(const struct release_state *st, const struct settings *s, const struct release_meta *m,
		     const struct build *b, const struct arch_plan *a, const char *path, const char *display,
		     struct tar_result *res)
{
	const char *sub = plan_arch_subdir(&st->plan, a);
	char *arch_dir = xasprintf("%s%s%s", b->dir, sub, *sub ? "/" : "");
	int ret = rpm_write_package(&m->id, s, st->workdir, arch_dir, a, path, display, res);

	free(arch_dir);
	return ret;
}

/* the name of kind k (0 tarball, 1 .deb, 2 .rpm) of arch of id (caller frees) */
static char *kind_name(const struct release_ident *id, size_t k, const char *arch)
{
	return k == 2 ? rpm_file_name(id, arch) : k == 1 ? deb_file_name(id, arch) : layout_tarball_name(id, arch);
}

/*
 * the names of id's tarballs and packages, before anything is built: each
 * one GitHub keeps (lib/asset.h); an exit code after a message
 */
static int check_names(const struct release_ident *id)
{
	char *name;
	size_t i, deb;
	int rc;

	for (i = 0; i < id->n_arches; i++) {
		for (deb = 0; deb < (id->arches[i].agent ? 3u : 1u); deb++) {
			name = kind_name(id, deb, id->arches[i].arch);
			rc = asset_name_check(name, "give project.name in releaser.conf only letters, digits, '.', "
						    "'_' and '-'");
			free(name);
			if (rc < 0)
				return EXIT_USAGE;
		}
	}
	return EXIT_OK;
}

/* the tarballs step: per arch of the identity, its tarball and (with the agent) its package into o's stage, appended to m */
static int package_tarballs(const struct release_state *st, const struct settings *s, const struct build *b,
			    struct outdir *o, struct release_meta *m)
{
	struct tar_result res;
	char *name = NULL, *path = NULL, *display = NULL;
	size_t i, deb;
	int ret = -1;

	for (i = 0; i < m->id.n_arches; i++) {
		const struct arch_plan *a = &m->id.arches[i];

		/* the tarball, the .deb, the .rpm */
		for (deb = 0; deb < (a->agent ? 3u : 1u); deb++) {
			name = kind_name(&m->id, deb, a->arch);
			path = outdir_stage_path(o, name);
			display = outdir_final_path(o, name);
			if ((deb == 2   ? write_rpm(st, s, m, b, a, path, display, &res)
			     : deb == 1 ? write_deb(st, s, m, b, a, path, display, &res)
					: write_tarball(st, s, m, b, a, path, display, &res)) < 0)
				goto cleanup;
			outdir_add(o, name, res.sha256, res.size);
			if (deb == 2)
				meta_add_rpm(m, name, a->arch, res.sha256, res.size);
			else if (deb)
				meta_add_deb(m, name, a->arch, res.sha256, res.size);
			else
				meta_add_tarball(m, name, a->arch, a->agent, res.sha256, res.size);
			free(name);
			free(path);
			free(display);
			name = path = display = NULL;
		}
	}
	ret = 0;
cleanup:
	free(name);
	free(path);
	free(display);
	return ret;
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path) != 0 && errno != ENOENT ? -1 : 0;
}

/* the second build of --check-reproducible: from scratch, into REPRO_BUILD_DIR */
static int build_again(const struct release_state *st, const struct release_ident *id,
		       const struct release_opts *ro, struct build *b)
{
	char *dir = xasprintf("%s%s", st->workdir, REPRO_BUILD_DIR);
	int ret = -1;

	if (nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0 && errno != ENOENT) {
		error("cannot remove '%s': %s", dir, strerror(errno));
		goto cleanup;
	}
	note("checking reproducibility: building %s again from scratch in '%s'", st->version, dir);
	ret = release_build(st, id, ro, REPRO_BUILD_DIR, b);
cleanup:
	free(dir);
	return ret;
}

/* the comparison: the second build's tarballs, written into its own directory, against m's */
static int compare_builds(const struct release_state *st, const struct settings *s, const struct build *again,
			  const struct release_meta *m, const struct outdir *o)
{
	struct tar_result res;
	char *path = NULL, *first = NULL, *entry = NULL;
	size_t i, debs;
	int ret = -1;

	for (i = 0; i < m->n; i++) {
		const struct artifact *t = &m->tarballs[i];
		size_t k;

		for (k = 0; k < m->id.n_arches && strcmp(m->id.arches[k].arch, t->arch); k++)
			;
		path = xasprintf("%s%s", again->dir, t->name);
		if (k == m->id.n_arches ||
		    (t->rpm   ? write_rpm(st, s, m, again, &m->id.arches[k], path, path, &res)
		     : t->deb ? write_deb(st, s, m, again, &m->id.arches[k], path, path, &res)
			      : write_tarball(st, s, m, again, &m->id.arches[k], path, path, &res)) < 0)
			goto cleanup;
		if (strcmp(res.sha256, t->sha256) || res.size != t->size) {
			first = outdir_stage_path(o, t->name);
			entry = t->deb ? NULL : tarball_first_difference(first, path);
			error("'%s' differs between two builds of the same commit (first at '%s'): the build is "
			      "not reproducible; compare '%s%s' with '%s%s'", t->name, entry ? entry : "?",
			      st->workdir, BUILD_DIR, st->workdir, REPRO_BUILD_DIR);
			goto cleanup;
		}
		free(path);
		path = NULL;
	}
	for (i = 0, debs = 0; i < m->n; i++)
		debs += m->tarballs[i].deb;
	note("reproducible: %zu tarball%s and %zu package%s byte-identical across two builds", m->n - debs,
	     m->n - debs == 1 ? "" : "s", debs, debs == 1 ? "" : "s");
	ret = 0;
cleanup:
	free(entry);
	free(first);
	free(path);
	return ret;
}

int release_report(const struct outdir *o, const struct release_meta *m, int json, int signed_)
{
	json_t *doc, *files;
	size_t i;
	int ret;

	if (!json) {
		for (i = 0; i < o->n; i++)
			printf("%s/%s\n", o->dir, o->files[i].name);
		return fflush(stdout) == EOF ? error("cannot write to standard output") : 0;
	}
	doc = json_object();
	files = json_array();
	jset(doc, "out", jstr(o->dir));
	jset(doc, "version", jstr(m->id.version));
	jset(doc, "channel", jstr(channel_name(m->id.channel)));
	jset(doc, "signed", json_boolean(signed_));
	for (i = 0; i < o->n; i++) {
		json_t *f = json_object();

		jset(f, "name", jstr(o->files[i].name));
		jset(f, "size", json_integer((json_int_t)o->files[i].size));
		jset(f, "sha256", jstr(o->files[i].sha256));
		jpush(files, f);
	}
	jset(doc, "files", files);
	jset(doc, "releaser_version", jstr(releaser_version()));
	ret = json_print(doc);
	json_decref(doc);
	return ret;
}

/* the steps after the tarballs: metadata, signatures, the output directory, the report */
static int finish(struct outdir *o, const struct release_meta *m, const struct release_opts *ro,
		  const struct sign_key *key)
{
	if (ro->no_sign ? metadata_write_partials(o, m) < 0 : metadata_write(o, m, key) < 0)
		return EXIT_FAIL;
	if (outdir_commit(o) < 0)
		return EXIT_FAIL;
	note("%s %s (%s channel) into '%s'%s", ro->no_sign ? "packaged" : "released", m->id.version,
	     channel_name(m->id.channel), o->dir, ro->no_sign ? ": unsigned, run 'releaser finalize' next" : "");
	return release_report(o, m, ro->json, key != NULL) < 0 ? EXIT_FAIL : EXIT_OK;
}

int release_run(const struct release_state *st, const struct settings *s, const struct release_opts *ro,
		const struct sign_key *key)
{
	struct build b = { 0 }, again = { 0 };
	char *out = out_dir(st, ro);
	struct release_meta m;
	struct outdir o = { 0 };
	int ret = EXIT_FAIL;

	meta_init(&m, st, s);
	ret = check_names(&m.id);
	if (ret != EXIT_OK)
		goto cleanup;
	ret = EXIT_FAIL;
	if (release_build(st, &m.id, ro, BUILD_DIR, &b) < 0)
		goto cleanup;
	m.deps = b.deps;
	if (ro->check_reproducible && build_again(st, &m.id, ro, &again) < 0)
		goto cleanup;
	if (outdir_open(&o, out, out_flags(st, ro)) < 0 || package_tarballs(st, s, &b, &o, &m) < 0)
		goto cleanup;
	if (ro->check_reproducible && compare_builds(st, s, &again, &m, &o) < 0)
		goto cleanup;
	ret = finish(&o, &m, ro, key);
cleanup:
	outdir_close(&o);
	meta_release(&m);
	build_release(&again);
	build_release(&b);
	free(out);
	return ret;
}

int release_package(const struct release_state *st, const struct settings *s, const struct release_opts *ro,
		    const char *build_dir, const struct sign_key *key)
{
	char *out = out_dir(st, ro);
	struct release_meta m;
	struct outdir o = { 0 };
	struct build b = { 0 };
	int ret;

	meta_init(&m, st, s);
	ret = check_names(&m.id);
	if (ret == EXIT_OK)
		ret = build_load(st, &m.id, build_dir, &b);
	if (ret != EXIT_OK)
		goto cleanup;
	m.deps = b.deps;
	ret = EXIT_FAIL;
	if (outdir_open(&o, out, out_flags(st, ro)) < 0 || package_tarballs(st, s, &b, &o, &m) < 0)
		goto cleanup;
	ret = finish(&o, &m, ro, key);
cleanup:
	outdir_close(&o);
	meta_release(&m);
	build_release(&b);
	free(out);
	return ret;
}
