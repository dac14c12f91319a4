/*
 * Release notes from commit text (git/notes.h notes_commit_text, then
 * release/notes.h): the input is "ENCODING\nAUTHOR\nMESSAGE", any bytes
 * (an empty ENCODING is UTF-8), given to two commits, the second with its
 * message split again at a NUL-free half. CHANGELOG.md, the JSON form, the
 * escaper alone and a release body cut short must all be valid UTF-8 with
 * no control character but newlines, no raw '<', and one line per entry.
 */
#include "fuzz.h"

#include <jansson.h>

#include "git/notes.h"
#include "lib/common.h"
#include "lib/json.h"
#include "lib/text.h"
#include "release/notes.h"

/* no byte below 0x20 but newlines, no DEL, no C1, no '<', well-formed UTF-8 */
static void expect_clean(const char *s, int newlines)
{
	const unsigned char *p;

	fuzz_expect(utf8_valid(s, strlen(s)));
	for (p = (const unsigned char *)s; *p; p++) {
		fuzz_expect(*p >= 0x20 || (newlines && *p == '\n'));
		fuzz_expect(*p != 0x7f && *p != '<');
		fuzz_expect(!(p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f));
	}
}

/* every line of md is one the notes write; entry lines end with a commit's hash */
static void expect_lines(const char *md, const struct release_notes *rn)
{
	const char *line = md, *nl;
	size_t entries = 0, len, i;
	int ok;

	for (; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		fuzz_expect(nl);
		len = (size_t)(nl - line);
		if (len >= 2 && !strncmp(line, "- ", 2)) {
			entries++;
			for (i = 0, ok = 0; i < rn->range.n; i++)
				ok |= len > SHORT_SHA_LEN + 3 &&
				      !strncmp(nl - SHORT_SHA_LEN - 3, " (", 2) &&
				      !strncmp(nl - SHORT_SHA_LEN - 1, rn->range.commits[i].short_id, SHORT_SHA_LEN);
			fuzz_expect(ok);
		} else {
			fuzz_expect(len == 0 || !strncmp(line, "# ", 2) || !strncmp(line, "## ", 3) ||
				    !strncmp(line, "  - ", 4) || !strncmp(line, "Changes since ", 14) ||
				    !strncmp(line, "No changes.", 11) || line[0] == '*');
		}
	}
	fuzz_expect(entries == rn->range.n);
}

static void add_commit(struct release_notes *rn, char c, const char *msg, size_t len, const char *author,
		       const char *encoding)
{
	struct notes_commit *nc = &rn->range.commits[rn->range.n++];

	memset(nc, 0, sizeof(*nc));
	memset(nc->id, c, OID_HEX_LEN);
	memset(nc->short_id, c, SHORT_SHA_LEN);
	notes_commit_text(nc, msg, len, author, encoding);
	fuzz_expect(utf8_valid(nc->subject, strlen(nc->subject)) && !strchr(nc->subject, '\n'));
	fuzz_expect(utf8_valid(nc->body, strlen(nc->body)));
	fuzz_expect(!nc->author || utf8_valid(nc->author, strlen(nc->author)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size, *nl;
	char *encoding = NULL, *author = NULL, *md, *body, *one, *json;
	struct release_notes rn;
	json_t *doc;

	nl = memchr(p, '\n', (size_t)(end - p));
	if (nl) {
		encoding = nl > p ? fuzz_strndup((const uint8_t *)p, (size_t)(nl - p)) : NULL;
		p = nl + 1;
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl) {
			author = fuzz_strndup((const uint8_t *)p, (size_t)(nl - p));
			p = nl + 1;
		}
	}
	memset(&rn, 0, sizeof(rn));
	rn.version = xstrdup("v1.0.0");
	rn.tag = xstrdup("v1.0.0");
	rn.range.previous = xstrdup("v0.9.0");
	rn.range.time = 1704164645;
	rn.range.commits = xcalloc(2, sizeof(*rn.range.commits));
	add_commit(&rn, 'a', p, (size_t)(end - p), author && !memchr(author, 0, 1) ? author : NULL, encoding);
	add_commit(&rn, 'b', p + (end - p) / 2, (size_t)(end - p) - (size_t)(end - p) / 2, NULL, NULL);

	md = release_notes_markdown(&rn);
	expect_clean(md, 1);
	expect_lines(md, &rn);
	body = release_notes_body(md, strlen(md), NOTES_BODY_FOOTER_ROOM + 40);
	expect_clean(body, 1);
	one = notes_md_text(rn.range.commits[0].body, NOTES_MD_MAX_CHARS);
	expect_clean(one, 0);
	doc = release_notes_json(&rn);
	json = json_dumps(doc, JSON_COMPACT);
	fuzz_expect(json && utf8_valid(json, strlen(json)));

	free(json);
	json_decref(doc);
	free(one);
	free(body);
	free(md);
	release_notes_release(&rn);
	free(author);
	free(encoding);
	return 0;
}
