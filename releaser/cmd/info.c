/*
 * releaser info: what a release of the current state would be, without
 * building anything. Preflight refusals are reported, not fatal.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "lib/common.h"
#include "lib/json.h"
#include "lib/self.h"
#include "lib/text.h"
#include "lib/version.h"
#include "cmd/options.h"
#include "release/state.h"


enum { OPT_MAKE_VARS = OPT_FIRST_FREE };

static const char usage_text[] =
	"usage: releaser info [--json | --make-vars] [--branch NAME] [--tag TAG] [--snapshot] [--arch LIST]\n"
	"\n"
	"Shows every decision a release would take, and why: the tag released\n"
	"(--tag, $GITHUB_REF_NAME on a tag push, else the tag at HEAD), its\n"
	"branch (branch.main, or branch.debug for vX.Y.Z-debug) and the ref that\n"
	"contains it, the channel (debug exactly on branch.debug), the version,\n"
	"the build plan and the make variables that carry it out, uncommitted\n"
	"changes, the Go module's tag (support/go/TAG, for a release-channel tag:\n"
	"whether it exists and names the release's commit), then what preflight\n"
	"would refuse. CI reads --json.\n"
	"\n"
	"--make-vars prints what a build by hand carries out, as make assignments\n"
	"(the Makefile includes them): EBPF_FLAGS and AGENT_FEATURES of the plan,\n"
	"VERSION (a snapshot's when a tag at HEAD is no release), COMMIT and\n"
	"PC_VERSION, analyzer.pc's version.\n"
	"\n"
	"options:\n"
	"  --json          print one JSON object instead (for CI)\n"
	"  --make-vars     print the make variables above instead (for the Makefile)\n" STATE_USAGE
	"  --help          this text\n"
	"\n"
	"exit codes: 0 shown (even when a release would be refused), 1 the\n"
	"repository could not be read, 2 bad usage or not a repository\n";

static const char *arch_contents(const struct arch_plan *a)
{
	return a->agent ? "agent, libanalyzer, analyzer objects, SDK headers" : "analyzer objects, SDK headers";
}

static json_t *plan_json(const struct build_plan *p)
{
	json_t *plan = json_object(), *arches = json_array(), *flavors = json_array();
	size_t i;

	jset(plan, "mode", jstr(plan_mode(p)));
	jpush(flavors, jstr(p->fake_release ? "debug" : "release"));
	if (!p->fake_release)
		jpush(flavors, jstr("debug"));
	jset(plan, "flavors", flavors);
	jset(plan, "release_slot", jstr(p->fake_release ? "debug" : "release"));
	for (i = 0; i < p->n; i++) {
		json_t *a = json_object();

		jset(a, "arch", jstr(p->arches[i].arch));
		jset(a, "agent", json_boolean(p->arches[i].agent));
		jset(a, "contents", jstr(arch_contents(&p->arches[i])));
		jset(a, "note", jstr(p->arches[i].agent ? NULL : p->arches[i].note));
		jpush(arches, a);
	}
	jset(plan, "arches", arches);
	return plan;
}

static json_t *list_json(const struct strlist *l, size_t skip)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < l->n; i++)
		jpush(a, jstr(l->items[i] + skip));
	return a;
}

static json_t *make_json(const struct release_state *st)
{
	json_t *make = json_object();

	jset(make, "EBPF_FLAGS", jstr(plan_ebpf_flags(&st->plan)));
	jset(make, "AGENT_FEATURES", jstr(plan_agent_features(&st->plan)));
	return make;
}

/* the Go module's tag: {name, commit, status: ok, missing or elsewhere}, or null */
static json_t *go_tag_json(const struct release_state *st)
{
	json_t *o;

	if (!st->go_tag)
		return json_null();
	o = json_object();
	jset(o, "name", jstr(st->go_tag));
	jset(o, "commit", jstr(st->go_tag_commit[0] ? st->go_tag_commit : NULL));
	jset(o, "status", jstr(!st->go_tag_commit[0] ? "missing" : st->go_tag_ok ? "ok" : "elsewhere"));
	return o;
}

static int print_json(const struct release_state *st)
{
	json_t *doc = json_object(), *dirty = json_array();
	size_t i;
	int ret;

	jset(doc, "tag", jstr(st->tag));
	jset(doc, "tag_from", jstr(st->tag_from));
	jset(doc, "branch", jstr(st->branch));
	jset(doc, "branch_from", jstr(st->branch_from));
	jset(doc, "branch_ref", jstr(st->branch_ref[0] ? st->branch_ref : NULL));
	jset(doc, "main_branch", jstr(st->main_branch));
	jset(doc, "debug_branch", jstr(st->debug_branch));
	jset(doc, "remote", jstr(st->remote));
	jset(doc, "head_branch", jstr(st->head.branch));
	jset(doc, "detached", json_boolean(st->head.branch == NULL));
	jset(doc, "commit", jstr(st->head.sha));
	jset(doc, "commit_time", json_integer(st->head.commit_time));
	jset(doc, "head_tags", list_json(&st->head_tags, 0));
	jset(doc, "describe", jstr(st->desc.text));
	jset(doc, "dirty", json_boolean(st->dirty.n > 0));
	for (i = 0; i < st->dirty.n; i++) {
		json_t *f = json_object();
		char status[3] = { st->dirty.items[i][0], st->dirty.items[i][1], '\0' };

		jset(f, "status", jstr(status));
		jset(f, "path", jstr(st->dirty.items[i] + 3));
		jpush(dirty, f);
	}
	jset(doc, "dirty_files", dirty);
	jset(doc, "shallow", json_boolean(st->shallow));
	jset(doc, "version", jstr(st->version[0] ? st->version : NULL));
	jset(doc, "snapshot", json_boolean(st->snapshot));
	jset(doc, "prerelease", json_boolean(st->prerelease));
	jset(doc, "channel", jstr(channel_name(st->channel)));
	jset(doc, "ref", jstr(st->ref[0] ? st->ref : NULL));
	jset(doc, "source_date_epoch", json_integer(st->epoch));
	jset(doc, "go_tag", go_tag_json(st));
	jset(doc, "plan", plan_json(&st->plan));
	jset(doc, "make", make_json(st));
	jset(doc, "ready", json_boolean(st->problems.n == 0));
	jset(doc, "problems", list_json(&st->problems, 0));
	jset(doc, "releaser_version", jstr(releaser_version()));
	ret = json_print(doc);
	json_decref(doc);
	return ret;
}

/* "LABEL TEXT" on one line, TEXT (a name from git or the environment) escaped */
static void print_escaped(const char *label, const char *text, const char *suffix)
{
	char *shown = term_escape(text);

	printf("%s%s%s\n", label, shown, suffix);
	free(shown);
}

static void print_text(const struct release_state *st)
{
	const struct build_plan *p = &st->plan;
	size_t i;

	if (!st->branch)
		printf("branch:    (detached HEAD, no --branch)\n");
	else if (!strcmp(st->branch_from, "HEAD"))
		printf("branch:    %s\n", st->branch);
	else if (!strcmp(st->branch_from, "tag"))
		printf("branch:    %s (the tag's%s%s)\n", st->branch, st->branch_ref[0] ? ", on " : "",
		       st->branch_ref);
	else
		printf("branch:    %s (from %s)\n", st->branch, st->branch_from);
	printf("commit:    %s\n", st->head.sha);
	if (st->tag) {
		char *from = xasprintf(" (from %s)", st->tag_from);

		print_escaped("tag:       ", st->tag, from);
		free(from);
	} else {
		printf("tag:       none\n");
	}
	for (i = 0; i < st->head_tags.n; i++)
		if (!st->tag || strcmp(st->head_tags.items[i], st->tag))
			print_escaped("at HEAD:   ", st->head_tags.items[i], "");
	print_escaped("describe:  ", st->desc.text, "");
	if (st->dirty.n == 0)
		printf("dirty:     no\n");
	else
		printf("dirty:     yes, %zu file%s\n", st->dirty.n, st->dirty.n == 1 ? "" : "s");
	for (i = 0; i < st->dirty.n; i++)
		print_escaped("           ", st->dirty.items[i], "");
	printf("version:   %s%s\n", st->version[0] ? st->version : "none",
	       st->snapshot ? " (snapshot)" : st->prerelease ? " (pre-release)" : "");
	printf("channel:   %s\n", channel_name(st->channel));
	if (st->go_tag && !st->go_tag_commit[0])
		printf("go tag:    %s missing (releaser tag --go %s)\n", st->go_tag, st->tag);
	else if (st->go_tag)
		printf("go tag:    %s at %.12s (%s)\n", st->go_tag, st->go_tag_commit,
		       st->go_tag_ok ? "the release's commit" : "not the release's commit");
	printf("plan:      %s (%s)\n", plan_mode(p),
	       p->fake_release ? "the debug analyzer ships under the release name" :
				 "release and debug analyzers, built in parallel");
	for (i = 0; i < p->n; i++)
		printf("  %-8s %s%s%s%s\n", p->arches[i].arch, arch_contents(&p->arches[i]),
		       p->arches[i].agent ? "" : " (no agent: ", p->arches[i].agent ? "" : p->arches[i].note,
		       p->arches[i].agent ? "" : ")");
	if (st->problems.n == 0)
		printf("preflight: ok\n");
	for (i = 0; i < st->problems.n; i++)
		print_escaped("preflight: ", st->problems.items[i], "");
}

/* a value make takes as it is in "NAME := VALUE": no space, '$', '#' or '\\' */
static int make_value_ok(const char *v)
{
	return strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._~+-") == strlen(v);
}

/* the make variables that carry the state out (releaser info --make-vars) */
static int print_make_vars(const struct release_state *st)
{
	const char *names[] = { "EBPF_FLAGS", "AGENT_FEATURES", "VERSION", "COMMIT", "PC_VERSION" };
	char pc[sizeof(st->version) + 8];
	const char *values[5];
	struct version v;
	size_t i;

	if (version_parse(st->version, &v) != 0)
		return error("version '%s' is not a version: cannot name analyzer.pc's", st->version);
	values[0] = plan_ebpf_flags(&st->plan);
	values[1] = plan_agent_features(&st->plan);
	values[2] = st->version;
	values[3] = st->head.sha;
	values[4] = version_pkgconfig(&v, pc, sizeof(pc));
	printf("# releaser info --make-vars: the %s channel\n", channel_name(st->channel));
	for (i = 0; i < 5; i++) {
		if (!make_value_ok(values[i]))
			return error("%s '%s' cannot be a make value", names[i], values[i]);
		printf("%s := %s\n", names[i], values[i]);
	}
	return fflush(stdout) == 0 ? 0 : error("cannot write the make variables");
}

int cmd_info(int argc, char **argv, struct context *ctx)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "make-vars", no_argument, NULL, OPT_MAKE_VARS },
		{ "help", no_argument, NULL, OPT_HELP },
		STATE_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct state_opts so = { 0 };
	struct strlist arches = { 0 };
	struct release_state st;
	int json = 0, make_vars = 0, c, rc, ret = EXIT_USAGE;

	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		if (c == '?' || c == ':') {
			ret = cmd_bad_option(c, argv);
			goto cleanup;
		}
		if (c == OPT_HELP) {
			fputs(usage_text, stdout);
			ret = EXIT_OK;
			goto cleanup;
		}
		if (c == OPT_JSON || c == OPT_MAKE_VARS) {
			json |= c == OPT_JSON;
			make_vars |= c == OPT_MAKE_VARS;
			continue;
		}
		rc = state_option(c, optarg, &so, &arches);
		if (rc <= 0)
			goto cleanup;
	}
	if (cmd_no_operands(argc, argv) != EXIT_OK)
		goto cleanup;
	if (json && make_vars) {
		error("--json and --make-vars print different things: give one of them");
		goto cleanup;
	}
	rc = release_state_load(ctx->repo, &ctx->settings, &so, &st);
	if (rc == 0 && make_vars && !st.version[0]) {
		/* a tag at HEAD that is no release: a build by hand is the snapshot's */
		release_state_release(&st);
		so.snapshot = 1;
		rc = release_state_load(ctx->repo, &ctx->settings, &so, &st);
	}
	if (rc != 0) {
		ret = rc > 0 ? EXIT_USAGE : EXIT_FAIL;
		goto cleanup;
	}
	ret = EXIT_OK;
	if (make_vars) {
		if (print_make_vars(&st) < 0)
			ret = EXIT_FAIL;
	} else if (!json)
		print_text(&st);
	else if (print_json(&st) < 0)
		ret = EXIT_FAIL;
	release_state_release(&st);
cleanup:
	strlist_clear(&arches);
	return ret;
}
