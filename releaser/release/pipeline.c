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

#include "lib/common.h"
#include "lib/json.h"
#include "release/build.h"
#include "release/metadata.h"
#include "release/layout.h"

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

int release_build(const struct release_state *st, const struct release_opts *ro, const char *build_dir)
{
	char *record = xasprintf("%s%s/%s", st->workdir, build_dir, BUILD_RECORD);
	char *ebpf = xasprintf("%s%s/ebpf", st->workdir, build_dir);
	char arches[64];
	int ret = -1;

	if (unlink(record) != 0 && errno != ENOENT) {
		error("cannot remove '%s': %s", record, strerror(errno));
		goto cleanup;
	}
	note("building %s (%s channel, %s) for %s with %d jobs", st->version, channel_name(st->channel),
	     plan_mode(&st->plan), plan_arch_list(&st->plan, arches, sizeof(arches)), ro->jobs);
	if (make_run(st, build_dir, ro->jobs) < 0 || plan_check_objects(&st->plan, ebpf) < 0 ||
	    build_record_write(st, build_dir) < 0)
		goto cleanup;
	ret = 0;
cleanup:
	free(ebpf);
	free(record);
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

int release_prepare(const char *cmd, int argc, char **argv, struct context *ctx, const struct release_opts *ro,
		    struct release_state *st, struct sign_key **key)
{
	if (optind < argc)
		return error("%s takes no arguments, got '%s' (see releaser %s --help)", cmd, argv[optind], cmd),
		       EXIT_USAGE;
	if (key && key_options_check(ro) < 0)
		return EXIT_USAGE;
	if (release_state_load(ctx->repo, &ctx->settings, &ro->state, st) < 0)
		return EXIT_FAIL;
	if (release_state_preflight(st) < 0 || (key && release_load_key(ro, key) < 0)) {
		release_state_release(st);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/* writes one tarball per arch of the plan into o's stage, recording them in m */
static int package_tarballs(const struct release_state *st, const struct settings *s, const char *build_dir,
			    struct outdir *o, struct release_meta *m)
{
	struct tar_list list = { 0 };
	struct tar_result res;
	char *top = NULL, *name = NULL, *path = NULL, *display = NULL;
	size_t i;
	int ret = -1;

	for (i = 0; i < st->plan.n; i++) {
		const struct arch_plan *a = &st->plan.arches[i];

		top = stage_top(s, st->version, a->arch);
		name = xasprintf("%s.tar.gz", top);
		path = outdir_stage_path(o, name);
		display = outdir_final_path(o, name);
		stage_list(st, s, build_dir, a, &list);
		if (tarball_write(path, display, top, &list, st->epoch, &res) < 0)
			goto cleanup;
		outdir_add(o, name, res.sha256, res.size);
		meta_add_tarball(m, name, a->arch, a->agent, res.sha256, res.size);
		tar_list_clear(&list);
		free(top);
		free(name);
		free(path);
		free(display);
		top = name = path = display = NULL;
	}
	ret = 0;
cleanup:
	tar_list_clear(&list);
	free(top);
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

/* builds again into a fresh directory and compares the tarballs with m's */
static int check_reproducible(const struct release_state *st, const struct settings *s,
			      const struct release_opts *ro, const struct release_meta *m, struct outdir *o)
{
	char *dir = xasprintf("%s%s", st->workdir, REPRO_BUILD_DIR);
	struct release_meta again;
	struct outdir o2 = { 0 };
	char *first = NULL, *second = NULL, *entry = NULL;
	size_t i;
	int ret = -1;

	meta_from_state(&again, st, s);
	if (nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0 && errno != ENOENT) {
		error("cannot remove '%s': %s", dir, strerror(errno));
		goto cleanup;
	}
	note("checking reproducibility: building %s again from scratch in '%s'", st->version, dir);
	if (release_build(st, ro, REPRO_BUILD_DIR) < 0 || outdir_open(&o2, o->dir, 0) < 0 ||
	    package_tarballs(st, s, REPRO_BUILD_DIR, &o2, &again) < 0)
		goto cleanup;
	for (i = 0; i < m->n; i++) {
		if (strcmp(m->tarballs[i].sha256, again.tarballs[i].sha256)) {
			first = outdir_stage_path(o, m->tarballs[i].name);
			second = outdir_stage_path(&o2, m->tarballs[i].name);
			entry = tarball_first_difference(first, second);
			error("'%s' differs between two builds of the same commit (first at '%s'): the build is "
			      "not reproducible; compare '%s%s' with '%s'", m->tarballs[i].name,
			      entry ? entry : "?", st->workdir, BUILD_DIR, dir);
			goto cleanup;
		}
	}
	note("reproducible: %zu tarball%s byte-identical across two builds", m->n, m->n == 1 ? "" : "s");
	ret = 0;
cleanup:
	free(entry);
	free(first);
	free(second);
	outdir_close(&o2);
	meta_release(&again);
	free(dir);
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
	jset(doc, "version", jstr(m->version));
	jset(doc, "channel", jstr(m->channel));
	jset(doc, "signed", json_boolean(signed_));
	for (i = 0; i < o->n; i++) {
		json_t *f = json_object();

		jset(f, "name", jstr(o->files[i].name));
		jset(f, "size", json_integer((json_int_t)o->files[i].size));
		jset(f, "sha256", jstr(o->files[i].sha256));
		jpush(files, f);
	}
	jset(doc, "files", files);
	ret = json_print(doc);
	json_decref(doc);
	return ret;
}

int release_package(const struct release_state *st, const struct settings *s, const struct release_opts *ro,
		    const char *build_dir, const struct sign_key *key)
{
	char *out = ro->out ? xstrdup(ro->out) : xasprintf("%s%s", st->workdir, DIST_DIR);
	char *ebpf = xasprintf("%s%s/ebpf", st->workdir, build_dir);
	struct release_meta m;
	struct outdir o = { 0 };
	int ret = EXIT_FAIL;

	meta_from_state(&m, st, s);
	if (build_record_check(st, build_dir) < 0) {
		ret = EXIT_USAGE;
		goto cleanup;
	}
	if (plan_check_objects(&st->plan, ebpf) < 0 || outdir_open(&o, out, ro->force) < 0 ||
	    package_tarballs(st, s, build_dir, &o, &m) < 0)
		goto cleanup;
	if (ro->check_reproducible && check_reproducible(st, s, ro, &m, &o) < 0)
		goto cleanup;
	if (ro->no_sign ? publish_partials(&o, &m) < 0 : publish_metadata(&o, &m, key) < 0)
		goto cleanup;
	if (outdir_commit(&o) < 0)
		goto cleanup;
	note("%s %s (%s channel) into '%s'%s", ro->no_sign ? "packaged" : "released", st->version,
	     channel_name(st->channel), out, ro->no_sign ? ": unsigned, run 'releaser finalize' next" : "");
	ret = release_report(&o, &m, ro->json, key != NULL) < 0 ? EXIT_FAIL : EXIT_OK;
cleanup:
	outdir_close(&o);
	meta_release(&m);
	free(ebpf);
	free(out);
	return ret;
}
