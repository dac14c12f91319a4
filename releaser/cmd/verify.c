/*
 * releaser verify: checks a release directory: every artifact against
 * SHA256SUMS, nothing unlisted, and the signatures of the list: each one
 * there must be valid, at least one must be there, and --require names
 * those that must.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "cmd/cmd.h"
#include "lib/common.h"
#include "sign/hash.h"
#include "sign/sign.h"
#include "lib/json.h"
#include "lib/self.h"
#include "lib/sums.h"
#include "lib/text.h"
#include "release/manifest.h"

static const char verify_usage[] =
	"usage: releaser verify [--pubkey FILE] [--require LIST] [--json] DIR\n"
	"\n"
	"Checks a release directory: every file listed in DIR/SHA256SUMS has its\n"
	"SHA-256, no other file is in DIR (besides the signatures and dot files),\n"
	"and SHA256SUMS is signed by the public key: SHA256SUMS.minisig a\n"
	"minisign signature of it (prehashed, or legacy as minisign -S -l makes\n"
	"it), SHA256SUMS.sig a signify signature embedding the same list in BSD\n"
	"style (signify -S -e). One of them is enough; each one there must be\n"
	"valid. Prints \"ok NAME\" or \"FAILED NAME: why\" per file, then which\n"
	"signatures were checked.\n"
	"\n"
	"options:\n"
	"  --pubkey FILE   the public key (minisign or signify format); default:\n"
	"                  $RELEASER_PUBKEY (a path, or the key's text)\n"
	"  --require LIST  these signatures must be there: minisign, signify or\n"
	"                  minisign,signify\n"
	"  --json          print the result as one JSON object instead: every file\n"
	"                  (a name that is not UTF-8 has U+FFFD in \"name\" and\n"
	"                  \"name_escaped\" with each such byte as \\xNN), and under\n"
	"                  \"release\" the project, version, commit, ref and snapshot\n"
	"                  that manifest.json names when every check passed\n"
	"  --help          this text\n"
	"\n"
	"exit codes:\n"
	"  0  everything verified\n"
	"  1  a check failed (a changed, missing or unlisted file, a bad signature)\n"
	"  2  bad usage, no or unreadable public key, DIR missing\n";

struct result {
	char *name;
	char *why; /* NULL when ok */
};

struct report {
	struct result *v;
	size_t n, failed;
};

/* the two signature formats, as --require and the report name them */
enum { SIG_MINISIGN, SIG_SIGNIFY, SIG_FORMATS };

static const char *const sig_format[SIG_FORMATS] = { "minisign", "signify" };
static const char *const sig_file[SIG_FORMATS] = { SUMS_MINISIG_FILE, SUMS_SIG_FILE };

/* what became of each signature file */
enum sig_status { SIG_MISSING, SIG_OK, SIG_FAILED };

static const char *const sig_status_name[] = { "missing", "ok", "failed" };

/* the reason a file that is not there gets: compared by address */
static const char reason_missing[] = "missing";

static void report_add(struct report *r, const char *name, const char *why)
{
	r->v = xrealloc(r->v, (r->n + 1) * sizeof(*r->v));
	r->v[r->n].name = xstrdup(name);
	r->v[r->n].why = why ? xstrdup(why) : NULL;
	r->n++;
	r->failed += why != NULL;
}

static void report_release(struct report *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->v[i].name);
		free(r->v[i].why);
	}
	free(r->v);
}

static const char *errno_reason(int e)
{
	switch (e) {
	case ENOENT:
		return reason_missing;
	case ELOOP:
		return "a symbolic link";
	default:
		return strerror(e);
	}
}

/* opens a regular file in dirfd without following links; -1 with *why */
static int open_regular(int dirfd, const char *name, const char **why)
{
	struct stat st;
	int fd;

	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		*why = errno_reason(errno);
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		*why = "not a regular file";
		close(fd);
		return -1;
	}
	return fd;
}

/* reads a small file of DIR; NULL with *why (no message) */
static char *read_small(int dirfd, const char *name, size_t *len, const char **why)
{
	char *buf = NULL;
	size_t size = 0;
	ssize_t n;
	int fd = open_regular(dirfd, name, why);

	if (fd < 0)
		return NULL;
	*len = 0;
	for (;;) {
		if (*len == size) {
			if (size >= SUMS_MAX_SIZE * 4) {
				*why = "too large";
				goto fail;
			}
			size = size ? 2 * size : 4096;
			buf = xrealloc(buf, size + 1);
		}
		n = read(fd, buf + *len, size - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*why = errno_reason(errno);
			goto fail;
		}
		if (n == 0)
			break;
		*len += (size_t)n;
	}
	buf[*len] = '\0';
	close(fd);
	return buf;
fail:
	close(fd);
	free(buf);
	return NULL;
}

/* one listed artifact: its SHA-256 must match; -1 after a message */
static int check_artifact(int dirfd, const struct sums_entry *e, struct report *r)
{
	char hex[SHA256_HEX_LEN + 1];
	const char *why = NULL;
	int fd, rc;

	fd = open_regular(dirfd, e->name, &why);
	if (fd < 0) {
		report_add(r, e->name, why);
		return 0;
	}
	rc = sha256_fd(fd, hex);
	close(fd);
	if (rc < 0)
		return -1;
	if (rc > 0) {
		report_add(r, e->name, errno_reason(rc));
		return 0;
	}
	report_add(r, e->name, strcmp(hex, e->hex) ? "its sha256 differs from " SUMS_FILE : NULL);
	return 0;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* every other file of DIR must be listed; -1 after a message */
static int check_unlisted(int dirfd, const char *dir, const struct sums *s, struct report *r)
{
	char **names = NULL;
	size_t n = 0, i;
	struct dirent *de;
	DIR *d;
	int fd = dup(dirfd);

	d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return error("cannot list '%s': %s", dir, strerror(errno));
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || !strcmp(de->d_name, SUMS_FILE) || !strcmp(de->d_name, SUMS_MINISIG_FILE) ||
		    !strcmp(de->d_name, SUMS_SIG_FILE) || sums_find(s, de->d_name))
			continue;
		names = xrealloc(names, (n + 1) * sizeof(*names));
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), compare_names);
	for (i = 0; i < n; i++) {
		report_add(r, names[i], "not listed in " SUMS_FILE);
		free(names[i]);
	}
	free(names);
	return 0;
}

/*
 * the signature files into r and status: a missing one fails only when it
 * is required or the other one is missing too; -1 after a message
 */
static int check_signatures(int dirfd, const struct sign_pubkey *pk, const char *sums, size_t sums_len,
			    const int require[SIG_FORMATS], struct report *r, enum sig_status status[SIG_FORMATS],
			    char **trusted_comment)
{
	char *text[SIG_FORMATS];
	size_t len[SIG_FORMATS] = { 0, 0 };
	const char *why[SIG_FORMATS] = { NULL, NULL };
	struct sign_check c;
	int rc, i, ok[SIG_FORMATS], missing[SIG_FORMATS];

	for (i = 0; i < SIG_FORMATS; i++)
		text[i] = read_small(dirfd, sig_file[i], &len[i], &why[i]);
	rc = sign_check_sums(pk, sums, sums_len, text[SIG_MINISIGN], len[SIG_MINISIGN], text[SIG_SIGNIFY],
			     len[SIG_SIGNIFY], &c);
	free(text[SIG_MINISIGN]);
	free(text[SIG_SIGNIFY]);
	if (rc < 0)
		return -1;
	ok[SIG_MINISIGN] = c.minisig_ok;
	ok[SIG_SIGNIFY] = c.sig_ok;
	/* a file that could not be read says why; sign_check_sums says why a text is bad */
	if (!why[SIG_MINISIGN] && !c.minisig_ok)
		why[SIG_MINISIGN] = c.minisig_why;
	if (!why[SIG_SIGNIFY] && !c.sig_ok)
		why[SIG_SIGNIFY] = c.sig_why;
	for (i = 0; i < SIG_FORMATS; i++)
		missing[i] = why[i] == reason_missing;
	for (i = 0; i < SIG_FORMATS; i++) {
		status[i] = ok[i] ? SIG_OK : missing[i] ? SIG_MISSING : SIG_FAILED;
		if (missing[i] && !require[i] && !missing[1 - i])
			continue;
		report_add(r, sig_file[i], ok[i] ? NULL : why[i]);
	}
	*trusted_comment = c.trusted_comment;
	c.trusted_comment = NULL;
	sign_check_release(&c);
	return 0;
}

/*
 * the release manifest.json names (project, version, commit, ref,
 * snapshot), read from bytes whose SHA-256 is the one SHA256SUMS lists, so
 * that what is shown is what was verified; NULL when there is no such
 * manifest (no message: the report says why)
 */
static json_t *release_of(int dirfd, const struct sums *s)
{
	static const char *const keys[] = { "project", "version", "commit", "ref", "snapshot" };
	const struct sums_entry *e = sums_find(s, MANIFEST_FILE);
	char hex[SHA256_HEX_LEN + 1], why_parse[200];
	const char *why = NULL;
	json_t *doc = NULL, *out = NULL, *v;
	struct sha256 h;
	size_t len = 0, i;
	char *text = e ? read_small(dirfd, MANIFEST_FILE, &len, &why) : NULL;

	if (!text)
		return NULL;
	if (sha256_init(&h) < 0)
		goto cleanup;
	if (sha256_update(&h, text, len) < 0 || sha256_final(&h, hex) < 0) {
		sha256_abort(&h);
		goto cleanup;
	}
	if (strcmp(hex, e->hex) || !(doc = json_parse(text, len, why_parse, sizeof(why_parse))))
		goto cleanup;
	out = json_object();
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		v = json_object_get(doc, keys[i]);
		jset(out, keys[i], json_is_string(v) || json_is_boolean(v) ? json_incref(v) : NULL);
	}
cleanup:
	json_decref(doc);
	free(text);
	return out;
}

/* all checks of DIR into r; -1 after a message when one could not run */
static int verify_dir(int dirfd, const char *dir, const struct sign_pubkey *pk, const int require[SIG_FORMATS],
		      struct report *r, enum sig_status status[SIG_FORMATS], char **trusted_comment, json_t **release)
{
	const char *why = NULL;
	char reason[256], *sums;
	struct sums s = { NULL, 0 };
	size_t len = 0, i;
	int ret = -1;

	sums = read_small(dirfd, SUMS_FILE, &len, &why);
	if (!sums) {
		report_add(r, SUMS_FILE, why);
		return 0;
	}
	if (check_signatures(dirfd, pk, sums, len, require, r, status, trusted_comment) < 0)
		goto cleanup;
	if (sums_parse(sums, len, &s, reason, sizeof(reason)) < 0) {
		report_add(r, SUMS_FILE, reason);
		ret = 0;
		goto cleanup;
	}
	for (i = 0; i < s.n; i++)
		if (check_artifact(dirfd, &s.v[i], r) < 0)
			goto cleanup;
	ret = check_unlisted(dirfd, dir, &s, r);
	if (ret == 0 && !r->failed)
		*release = release_of(dirfd, &s);
cleanup:
	sums_release(&s);
	free(sums);
	return ret;
}

/* "signatures checked: minisign, signify", or "none" when both are missing */
static void print_checked(const enum sig_status status[SIG_FORMATS])
{
	const char *sep = "";
	int i;

	printf("signatures checked: ");
	for (i = 0; i < SIG_FORMATS; i++) {
		if (status[i] != SIG_MISSING) {
			printf("%s%s", sep, sig_format[i]);
			sep = ", ";
		}
	}
	for (i = 0; i < SIG_FORMATS; i++)
		if (status[i] == SIG_MISSING && status[1 - i] != SIG_MISSING)
			printf(" (no %s)", sig_file[i]);
	printf("%s\n", *sep ? "" : "none");
}

static void print_text(const struct report *r, const enum sig_status status[SIG_FORMATS], const char *key_id,
		       const char *trusted_comment)
{
	char *name, *why;
	size_t i;

	/* names, reasons and the comment come from DIR: escaped for the terminal */
	for (i = 0; i < r->n; i++) {
		name = term_escape(r->v[i].name);
		why = r->v[i].why ? term_escape(r->v[i].why) : NULL;
		if (why)
			printf("FAILED %s: %s\n", name, why);
		else
			printf("ok %s\n", name);
		free(name);
		free(why);
	}
	if (trusted_comment) {
		why = term_escape(trusted_comment);
		printf("trusted comment: %s\n", why);
		free(why);
	}
	print_checked(status);
	if (!r->failed)
		printf("all %zu checks passed (key %s)\n", r->n, key_id);
}

/* one file's entry: every one is there, a name that is not UTF-8 included */
static json_t *file_json(const struct result *res)
{
	json_t *o = json_object();

	jset(o, "name", jstr(res->name));
	if (!utf8_valid(res->name, strlen(res->name))) {
		char *escaped = term_escape(res->name);

		jset(o, "name_escaped", jstr(escaped));
		free(escaped);
	}
	jset(o, "ok", json_boolean(!res->why));
	jset(o, "reason", jstr(res->why));
	return o;
}

static int print_json(const struct report *r, const enum sig_status status[SIG_FORMATS], const char *dir,
		      const char *key_id, const char *trusted_comment, json_t *release)
{
	json_t *root = json_object(), *files = json_array(), *sigs = json_object();
	size_t i;
	int rc;

	for (i = 0; i < r->n; i++)
		jpush(files, file_json(&r->v[i]));
	jset(sigs, sig_format[SIG_MINISIGN], jstr(sig_status_name[status[SIG_MINISIGN]]));
	jset(sigs, sig_format[SIG_SIGNIFY], jstr(sig_status_name[status[SIG_SIGNIFY]]));
	jset(root, "dir", jstr(dir));
	jset(root, "ok", json_boolean(!r->failed));
	jset(root, "key_id", jstr(key_id));
	jset(root, "trusted_comment", jstr(trusted_comment));
	jset(root, "signatures", sigs);
	jset(root, "checked", json_integer((json_int_t)r->n));
	jset(root, "failed", json_integer((json_int_t)r->failed));
	jset(root, "files", files);
	jset(root, "release", json_incref(release));
	jset(root, "releaser_version", jstr(releaser_version()));
	rc = json_print(root);
	json_decref(root);
	return rc;
}

/* --require LIST into require; -1 after a message */
static int parse_require(const char *list, int require[SIG_FORMATS])
{
	char *copy = xstrdup(list), *name, *save = NULL;
	int i, ret = -1;

	if (!*list) {
		error("--require needs a list: minisign, signify or minisign,signify");
		goto cleanup;
	}
	for (name = strtok_r(copy, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < SIG_FORMATS && strcmp(name, sig_format[i]); i++)
			;
		if (i == SIG_FORMATS) {
			error("unknown signature format '%s' in --require (use minisign, signify or minisign,signify)",
			      name);
			goto cleanup;
		}
		require[i] = 1;
	}
	ret = 0;
cleanup:
	free(copy);
	return ret;
}

int cmd_verify(int argc, char **argv, struct context *ctx)
{
	static const struct option options[] = {
		{ "pubkey", required_argument, NULL, 'p' },
		{ "require", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *pubkey = NULL, *dir;
	char key_id[SIGN_KEY_ID_LEN + 1], *trusted_comment = NULL;
	json_t *release = NULL;
	struct report r = { NULL, 0, 0 };
	enum sig_status status[SIG_FORMATS] = { SIG_MISSING, SIG_MISSING };
	struct sign_pubkey pk;
	int require[SIG_FORMATS] = { 0, 0 };
	int json = 0, c, dirfd = -1, ret = EXIT_USAGE;

	(void)ctx;
	while ((c = getopt_long(argc, argv, "+:", options, NULL)) != -1) {
		switch (c) {
		case 'p':
			pubkey = optarg;
			break;
		case 'r':
			if (parse_require(optarg, require) < 0)
				return EXIT_USAGE;
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			fputs(verify_usage, stdout);
			return EXIT_OK;
		default:
			return cmd_bad_option(c, argv);
		}
	}
	if (optind != argc - 1) {
		error(optind == argc ? "which directory? (releaser verify [--pubkey FILE] [--require LIST] DIR)"
				     : "one directory only (releaser verify [--pubkey FILE] [--require LIST] DIR)");
		return EXIT_USAGE;
	}
	dir = argv[optind];
	if (!pubkey && !getenv("RELEASER_PUBKEY")) {
		error("no public key: pass --pubkey FILE or set RELEASER_PUBKEY");
		return EXIT_USAGE;
	}
	if (sign_pubkey_load(pubkey, &pk) < 0)
		return EXIT_USAGE;
	sign_key_id(&pk, key_id);
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		error("cannot open directory '%s': %s", dir, strerror(errno));
		return EXIT_USAGE;
	}
	ret = EXIT_FAIL;
	if (verify_dir(dirfd, dir, &pk, require, &r, status, &trusted_comment, &release) < 0)
		goto cleanup;
	if (json) {
		if (print_json(&r, status, dir, key_id, trusted_comment, release) < 0)
			goto cleanup;
	} else {
		print_text(&r, status, key_id, trusted_comment);
	}
	if (r.failed) {
		error("verification of '%s' failed: %zu of %zu checks; do not use these files", dir, r.failed, r.n);
		goto cleanup;
	}
	ret = EXIT_OK;
cleanup:
	if (fflush(stdout) != 0 && ret == EXIT_OK)
		ret = EXIT_FAIL;
	close(dirfd);
	free(trusted_comment);
	json_decref(release);
	report_release(&r);
	return ret;
}
