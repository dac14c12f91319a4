/* The release pipeline (see pipeline.h). */
#include "release/pipeline.h"

#include <errno.h>
#include <getopt.h>
#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/asset.h"
#include "lib/common.h"
#include "lib/json.h"
#include "lib/progress.h"
#include "lib/self.h"
#include "lib/text.h"
#include "release/build.h"
#include "release/current.h"
#include "release/deb.h"
#include "release/rpm.h"
#include "release/metadata.h"
#include "release/layout.h"
#include "release/notes.h"
#include "release/tools.h"

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

/* the build's first half: make into build_dir (its record removed first), the flavor check */
static int build_make(const struct release_state *st, const struct release_opts *ro, const char *build_dir,
		      struct build *b)
{
	char arches[64];
	int ret = -1;

	build_init(b, st, build_dir);
	if (build_record_remove(st->workdir, build_dir) < 0)
		goto cleanup;
	note("building %s (%s channel, %s) for %s with %d jobs", st->version, channel_name(st->channel),
	     plan_mode(&st->plan), plan_arch_list(&st->plan, arches, sizeof(arches)), ro->jobs);
	if (make_run(st, build_dir, ro->jobs) < 0 || check_flavors(st, b) < 0)
		goto cleanup;
	ret = 0;
cleanup:
	if (ret)
		build_release(b);
	return ret;
}

/* the second half: the libraries linked, the record */
static int build_finish(const struct release_state *st, const struct release_ident *id, const char *build_dir,
			struct build *b)
{
	if (deps_collect(&st->plan, st->workdir, build_dir, &b->deps) < 0 ||
	    build_record_write(id, &b->deps, st->workdir, build_dir) < 0) {
		build_release(b);
		return -1;
	}
	return 0;
}

int release_build(const struct release_state *st, const struct release_ident *id, const struct release_opts *ro,
		  const char *build_dir, struct build *b)
{
	return build_make(st, ro, build_dir, b) < 0 ? -1 : build_finish(st, id, build_dir, b);
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

char *release_out_problem(const struct release_state *st, const struct release_opts *ro)
{
	char *out = out_dir(st, ro), *shown, *why = outdir_problem(out);
	struct outdir_held h;
	int rc = why ? 0 : outdir_held(out, &h);

	if (rc == 0 || ro->force || !strcmp(h.version, st->version) || (st->snapshot && !ro->out && h.snapshot)) {
		free(out);
		return why;
	}
	shown = term_escape(h.version);
	if (st->snapshot && !h.snapshot)
		why = xasprintf("'%s' holds the release %s (%s), which a snapshot never replaces: publish or move it "
				"first, give --out another directory, or --force to replace it", out, shown, h.from);
	else
		why = xasprintf("'%s' holds another release, %s (%s): remove it, give --out another directory, or "
				"--force to replace it", out, shown, h.from);
	free(shown);
	free(out);
	return why;
}

/* the output directory, refused with one message */
static int check_out(const struct release_state *st, const struct release_opts *ro)
{
	char *why = release_out_problem(st, ro);

	if (!why)
		return 0;
	error("%s", why);
	free(why);
	return -1;
}

/* the programs a build runs, the first missing one refused */
static int check_tools(void)
{
	struct strlist missing = { 0 };
	int ret = 0;

	if (tools_check(&missing))
		ret = error("%s", missing.items[0]);
	strlist_clear(&missing);
	return ret;
}

int release_prepare(git_repository *repo, const struct settings *s, const struct release_opts *ro,
		    struct release_state *st, struct sign_key **key)
{
	int rc;

	progress_begin("preflight");
	if (key && key_options_check(ro) < 0)
		return EXIT_USAGE;
	rc = release_state_load(repo, s, &ro->state, st);
	if (rc != 0)
		return rc > 0 ? EXIT_USAGE : EXIT_FAIL;
	rc = release_state_preflight(st) < 0 || (ro->builds && check_tools() < 0) ||
	     (key && (check_out(st, ro) < 0 || release_load_key(ro, key) < 0));
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
	progress_end();
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

/* the build directory of arch a of build b, with a trailing '/' (caller frees) */
static char *arch_dir(const struct release_state *st, const struct build *b, const struct arch_plan *a)
{
	const char *sub = plan_arch_subdir(&st->plan, a);

	return xasprintf("%s%s%s", b->dir, sub, *sub ? "/" : "");
}

/* the Debian (rpm 0) or RPM (rpm 1) package of arch a of build b into path; its digest and size in *res */
static int write_package(const struct release_state *st, const struct settings *s, const struct release_meta *m,
			 const struct build *b, const struct arch_plan *a, const char *path, const char *display,
			 struct tar_result *res, int rpm)
{
	char *dir = arch_dir(st, b, a);
	int ret = (rpm ? rpm_write_package : deb_write_package)(&m->id, s, st->workdir, dir, a, path, display, res);

	free(dir);
	return ret;
}

static int write_deb(const struct release_state *st, const struct settings *s, const struct release_meta *m,
		     const struct build *b, const struct arch_plan *a, const char *path, const char *display,
		     struct tar_result *res)
{
	return write_package(st, s, m, b, a, path, display, res, 0);
}

static int write_rpm(const struct release_state *st, const struct settings *s, const struct release_meta *m,
		     const struct build *b, const struct arch_plan *a, const char *path, const char *display,
		     struct tar_result *res)
{
	return write_package(st, s, m, b, a, path, display, res, 1);
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

/* a file written into the stage: its name, path in the stage, and path as shown */
struct staged {
	char *name, *path, *display;
};

static void staged_open(struct staged *f, struct outdir *o, char *name)
{
	f->name = name;
	f->path = outdir_stage_path(o, name);
	f->display = outdir_final_path(o, name);
}

static void staged_free(struct staged *f)
{
	free(f->name);
	free(f->path);
	free(f->display);
	memset(f, 0, sizeof(*f));
}

/* one arch's Debian package, written in a thread of its own beside its tarball */
struct deb_job {
	const struct release_state *st;
	const struct settings *s;
	const struct release_meta *m;
	const struct build *b;
	const struct arch_plan *a;
	struct staged f;
	struct tar_result res;
	int ret;
};

static void *deb_job_run(void *arg)
{
	struct deb_job *j = arg;

	j->ret = write_deb(j->st, j->s, j->m, j->b, j->a, j->f.path, j->f.display, &j->res);
	return NULL;
}

/*
 * every arch's rpmbuild started into rpms (one per arch of m's identity,
 * zeroed first): it runs beside what comes next, the libraries' packages
 * and the other packages; 0, or -1 after a message
 */
static int start_rpms(const struct release_state *st, const struct settings *s, const struct build *b,
		      const struct release_meta *m, struct rpm_job *rpms)
{
	size_t i;
	char *dir;
	int rc;

	memset(rpms, 0, PLAN_MAX_ARCHES * sizeof(*rpms));
	for (i = 0; i < m->id.n_arches; i++) {
		if (!m->id.arches[i].agent)
			continue;
		dir = arch_dir(st, b, &m->id.arches[i]);
		rc = rpm_start(&m->id, s, st->workdir, dir, &m->id.arches[i], &rpms[i]);
		free(dir);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static void release_rpms(struct rpm_job *rpms)
{
	size_t i;

	for (i = 0; i < PLAN_MAX_ARCHES; i++)
		rpm_job_release(&rpms[i]);
}

/*
 * the tarballs step: per arch of the identity, its tarball and (with the
 * agent) its .deb and .rpm into o's stage, appended to m. Every arch's
 * rpmbuild runs already (start_rpms, into rpms); the .deb is written in a
 * thread beside the tarball (each is one compression stream, and the
 * machine has more than one core); all are added in order
 */
static int package_tarballs(const struct release_state *st, const struct settings *s, const struct build *b,
			    struct outdir *o, struct release_meta *m, struct rpm_job *rpms)
{
	struct tar_result res, rpm_res;
	struct deb_job job;
	pthread_t thread;
	struct staged tar = { 0 }, rpm = { 0 };
	size_t i;
	int ret = -1, started = 0, tar_ret, rpm_ret;

	memset(&job, 0, sizeof(job));
	for (i = 0; i < m->id.n_arches; i++) {
		const struct arch_plan *a = &m->id.arches[i];

		if (a->agent) {
			job = (struct deb_job){ .st = st, .s = s, .m = m, .b = b, .a = a, .ret = -1 };
			staged_open(&job.f, o, kind_name(&m->id, 1, a->arch));
			if (pthread_create(&thread, NULL, deb_job_run, &job) != 0)
				deb_job_run(&job);
			else
				started = 1;
		}
		staged_open(&tar, o, kind_name(&m->id, 0, a->arch));
		tar_ret = write_tarball(st, s, m, b, a, tar.path, tar.display, &res);
		rpm_ret = 0;
		if (tar_ret == 0 && a->agent) {
			staged_open(&rpm, o, kind_name(&m->id, 2, a->arch));
			rpm_ret = rpm_finish(&rpms[i], rpm.path, rpm.display, &rpm_res);
		}
		if (started)
			pthread_join(thread, NULL);
		started = 0;
		if (tar_ret < 0 || (a->agent && (job.ret < 0 || rpm_ret < 0)))
			goto cleanup;
		outdir_add(o, tar.name, res.sha256, res.size);
		meta_add_tarball(m, tar.name, a->arch, a->agent, res.sha256, res.size);
		if (a->agent) {
			outdir_add(o, job.f.name, job.res.sha256, job.res.size);
			meta_add_deb(m, job.f.name, a->arch, job.res.sha256, job.res.size);
			outdir_add(o, rpm.name, rpm_res.sha256, rpm_res.size);
			meta_add_rpm(m, rpm.name, a->arch, rpm_res.sha256, rpm_res.size);
		}
		staged_free(&tar);
		staged_free(&rpm);
		staged_free(&job.f);
	}
	ret = 0;
cleanup:
	if (started)
		pthread_join(thread, NULL);
	staged_free(&tar);
	staged_free(&rpm);
	staged_free(&job.f);
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
	progress_begin(ro->no_sign ? "manifests" : "sign");
	if (ro->no_sign ? metadata_write_partials(o, m) < 0 : metadata_write(o, m, key) < 0)
		return EXIT_FAIL;
	progress_begin("write");
	if (outdir_commit(o) < 0)
		return EXIT_FAIL;
	progress_end();
	note("%s %s (%s channel) into '%s'%s", ro->no_sign ? "packaged" : "released", m->id.version,
	     channel_name(m->id.channel), o->dir, ro->no_sign ? ": unsigned, run 'releaser finalize' next" : "");
	return release_report(o, m, ro->json, key != NULL) < 0 ? EXIT_FAIL : EXIT_OK;
}

/*
 * after make, when the build was the one its record (kept) names: 1 when
 * out already holds m's release signed with key, every file checked
 * (release/current.h), after one line saying so and the record put back;
 * 0 when it does not (why in a note); -1 after a message
 */
static int already_released(const struct release_meta *m, const struct release_opts *ro,
			    const struct sign_key *key, const char *out, const char *kept, const char *workdir)
{
	struct outdir files;
	char why[256], *shown, *version;
	int rc = release_current(&m->id, out, key, &files, why, sizeof(why));

	if (rc == 0 && why[0])
		note("packaging: '%s' does not hold this release yet (%s)", out, why);
	if (rc > 0 && build_record_restore(kept, workdir, BUILD_DIR) < 0)
		rc = -1;
	if (rc > 0) {
		progress_end();
		shown = term_escape(out);
		version = term_escape(m->id.version);
		if (ro->json ? release_report(&files, m, 1, 1) < 0
			     : printf("'%s' already holds %s (commit %.12s), every file checked: nothing to do\n",
				      shown, version, m->id.commit) < 0 || fflush(stdout) == EOF)
			rc = error("cannot write to standard output");
		free(version);
		free(shown);
	}
	outdir_close(&files);
	return rc;
}

int release_run(const struct release_state *st, const struct settings *s, const struct release_opts *ro,
		const struct sign_key *key)
{
	struct build b = { 0 }, again = { 0 };
	char *out = out_dir(st, ro), *kept = NULL;
	struct rpm_job rpms[PLAN_MAX_ARCHES] = { { 0 } };
	struct release_meta m;
	struct outdir o = { 0 };
	int ret = EXIT_FAIL, rc;

	meta_init(&m, st, s);
	ret = check_names(&m.id);
	if (ret != EXIT_OK)
		goto cleanup;
	ret = EXIT_FAIL;
	progress_begin("build");
	kept = key && !ro->check_reproducible ? build_record_keep(&m.id, st->workdir, BUILD_DIR) : NULL;
	if (build_make(st, ro, BUILD_DIR, &b) < 0)
		goto cleanup;
	if (kept && (rc = already_released(&m, ro, key, out, kept, st->workdir)) != 0) {
		ret = rc > 0 ? EXIT_OK : EXIT_FAIL;
		goto cleanup;
	}
	if (start_rpms(st, s, &b, &m, rpms) < 0 || build_finish(st, &m.id, BUILD_DIR, &b) < 0)
		goto cleanup;
	m.deps = b.deps;
	if (ro->check_reproducible && build_again(st, &m.id, ro, &again) < 0)
		goto cleanup;
	progress_begin("package");
	if (outdir_open(&o, out, out_flags(st, ro)) < 0 || package_tarballs(st, s, &b, &o, &m, rpms) < 0)
		goto cleanup;
	if (ro->check_reproducible && compare_builds(st, s, &again, &m, &o) < 0)
		goto cleanup;
	ret = finish(&o, &m, ro, key);
cleanup:
	release_rpms(rpms);
	outdir_close(&o);
	meta_release(&m);
	build_release(&again);
	build_release(&b);
	free(kept);
	free(out);
	return ret;
}

int release_package(const struct release_state *st, const struct settings *s, const struct release_opts *ro,
		    const char *build_dir, const struct sign_key *key)
{
	char *out = out_dir(st, ro);
	struct rpm_job rpms[PLAN_MAX_ARCHES] = { { 0 } };
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
	progress_begin("package");
	if (start_rpms(st, s, &b, &m, rpms) < 0 || outdir_open(&o, out, out_flags(st, ro)) < 0 ||
	    package_tarballs(st, s, &b, &o, &m, rpms) < 0)
		goto cleanup;
	ret = finish(&o, &m, ro, key);
cleanup:
	release_rpms(rpms);
	outdir_close(&o);
	meta_release(&m);
	build_release(&b);
	free(out);
	return ret;
}
