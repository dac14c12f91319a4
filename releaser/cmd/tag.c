/*
 * releaser tag: on the debug branch, tag the debug release of one of main's
 * release tags (v1.0.1 -> v1.0.1-debug); with --go, tag the Go module of
 * that release (v1.0.1 -> support/go/v1.0.1).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "lib/common.h"
#include "lib/json.h"
#include "lib/version.h"
#include "git/gotag.h"
#include "git/tag.h"
#include "sign/sign.h"
#include "sign/tagsign.h"

static const char usage_text[] =
	"usage: releaser tag [--late] [--sign-key FILE] VERSION\n"
	"       releaser tag --go [--sign-key FILE] VERSION\n"
	"       releaser tag --allowed-signers PUBKEY\n"
	"\n"
	"On the debug branch, after releaser mirror: creates the annotated tag\n"
	"VERSION-debug for main's release tag VERSION (e.g. v1.0.1 -> v1.0.1-debug) on\n"
	"the commit of the debug branch that brought VERSION in. When the debug branch\n"
	"is exactly main's tagged commit, a marker commit that changes no file is\n"
	"added on it first, so the two tags never name the same commit. The tag\n"
	"message records main's tag and commit. Running it again is a no-op.\n"
	"\n"
	"When the debug branch moved past VERSION without a commit of its own (it was\n"
	"fast-forwarded beyond the tagged commit), it is refused; --late then puts the\n"
	"marker commit on VERSION's commit and brings it into the debug branch with a\n"
	"merge commit that changes no file: debug only moves forward, no force-push.\n"
	"\n"
	"With --go, from any branch: creates the annotated tag support/go/VERSION on\n"
	"the commit main's release tag VERSION names, the version under which the go\n"
	"command finds the Go module in support/go. Running it again is a no-op.\n"
	"\n"
	"  --go             tag the Go module of release VERSION (support/go/VERSION)\n"
	"  --late           the debug branch moved past VERSION: tag a marker on VERSION's\n"
	"                   commit and merge it into the debug branch (see above)\n"
	"  --sign-key FILE  sign the tag with the release key (minisign format): an SSH\n"
	"                   signature that git verify-tag checks with gpg.format=ssh\n"
	"  --allowed-signers PUBKEY\n"
	"                   print the allowed-signers line of the release public key,\n"
	"                   for gpg.ssh.allowedSignersFile; change nothing\n"
	"  --json           print what was done as one JSON object instead of the\n"
	"                   \"name: value\" lines: tag, commit, result (created or\n"
	"                   exists), signed (made now with --sign-key); with --go\n"
	"                   release_tag; else main_tag, main_commit, marker (a\n"
	"                   marker commit was made), merge (null unless --late)\n"
	"  --help           this text\n"
	"\n"
	"The tagger: $RELEASER_COMMITTER_NAME and $RELEASER_COMMITTER_EMAIL, else the\n"
	"author ($RELEASER_AUTHOR_NAME, $RELEASER_AUTHOR_EMAIL, else user.name and\n"
	"user.email).\n"
	"\n"
	"exit codes: 0 tagged (or already tagged there), 1 the tag or branch changed\n"
	"meanwhile, or writing failed, 2 bad usage, not on the debug branch, local\n"
	"changes, main's tag missing or not in the debug branch (--go: not on main),\n"
	"the debug branch moved past it (without --late),\n"
	"the debug tag (--go: the Go module's tag) exists elsewhere, or the key\n"
	"cannot be used (missing, readable by others, wrong password)\n";

static const struct option longopts[] = {
	{ "sign-key", required_argument, NULL, 'k' },
	{ "allowed-signers", required_argument, NULL, 'a' },
	{ "go", no_argument, NULL, 'g' },
	{ "late", no_argument, NULL, 'l' },
	{ "json", no_argument, NULL, 'j' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct tag_opts {
	const char *version;  /* main's tag */
	const char *key;      /* --sign-key */
	const char *pubkey;   /* --allowed-signers */
	int go;               /* --go */
	int late;             /* --late */
	int json;             /* --json */
};

/* parse fills *o; returns -1 to go on, or the exit code to return now */
static int parse(int argc, char **argv, struct tag_opts *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		switch (c) {
		case 'k': o->key = optarg; break;
		case 'a': o->pubkey = optarg; break;
		case 'g': o->go = 1; break;
		case 'l': o->late = 1; break;
		case 'j': o->json = 1; break;
		case 'h': fputs(usage_text, stdout); return EXIT_OK;
		default: return cmd_bad_option(c, argv);
		}
	}
	if (o->pubkey) {
		if (o->go)
			return error("--allowed-signers and --go exclude each other: give one"), EXIT_USAGE;
		if (argc - optind != 0)
			return error("--allowed-signers takes no version"), EXIT_USAGE;
		if (o->json)
			return error("--allowed-signers prints a line for a file, not JSON: leave out --json"),
			       EXIT_USAGE;
		return -1;
	}
	if (o->late && o->go)
		return error("--late is for debug tags, --go for the Go module's: give one"), EXIT_USAGE;
	if (argc - optind != 1)
		return error("give one version, main's tag (releaser tag v1.0.1)"), EXIT_USAGE;
	o->version = argv[optind];
	return -1;
}

/* version must be one of main's release tags; returns 0 or -1 after a message */
static int check_version(const char *version)
{
	struct version v, base;
	char buf[96];

	if (version_parse(version, &v) < 0)
		return error("'%s' is not a release version: give main's tag, like v1.0.1", version);
	version_base(&v, &base);
	if (v.debug)
		return error("'%s' is a debug tag: give main's tag (%s)", version,
			     version_format(&base, buf, sizeof(buf)));
	return 0;
}

/* the release key, loaded only when a tag is to be signed */
struct key_signer {
	const char *path;
	struct sign_key *key;
};

static int key_prepare(void *ctx)
{
	struct key_signer *ks = ctx;

	ks->key = sign_key_load(ks->path);
	return ks->key ? 0 : -1;
}

static int key_sign(void *ctx, const void *payload, size_t len, char **armored)
{
	struct key_signer *ks = ctx;

	return tag_sign(ks->key, payload, len, armored);
}

static int print_allowed_signer(const char *pubkey, const char *project)
{
	char *line = tag_allowed_signer(pubkey, project);

	if (!line)
		return EXIT_USAGE;
	fputs(line, stdout);
	free(line);
	return EXIT_OK;
}

/* prints doc (taken) with result and signed added: an exit code */
static int print_json(json_t *doc, int created, int signed_)
{
	int ret;

	jset(doc, "result", jstr(created ? "created" : "exists"));
	jset(doc, "signed", json_boolean(signed_));
	ret = json_print(doc) < 0 ? EXIT_FAIL : EXIT_OK;
	json_decref(doc);
	return ret;
}

/* releaser tag --go: the Go module's tag of release o->version */
static int run_go(struct context *ctx, const struct tag_opts *o, const struct tag_signer *signer)
{
	struct go_tag_opts go = { o->version, ctx->settings.main_branch, signer };
	struct go_tag_result r;
	int ret = go_tag_run(ctx->repo, &go, &r);

	if (ret == EXIT_OK) {
		if (!r.created)
			note("tag '%s' already names %.12s: nothing to do", r.go_tag, r.commit);
		if (o->json) {
			json_t *doc = json_object();

			jset(doc, "tag", jstr(r.go_tag));
			jset(doc, "commit", jstr(r.commit));
			jset(doc, "release_tag", jstr(o->version));
			ret = print_json(doc, r.created, r.created && signer != NULL);
		} else {
			printf("tag: %s\ncommit: %s\nrelease-tag: %s\nresult: %s\n", r.go_tag, r.commit, o->version,
			       r.created ? "created" : "exists");
		}
	}
	go_tag_result_release(&r);
	return ret;
}

/* releaser tag [--go] [--sign-key FILE] VERSION: see usage_text */
int cmd_tag(int argc, char **argv, struct context *ctx)
{
	struct key_signer ks = { NULL, NULL };
	struct tag_signer signer = { key_prepare, key_sign, &ks };
	struct debug_tag_opts to;
	struct debug_tag_result r;
	struct tag_opts o;
	int ret;

	if ((ret = parse(argc, argv, &o)) >= 0)
		return ret;
	if (o.pubkey)
		return print_allowed_signer(o.pubkey, ctx->settings.name);
	if (check_version(o.version) < 0)
		return EXIT_USAGE;
	ks.path = o.key;
	if (o.go) {
		ret = run_go(ctx, &o, o.key ? &signer : NULL);
		sign_key_free(ks.key);
		return ret;
	}
	to.main_tag = o.version;
	to.main_branch = ctx->settings.main_branch;
	to.debug_branch = ctx->settings.debug_branch;
	to.signer = o.key ? &signer : NULL;
	to.late = o.late;
	ret = debug_tag_run(ctx->repo, &to, &r);
	if (ret == EXIT_OK && o.json) {
		json_t *doc = json_object();

		if (!r.created)
			note("tag '%s' already names %.12s: nothing to do", r.debug_tag, r.commit);
		jset(doc, "tag", jstr(r.debug_tag));
		jset(doc, "commit", jstr(r.commit));
		jset(doc, "main_tag", jstr(o.version));
		jset(doc, "main_commit", jstr(r.main_commit));
		jset(doc, "marker", json_boolean(r.marker));
		jset(doc, "merge", jstr(r.merge[0] ? r.merge : NULL));
		ret = print_json(doc, r.created, r.created && o.key != NULL);
	} else if (ret == EXIT_OK) {
		if (!r.created)
			note("tag '%s' already names %.12s: nothing to do", r.debug_tag, r.commit);
		printf("tag: %s\ncommit: %s\nmain-tag: %s\nmain-commit: %s\nmarker: %s\nresult: %s\n", r.debug_tag,
		       r.commit, o.version, r.main_commit, r.marker ? "yes" : "no", r.created ? "created" : "exists");
		if (r.merge[0])
			printf("merge: %s\n", r.merge);
	}
	debug_tag_result_release(&r);
	sign_key_free(ks.key);
	return ret;
}
