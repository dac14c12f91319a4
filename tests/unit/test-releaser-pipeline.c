/*
 * The release pipeline's parts without a build: the output directory, the
 * tarball writer, the release identity and its views, the checksum lists.
 * Files go into a scratch directory under $TMPDIR, removed at the end.
 */
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "lib/common.h"
#include "lib/json.h"
#include "lib/sums.h"
#include "release/ident.h"
#include "release/layout.h"
#include "release/manifest.h"
#include "release/metadata.h"
#include "release/outdir.h"
#include "release/tarball.h"

#define COMMIT "0123456789abcdef0123456789abcdef01234567"

static char scratch[256];

static char *path_in(const char *name)
{
	return xasprintf("%s/%s", scratch, name);
}

static int write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

/* the file's content, or NULL (caller frees) */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = xcalloc(1, 65536);
	size_t n;

	if (!f) {
		free(buf);
		return NULL;
	}
	n = fread(buf, 1, 65535, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* the output of a shell command (caller frees), or NULL when it fails */
static char *run(const char *cmd)
{
	FILE *p = popen(cmd, "r");
	char *buf = xcalloc(1, 65536);
	size_t n;

	if (!p) {
		free(buf);
		return NULL;
	}
	n = fread(buf, 1, 65535, p);
	buf[n] = '\0';
	if (pclose(p) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static int exists(const char *path)
{
	struct stat sb;

	return lstat(path, &sb) == 0;
}

/* how many entries of dir start with prefix */
static int count_prefix(const char *dir, const char *prefix)
{
	char *cmd = xasprintf("ls -A '%s' | grep -c '^%s' || true", dir, prefix), *out = run(cmd);
	int n = out ? atoi(out) : -1;

	free(out);
	free(cmd);
	return n;
}

/* a release of project "demo" on the release channel, amd64 with the agent, arm64 without */
static void demo_ident(struct release_ident *id)
{
	memset(id, 0, sizeof(*id));
	id->project = xstrdup("demo");
	id->version = xstrdup("v1.2.3");
	id->commit = xstrdup(COMMIT);
	id->short_commit = xstrdup("0123456789ab");
	id->ref = xstrdup("refs/tags/v1.2.3");
	id->branch = xstrdup("main");
	id->channel = CHANNEL_RELEASE;
	id->epoch = 1000000000;
	id->source_uri = xstrdup("https://example.invalid/demo.git");
	ident_add_arch(id, "amd64", 1);
	ident_add_arch(id, "arm64", 0);
	snprintf(id->arches[1].note, sizeof(id->arches[1].note), "no cross toolchain");
}

TEST(outdir__stage_then_commit)
{
	char *dir = path_in("out/deeper"), *final = NULL, *got = NULL;
	struct outdir o;

	check(outdir_open(&o, dir, 0) == 0);
	check(exists(o.stage));
	check(outdir_write(&o, "a.txt", "alpha\n", 6) == 0);
	check(o.n == 1 && o.files[0].size == 6);
	/* sha256 of "alpha\n" */
	check_str(o.files[0].sha256, "b6a98d9ce9a2d9149288fa3df42d377c3e42737afdcdaf714e33c0a100b51060");
	final = outdir_final_path(&o, "a.txt");
	check(!exists(final));
	check(outdir_commit(&o) == 0);
	got = slurp(final);
	check_str(got, "alpha\n");
	outdir_close(&o);
	check(count_prefix(dir, ".releaser-stage-") == 0);
	free(got);
	free(final);
	free(dir);
}

TEST(outdir__same_bytes_kept_other_bytes_conflict)
{
	char *dir = path_in("conflict"), *a = NULL, *b = NULL, *got = NULL;
	struct outdir o;
	struct stat before, after;

	check(mkdir(dir, 0755) == 0);
	a = xasprintf("%s/same.txt", dir);
	b = xasprintf("%s/other.txt", dir);
	check(write_text(a, "same\n") == 0 && write_text(b, "old\n") == 0);
	check(stat(a, &before) == 0);
	check(outdir_open(&o, dir, 0) == 0);
	check(outdir_write(&o, "same.txt", "same\n", 5) == 0);
	check(outdir_write(&o, "other.txt", "new\n", 4) == 0);
	check(outdir_write(&o, "fresh.txt", "fresh\n", 6) == 0);
	/* a conflict stops the commit before anything moves */
	check(outdir_commit(&o) < 0);
	got = slurp(b);
	check_str(got, "old\n");
	free(got);
	got = xasprintf("%s/fresh.txt", dir);
	check(!exists(got));
	free(got);
	outdir_close(&o);
	check(count_prefix(dir, ".releaser-stage-") == 0);
	/* with force the other bytes are replaced; the same bytes stay the same file */
	check(outdir_open(&o, dir, 1) == 0);
	check(outdir_write(&o, "same.txt", "same\n", 5) == 0);
	check(outdir_write(&o, "other.txt", "new\n", 4) == 0);
	check(outdir_commit(&o) == 0);
	outdir_close(&o);
	got = slurp(b);
	check_str(got, "new\n");
	check(stat(a, &after) == 0 && after.st_ino == before.st_ino);
	free(got);
	free(a);
	free(b);
	free(dir);
}

TEST(outdir__stage_of_a_dead_run_removed)
{
	char *dir = path_in("dead"), *stage = NULL, *file = NULL, *wrap = NULL, *other = NULL;
	struct outdir o;

	check(mkdir(dir, 0755) == 0);
	/* an in-place stage inside DIR and a stage beside it, both of dead runs */
	stage = xasprintf("%s/.releaser-stage-2147483646-abcdef", dir);
	check(mkdir(stage, 0700) == 0);
	file = xasprintf("%s/half.tar.gz", stage);
	check(write_text(file, "partial") == 0);
	wrap = path_in(".dead.releaser-2147483646-abcdef");
	check(mkdir(wrap, 0700) == 0);
	/* a name that only looks like a stage is not ours */
	other = path_in(".dead.releaser-notes");
	check(mkdir(other, 0700) == 0);
	check(outdir_open(&o, dir, 0) == 0);
	check(!exists(stage) && !exists(wrap) && exists(other));
	check(count_prefix(scratch, ".dead.releaser-[0-9]") == 1);
	check(!strncmp(o.stage, scratch, strlen(scratch)));
	outdir_close(&o);
	check(count_prefix(scratch, ".dead.releaser-[0-9]") == 0);
	check(count_prefix(dir, ".releaser-stage-") == 0);
	free(other);
	free(wrap);
	free(file);
	free(stage);
	free(dir);
}

TEST(outdir__not_a_directory)
{
	char *file = path_in("plain-file");
	struct outdir o;

	check(write_text(file, "x") == 0);
	check(outdir_open(&o, file, 0) < 0);
	outdir_close(&o);
	free(file);
}

static ino_t inode_of(const char *dir, const char *name)
{
	char *path = name ? xasprintf("%s/%s", dir, name) : xstrdup(dir);
	struct stat sb;
	ino_t ino = lstat(path, &sb) == 0 ? sb.st_ino : 0;

	free(path);
	return ino;
}

static int exists_in(const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s", dir, name);
	int rc = exists(path);

	free(path);
	return rc;
}

static int write_in(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	int rc = write_text(path, text);

	free(path);
	return rc;
}

/* a previous release in dir: old.tar.gz listed in SHA256SUMS, its signature, manifest */
static int old_release(const char *dir)
{
	return write_in(dir, "old.tar.gz", "old\n") || write_in(dir, "manifest.json", "{}\n") ||
	       write_in(dir, "SHA256SUMS", "1111111111111111111111111111111111111111111111111111111111111111  "
					   "manifest.json\n2222222222222222222222222222222222222222222222222222222222222222"
					   "  old.tar.gz\n") ||
	       write_in(dir, "SHA256SUMS.sig", "sig\n");
}

#define NEW_SUMS "3333333333333333333333333333333333333333333333333333333333333333  new.tar.gz\n"

TEST(outdir__previous_release_replaced_as_a_set)
{
	char *dir = path_in("set"), *got = NULL;
	ino_t dir_ino, notes, lock;
	struct outdir o;

	check(mkdir(dir, 0755) == 0);
	check(old_release(dir) == 0);
	check(write_in(dir, "notes.txt", "not a release file\n") == 0);
	got = xasprintf("%s/docs", dir);
	check(mkdir(got, 0755) == 0);
	free(got);
	check(write_in(dir, "docs/readme", "kept\n") == 0);
	check(outdir_open(&o, dir, OUTDIR_FORCE) == 0);
	check(!(o.flags & OUTDIR_IN_PLACE));
	check(outdir_write(&o, "new.tar.gz", "new\n", 4) == 0);
	check(outdir_write(&o, "SHA256SUMS", NEW_SUMS, strlen(NEW_SUMS)) == 0);
	dir_ino = inode_of(dir, NULL);
	notes = inode_of(dir, "notes.txt");
	check(outdir_commit(&o) == 0);
	lock = inode_of(dir, OUTDIR_LOCK_FILE);
	outdir_close(&o);
	/* the old set is gone as a whole, the new one is there, the rest is carried */
	check(!exists_in(dir, "old.tar.gz") && !exists_in(dir, "manifest.json") && !exists_in(dir, "SHA256SUMS.sig"));
	got = xasprintf("%s/SHA256SUMS", dir);
	free(dir);
	dir = got;
	got = slurp(dir);
	check_str(got, NEW_SUMS);
	free(got);
	free(dir);
	dir = path_in("set");
	check(exists_in(dir, "new.tar.gz") && exists_in(dir, "docs/readme"));
	check(inode_of(dir, "notes.txt") == notes);
	/* DIR was swapped as a whole; nothing of the run is left beside it */
	check(inode_of(dir, NULL) != dir_ino);
	check(count_prefix(scratch, ".set.releaser-") == 0);
	/* the lock file is the same file in every version of DIR */
	check(lock != 0);
	check(outdir_open(&o, dir, OUTDIR_FORCE) == 0);
	check(outdir_write(&o, "SHA256SUMS", "newer sums\n", 11) == 0);
	check(outdir_commit(&o) == 0);
	outdir_close(&o);
	check(inode_of(dir, OUTDIR_LOCK_FILE) == lock);
	check(!exists_in(dir, "new.tar.gz"));
	free(dir);
}

TEST(outdir__identical_release_touches_nothing)
{
	char *dir = path_in("same");
	struct outdir o;
	ino_t dir_ino, file;

	check(outdir_open(&o, dir, 0) == 0);
	check(outdir_write(&o, "a.tar.gz", "a\n", 2) == 0);
	check(outdir_commit(&o) == 0);
	outdir_close(&o);
	dir_ino = inode_of(dir, NULL);
	file = inode_of(dir, "a.tar.gz");
	check(outdir_open(&o, dir, 0) == 0);
	check(outdir_write(&o, "a.tar.gz", "a\n", 2) == 0);
	check(outdir_commit(&o) == 0);
	outdir_close(&o);
	check(inode_of(dir, NULL) == dir_ino && inode_of(dir, "a.tar.gz") == file);
	free(dir);
}

TEST(outdir__replace_flag_replaces_only_the_previous_release)
{
	char *dir = path_in("replace"), *got = NULL, *path = NULL;
	struct outdir o;

	check(mkdir(dir, 0755) == 0);
	check(old_release(dir) == 0);
	check(write_in(dir, "notes.txt", "theirs\n") == 0);
	/* the previous release's files are replaced, a file of no release is not */
	check(outdir_open(&o, dir, OUTDIR_REPLACE) == 0);
	check(outdir_write(&o, "manifest.json", "{ \"new\": 1 }\n", 13) == 0);
	check(outdir_write(&o, "notes.txt", "ours\n", 5) == 0);
	check(outdir_commit(&o) < 0);
	outdir_close(&o);
	check(exists_in(dir, "old.tar.gz"));
	check(outdir_open(&o, dir, OUTDIR_REPLACE) == 0);
	check(outdir_write(&o, "manifest.json", "{ \"new\": 1 }\n", 13) == 0);
	check(outdir_commit(&o) == 0);
	outdir_close(&o);
	check(!exists_in(dir, "old.tar.gz") && !exists_in(dir, "SHA256SUMS"));
	path = xasprintf("%s/notes.txt", dir);
	got = slurp(path);
	check_str(got, "theirs\n");
	free(got);
	free(path);
	free(dir);
}

TEST(outdir__dropped_names_leave_the_set)
{
	char *dir = path_in("drop");
	struct outdir o;

	check(mkdir(dir, 0755) == 0);
	check(write_in(dir, "t.tar.gz", "t\n") == 0 && write_in(dir, "manifest-amd64.json", "{}\n") == 0);
	check(outdir_open(&o, dir, 0) == 0);
	check(outdir_write(&o, "SHA256SUMS", "sums\n", 5) == 0);
	outdir_drop(&o, "manifest-amd64.json");
	check(outdir_commit(&o) == 0);
	outdir_close(&o);
	check(exists_in(dir, "t.tar.gz") && exists_in(dir, "SHA256SUMS") && !exists_in(dir, "manifest-amd64.json"));
	free(dir);
}

TEST(outdir__in_place)
{
	char *dir = path_in("inplace");
	struct outdir o;
	ino_t dir_ino;

	check(mkdir(dir, 0755) == 0);
	check(old_release(dir) == 0);
	dir_ino = inode_of(dir, NULL);
	check(outdir_open(&o, dir, OUTDIR_FORCE | OUTDIR_IN_PLACE) == 0);
	check(!strncmp(o.stage, dir, strlen(dir)));
	check(outdir_write(&o, "new.tar.gz", "new\n", 4) == 0);
	check(outdir_write(&o, "SHA256SUMS", "new sums\n", 9) == 0);
	check(outdir_commit(&o) == 0);
	outdir_close(&o);
	check(inode_of(dir, NULL) == dir_ino);
	check(!exists_in(dir, "old.tar.gz") && !exists_in(dir, "manifest.json") && exists_in(dir, "new.tar.gz"));
	check(count_prefix(dir, ".releaser-stage-") == 0);
	free(dir);
}

/* runs f with stderr into a file; returns what it printed (caller frees) */
static char *stderr_of(int (*f)(struct outdir *), struct outdir *o, int *rc)
{
	char *path = path_in("stderr.txt"), *text;
	int saved = dup(2), fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	fflush(stderr);
	dup2(fd, 2);
	close(fd);
	*rc = f(o);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	text = slurp(path);
	free(path);
	return text;
}

TEST(outdir__lock_held_by_another_run)
{
	char *dir = path_in("locked"), *lock = NULL, *msg = NULL, *want = NULL;
	int ready[2], done[2], rc, status;
	struct outdir o;
	pid_t pid;
	char c;

	check(outdir_open(&o, dir, 0) == 0);
	check(outdir_write(&o, "a.tar.gz", "a\n", 2) == 0);
	lock = xasprintf("%s/" OUTDIR_LOCK_FILE, dir);
	check(pipe(ready) == 0 && pipe(done) == 0);
	pid = fork();
	check(pid >= 0);
	if (pid == 0) {
		struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
		int fd = open(lock, O_RDWR | O_CREAT, 0644);

		if (fd < 0 || fcntl(fd, F_SETLK, &fl) != 0)
			_exit(1);
		if (write(ready[1], "x", 1) != 1 || read(done[0], &c, 1) != 1)
			_exit(1);
		_exit(0);
	}
	check(read(ready[0], &c, 1) == 1);
	o.lock_wait_ms = 100;
	msg = stderr_of(outdir_commit, &o, &rc);
	want = xasprintf("releaser: '%s' is being written by another releaser run (pid %ld): run again when it is "
			 "done\n", dir, (long)pid);
	check(rc < 0);
	check(msg && strstr(msg, want));
	check(!exists_in(dir, "a.tar.gz"));
	/* once the other run is done, the commit goes through */
	check(write(done[1], "x", 1) == 1);
	check(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
	check(outdir_commit(&o) == 0);
	check(exists_in(dir, "a.tar.gz"));
	outdir_close(&o);
	close(ready[0]);
	close(ready[1]);
	close(done[0]);
	close(done[1]);
	free(want);
	free(msg);
	free(lock);
	free(dir);
}

TEST(outdir__check)
{
	char *file = path_in("check-file"), *under = path_in("check-file/dist"), *fresh = path_in("fresh/a/b");

	check(outdir_check("") < 0);
	check(write_text(file, "x") == 0);
	check(outdir_check(file) < 0);
	check(outdir_check(under) < 0);
	/* a directory that can be made is fine, and the check makes nothing */
	check(outdir_check(fresh) == 0);
	check(!exists(fresh));
	check(outdir_check(scratch) == 0);
	free(fresh);
	free(under);
	free(file);
}

TEST(outdir__empty_path_refused)
{
	struct outdir o;

	check(outdir_open(&o, "", 0) < 0);
	outdir_close(&o);
}

TEST(tarball__entries_modes_mtime)
{
	static const char want[] =
		"drwxr-xr-x root/root 0 2001-09-09 01:46 top/\n"
		"-rw-r--r-- root/root 10 2001-09-09 01:46 top/BUILDINFO\n"
		"drwxr-xr-x root/root 0 2001-09-09 01:46 top/bin/\n"
		"-rwxr-xr-x root/root 5 2001-09-09 01:46 top/bin/tool\n"
		"drwxr-xr-x root/root 0 2001-09-09 01:46 top/lib/\n"
		"lrwxrwxrwx root/root 0 2001-09-09 01:46 top/lib/libx.so.1 -> libx.so\n";
	char *src = path_in("tool"), *tgz = path_in("t.tar.gz"), *cmd = NULL, *got = NULL, *content = NULL;
	char hex[SHA256_HEX_LEN + 1];
	struct tar_list l = { 0 };
	struct tar_result res;
	unsigned char head[10];
	uint64_t size;
	FILE *f;

	check(write_text(src, "bin!\n") == 0);
	tar_add_symlink(&l, "lib/libx.so.1", "libx.so");
	tar_add_file(&l, "bin/tool", src, 0755);
	tar_add_data(&l, "BUILDINFO", "version=1\n", 10, 0644);
	check(tarball_write(tgz, "t.tar.gz", "top", &l, 1000000000, &res) == 0);
	tar_list_clear(&l);
	/* the digest and size are of the bytes written */
	check(sha256_file(tgz, hex, &size) == 0);
	check_str(res.sha256, hex);
	check(res.size == size);
	/* no time in the gzip header */
	f = fopen(tgz, "rb");
	check(f && fread(head, 1, sizeof(head), f) == sizeof(head));
	fclose(f);
	check(head[0] == 0x1f && head[1] == 0x8b && !head[4] && !head[5] && !head[6] && !head[7]);
	cmd = xasprintf("TZ=UTC tar -tvzf '%s' | awk '{ $3 = $3; print }'", tgz);
	got = run(cmd);
	check_str(got, want);
	free(cmd);
	cmd = xasprintf("tar -xzOf '%s' top/bin/tool", tgz);
	content = run(cmd);
	check_str(content, "bin!\n");
	free(content);
	free(cmd);
	free(got);
	free(src);
	free(tgz);
}

TEST(tarball__missing_input_leaves_nothing)
{
	char *tgz = path_in("missing.tar.gz"), *src = path_in("no-such-file");
	struct tar_list l = { 0 };
	struct tar_result res;

	tar_add_file(&l, "bin/tool", src, 0755);
	check(tarball_write(tgz, "missing.tar.gz", "top", &l, 0, &res) < 0);
	tar_list_clear(&l);
	check(!exists(tgz));
	free(src);
	free(tgz);
}

TEST(ident__round_trip)
{
	struct release_ident id, back, plain;
	char *text = NULL, why[200];
	json_t *doc = json_object(), *parsed;

	demo_ident(&id);
	ident_to_json(&id, doc, IDENT_BUILD);
	text = json_text(doc);
	check(text);
	parsed = json_parse(text, strlen(text), why, sizeof(why));
	check(parsed);
	check(ident_from_json(&back, parsed, IDENT_BUILD, why, sizeof(why)) == 0);
	check(ident_same(&id, &back));
	check_str(back.branch, "main");
	check_str(back.short_commit, "0123456789ab");
	check_str(back.source_uri, "https://example.invalid/demo.git");
	check(back.n_arches == 2 && back.arches[0].agent && !back.arches[1].agent);
	check_str(back.arches[1].arch, "arm64");
	check_str(back.arches[1].note, "no cross toolchain");
	check(back.epoch == 1000000000 && back.channel == CHANNEL_RELEASE && !back.fake_release);
	/* a manifest's view: no branch, no arches */
	check(ident_from_json(&plain, parsed, 0, why, sizeof(why)) == 0);
	check(plain.branch == NULL && plain.n_arches == 0 && ident_same(&plain, &id));
	/* a differing epoch is another release */
	plain.epoch++;
	check(!ident_same(&plain, &id));
	ident_release(&plain);
	ident_release(&back);
	/* an unknown channel and a missing field are refused, with the reason */
	json_object_set_new(parsed, "channel", json_string("beta"));
	check(ident_from_json(&back, parsed, 0, why, sizeof(why)) < 0);
	check(strstr(why, "channel") != NULL);
	json_object_del(parsed, "version");
	check(ident_from_json(&back, parsed, 0, why, sizeof(why)) < 0);
	check(strstr(why, "version") != NULL);
	json_decref(parsed);
	json_decref(doc);
	free(text);
	ident_release(&id);
}

TEST(ident__buildinfo_and_trusted_comment)
{
	struct release_ident id;
	char *info, *agentless, *comment;

	demo_ident(&id);
	info = ident_buildinfo(&id, &id.arches[0]);
	check_str(info, "project=demo\nversion=v1.2.3\ncommit=" COMMIT "\nref=refs/tags/v1.2.3\nchannel=release\n"
			"arch=amd64\nflavors=release debug\nrelease_slot=release\nbuild=dual\nagent=yes\n"
			"source_date_epoch=1000000000\n");
	id.fake_release = 1;
	id.channel = CHANNEL_DEBUG;
	agentless = ident_buildinfo(&id, &id.arches[1]);
	check(strstr(agentless, "\nflavors=debug\nrelease_slot=debug\nbuild=fake-release\nagent=no\n"
				"agent_note=no cross toolchain\nsource_date_epoch=1000000000\n") != NULL);
	comment = ident_trusted_comment(&id);
	check_str(comment, "timestamp:1000000000 file:SHA256SUMS version:v1.2.3 commit:" COMMIT " channel:debug");
	free(comment);
	free(agentless);
	free(info);
	ident_release(&id);
}

TEST(manifest__document)
{
	static const char want[] =
		"{\n"
		"  \"schema\": \"releaser-manifest/v1\",\n"
		"  \"partial\": false,\n"
		"  \"project\": \"demo\",\n"
		"  \"version\": \"v1.2.3\",\n"
		"  \"snapshot\": false,\n"
		"  \"commit\": \"" COMMIT "\",\n"
		"  \"ref\": \"refs/tags/v1.2.3\",\n"
		"  \"source_uri\": \"https://example.invalid/demo.git\",\n"
		"  \"channel\": \"release\",\n"
		"  \"build\": \"dual\",\n"
		"  \"flavors\": [\n    \"release\",\n    \"debug\"\n  ],\n"
		"  \"source_date_epoch\": 1000000000,\n"
		"  \"artifacts\": [\n"
		"    {\n"
		"      \"name\": \"demo-v1.2.3-linux-amd64.tar.gz\",\n"
		"      \"kind\": \"tarball\",\n"
		"      \"arch\": \"amd64\",\n"
		"      \"flavors\": [\n        \"release\",\n        \"debug\"\n      ],\n"
		"      \"release_slot\": \"release\",\n"
		"      \"agent\": true,\n"
		"      \"size\": 42,\n"
		"      \"sha256\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"\n"
		"    },\n"
		"    {\n"
		"      \"name\": \"provenance.intoto.json\",\n"
		"      \"kind\": \"provenance\",\n"
		"      \"arch\": null,\n"
		"      \"size\": 7,\n"
		"      \"sha256\": \"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\"\n"
		"    }\n"
		"  ],\n"
		"  \"checksums\": \"SHA256SUMS\",\n"
		"  \"signatures\": [\n    \"SHA256SUMS.minisig\",\n    \"SHA256SUMS.sig\"\n  ]\n"
		"}\n";
	struct release_meta m = { 0 };
	struct artifact prov = { .name = "provenance.intoto.json", .size = 7 };
	char *text;
	json_t *doc;

	demo_ident(&m.id);
	meta_add_tarball(&m, "demo-v1.2.3-linux-amd64.tar.gz", "amd64", 1,
			 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 42);
	memset(prov.sha256, 'b', SHA256_HEX_LEN);
	doc = meta_manifest(&m, &prov, 1, 1, 0);
	text = json_text(doc);
	check_str(text, want);
	json_decref(doc);
	free(text);
	meta_release(&m);
}

TEST(manifest__partials_read_back)
{
	char *dir = path_in("partials"), *path = NULL, *text = NULL;
	struct release_meta m = { 0 }, one, back;
	json_t *doc;
	size_t i;

	check(mkdir(dir, 0755) == 0);
	demo_ident(&m.id);
	meta_add_tarball(&m, "demo-v1.2.3-linux-amd64.tar.gz", "amd64", 1,
			 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 42);
	meta_add_tarball(&m, "demo-v1.2.3-linux-arm64.tar.gz", "arm64", 0,
			 "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc", 43);
	for (i = 0; i < 2; i++) {
		one = m;
		one.tarballs = &m.tarballs[i];
		one.n = 1;
		doc = meta_manifest(&one, NULL, 0, 0, 1);
		text = json_text(doc);
		free(path);
		path = xasprintf("%s/manifest-%s.json", dir, m.tarballs[i].arch);
		check(write_text(path, text) == 0);
		json_decref(doc);
		free(text);
	}
	check(meta_read_partials(&back, dir) == 0);
	check(ident_same(&back.id, &m.id) && back.n == 2 && back.id.n_arches == 2);
	check_str(back.tarballs[1].name, "demo-v1.2.3-linux-arm64.tar.gz");
	check(back.tarballs[1].size == 43 && !back.tarballs[1].agent && back.id.arches[0].agent);
	meta_release(&back);
	/* another release's part is refused */
	check(write_text(path, "{\"partial\": true, \"project\": \"demo\", \"version\": \"v9.9.9\", \"snapshot\": false, "
			       "\"commit\": \"" COMMIT "\", \"ref\": \"refs/tags/v9.9.9\", \"channel\": \"release\", "
			       "\"build\": \"dual\", \"source_date_epoch\": 1000000000, \"artifacts\": []}") == 0);
	check(meta_read_partials(&back, dir) == -1);
	meta_release(&m);
	free(path);
	free(dir);
}

TEST(checksums__lists_from_artifacts)
{
	static const char *const names[] = { "zeta.tar.gz", "alpha.json", "mid.sig" };
	struct artifact a[3];
	char *gnu, *bsd, *cmd = NULL, *out = NULL, *file, *sums_path = NULL, why[100];
	struct sums_lists lists = { 0 };
	size_t i, len;
	struct sums parsed;

	for (i = 0; i < 3; i++) {
		memset(&a[i], 0, sizeof(a[i]));
		a[i].name = (char *)names[i];
		file = path_in(names[i]);
		check(write_text(file, names[i]) == 0);
		check(sha256_file(file, a[i].sha256, &a[i].size) == 0);
		free(file);
	}
	checksum_lists(a, 3, &lists);
	gnu = lists.gnu;
	bsd = lists.bsd;
	check(lists.gnu_len == strlen(gnu) && lists.bsd_len == strlen(bsd));
	/* sorted by name, and what sha256sum -c accepts */
	check(strncmp(gnu + 66, "alpha.json\n", 11) == 0);
	check(strstr(gnu, "  mid.sig\n") < strstr(gnu, "  zeta.tar.gz\n"));
	sums_path = path_in("SUMS");
	check(write_text(sums_path, gnu) == 0);
	cmd = xasprintf("cd '%s' && sha256sum -c SUMS", scratch);
	out = run(cmd);
	check_str(out, "alpha.json: OK\nmid.sig: OK\nzeta.tar.gz: OK\n");
	free(out);
	free(cmd);
	/* the BSD list is sha256sum --tag's, and what sign/ makes of the GNU list */
	cmd = xasprintf("cd '%s' && sha256sum --tag alpha.json mid.sig zeta.tar.gz", scratch);
	out = run(cmd);
	check_str(bsd, out);
	check(sums_parse(gnu, strlen(gnu), &parsed, why, sizeof(why)) == 0);
	free(out);
	out = sums_bsd(&parsed, &len);
	check_str(bsd, out);
	sums_release(&parsed);
	free(out);
	free(cmd);
	free(sums_path);
	sums_lists_release(&lists);
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int main(void)
{
	static const struct test_case cases[] = {
		CASE(outdir__stage_then_commit),
		CASE(outdir__same_bytes_kept_other_bytes_conflict),
		CASE(outdir__stage_of_a_dead_run_removed),
		CASE(outdir__not_a_directory),
		CASE(outdir__previous_release_replaced_as_a_set),
		CASE(outdir__identical_release_touches_nothing),
		CASE(outdir__replace_flag_replaces_only_the_previous_release),
		CASE(outdir__dropped_names_leave_the_set),
		CASE(outdir__in_place),
		CASE(outdir__lock_held_by_another_run),
		CASE(outdir__check),
		CASE(outdir__empty_path_refused),
		CASE(tarball__entries_modes_mtime),
		CASE(tarball__missing_input_leaves_nothing),
		CASE(ident__round_trip),
		CASE(ident__buildinfo_and_trusted_comment),
		CASE(manifest__document),
		CASE(manifest__partials_read_back),
		CASE(checksums__lists_from_artifacts),
	};
	const char *tmp = getenv("TMPDIR");
	int ret;

	snprintf(scratch, sizeof(scratch), "%s/test-releaser-pipeline.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(scratch)) {
		perror("mkdtemp");
		return 1;
	}
	set_quiet(1);
	ret = test_main(cases, sizeof(cases) / sizeof(cases[0]));
	nftw(scratch, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	return ret;
}
