/* Tag index and describe (see describe.h). */
#include "git/describe.h"

#include "git/graph.h"
#include "git/internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "git/packed.h"
#include "lib/common.h"
#include "lib/strlist.h"
#include "lib/version.h"

#define TAGS_PREFIX "refs/tags/"
/* the largest packed-refs read by hand (larger ones are libgit2's) */
#define PACKED_REFS_MAX (256 * 1024 * 1024)

/* a commit and its tags' names: one in first, more in names (all of them, sorted) */
struct tagged_commit {
	git_oid oid;
	uint32_t n;
	const char *first;
	const char **names;
};

/* the names' text, in blocks (a repository may hold 10,000 tags: no allocation per name) */
struct name_block {
	struct name_block *next;
	size_t used, cap;
	char text[];
};

#define NAME_BLOCK_SIZE (64 * 1024)

/*
 * the tagged commits in one array, found through a table of their indices
 * plus one (0: an empty slot; open addressing, linear probing, at most
 * half full): 10,000 tags fill 128 KiB of table and 400 KiB of commits,
 * each page touched once (a table of whole entries was 1.5 MiB of pages
 * touched at random)
 */
struct tag_index {
	uint32_t *slots;
	size_t cap;
	struct tagged_commit *commits;
	size_t n_commits, commits_cap;
	size_t tags;
	struct name_block *blocks;
};

static size_t oid_hash(const git_oid *oid)
{
	uint64_t h;

	memcpy(&h, oid->id, sizeof(h)); /* object ids are uniformly distributed */
	return (size_t)h;
}

/* oid's slot: the one holding it, or the empty one where it goes */
static uint32_t *find_slot(const struct tag_index *ix, const git_oid *oid)
{
	size_t i = oid_hash(oid) & (ix->cap - 1);

	while (ix->slots[i] && git_oid_cmp(&ix->commits[ix->slots[i] - 1].oid, oid))
		i = (i + 1) & (ix->cap - 1);
	return &ix->slots[i];
}

/* makes room for at least n commits (the table stays at most half full) */
static void reserve(struct tag_index *ix, size_t n)
{
	size_t i;

	if (n > ix->commits_cap) {
		ix->commits_cap = n > 2 * ix->commits_cap ? n : 2 * ix->commits_cap;
		ix->commits = xrealloc(ix->commits, ix->commits_cap * sizeof(*ix->commits));
	}
	if (n * 2 <= ix->cap)
		return;
	if (!ix->cap)
		ix->cap = 1024;
	while (n * 2 > ix->cap)
		ix->cap *= 2;
	free(ix->slots);
	ix->slots = xcalloc(ix->cap, sizeof(*ix->slots));
	for (i = 0; i < ix->n_commits; i++)
		*find_slot(ix, &ix->commits[i].oid) = (uint32_t)(i + 1);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* a copy of name that lives as long as ix */
static const char *keep_name(struct tag_index *ix, const char *name, size_t name_len)
{
	size_t len = name_len + 1, cap;
	struct name_block *b = ix->blocks;
	char *copy;

	if (!b || b->cap - b->used < len) {
		cap = len > NAME_BLOCK_SIZE ? len : NAME_BLOCK_SIZE;
		b = xmalloc(sizeof(*b) + cap);
		b->next = ix->blocks;
		b->used = 0;
		b->cap = cap;
		ix->blocks = b;
	}
	copy = b->text + b->used;
	memcpy(copy, name, name_len);
	copy[name_len] = '\0';
	b->used += len;
	return copy;
}

/* commit is tagged name (name_len bytes) */
static void index_add_n(struct tag_index *ix, const git_oid *commit, const char *name, size_t name_len)
{
	struct tagged_commit *c;
	uint32_t *slot;

	if (ix->n_commits >= UINT32_MAX - 1)
		return; /* four billion tagged commits: the rest are not looked at */
	reserve(ix, ix->n_commits + 1);
	slot = find_slot(ix, commit);
	name = keep_name(ix, name, name_len);
	ix->tags++;
	if (!*slot) {
		c = &ix->commits[ix->n_commits++];
		*slot = (uint32_t)ix->n_commits;
		git_oid_cpy(&c->oid, commit);
		c->first = name;
		c->names = NULL;
		c->n = 1;
		return;
	}
	c = &ix->commits[*slot - 1];
	if (c->n == 1) {
		c->names = xmalloc(2 * sizeof(*c->names));
		c->names[0] = c->first;
	} else {
		c->names = xrealloc(c->names, (c->n + 1) * sizeof(*c->names));
	}
	c->names[c->n++] = name;
	qsort(c->names, c->n, sizeof(*c->names), name_cmp);
	c->first = c->names[0];
}

static void index_add(struct tag_index *ix, const git_oid *commit, const char *name)
{
	index_add_n(ix, commit, name, strlen(name));
}

/*
 * The commit a tag ref stands for: packed-refs give it for annotated tags;
 * otherwise the target is a commit (lightweight tag) or a tag object (a
 * loose annotated tag, peeled here). Returns 1 with *out set, 0 when the
 * tag does not lead to a commit, -1 after a message.
 */
static int target_commit(git_odb *odb, const git_oid *target, git_oid *out)
{
	git_object_t type;
	size_t len;

	if (!target || git_odb_read_header(&len, &type, odb, target) < 0)
		return 0; /* symbolic, or a dangling tag: nothing to describe with */
	if (type == GIT_OBJECT_COMMIT) {
		git_oid_cpy(out, target);
		return 1;
	}
	if (type != GIT_OBJECT_TAG)
		return 0;
	git_oid_cpy(out, target);
	if (peel_raw(odb, out) != 0) {
		git_error_clear();
		return 0; /* a damaged tag, or one of a tree or blob: nothing to describe with */
	}
	return 1;
}

static int tag_commit(git_odb *odb, git_reference *ref, git_oid *out)
{
	const git_oid *target = git_reference_target_peel(ref);

	if (target) {
		git_oid_cpy(out, target);
		return 1;
	}
	return target_commit(odb, git_reference_target(ref), out);
}

/* the largest loose ref read: an id or "ref: NAME" */
#define LOOSE_MAX 4096

/* what the tags are read into from the files: the index, and the loose names that hide packed ones */
struct tag_files {
	struct tag_index *ix;
	git_odb *odb;
	struct strlist loose; /* full names, sorted once read */
	int odd;              /* something the reader does not handle: libgit2 lists the tags instead */
};

static int strp_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* one loose ref file: a tag when it holds an id; symbolic refs name nothing to describe with */
static void loose_ref(struct tag_files *tf, const char *path, const char *name)
{
	char *text;
	size_t len;
	git_oid id, commit;
	unsigned char raw[PACKED_ID_LEN];
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	strlist_add(&tf->loose, name);
	if (fd < 0) {
		tf->odd = 1;
		return;
	}
	text = xmalloc(LOOSE_MAX + 1);
	len = 0;
	for (ssize_t r; len < LOOSE_MAX && (r = read(fd, text + len, LOOSE_MAX - len)) != 0; len += (size_t)r)
		if (r < 0) {
			tf->odd = 1;
			break;
		}
	close(fd);
	if (!tf->odd && len == 2 * PACKED_ID_LEN + 1 && text[len - 1] == '\n' && packed_hex_id(text, raw) == 0) {
		git_oid_fromraw(&id, raw);
		if (target_commit(tf->odb, &id, &commit) == 1)
			index_add(tf->ix, &commit, name + strlen(TAGS_PREFIX));
	} else if (len < 5 || memcmp(text, "ref: ", 5)) {
		tf->odd = 1; /* not what git writes: let libgit2 judge it */
	}
	free(text);
}

/* every loose ref under dir (a directory of refs/tags/..., full name prefix name) */
static void loose_dir(struct tag_files *tf, const char *dir, const char *name)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct stat sb;
	char *path, *full;
	size_t n;

	if (!d) {
		if (errno != ENOENT && errno != ENOTDIR)
			tf->odd = 1;
		return;
	}
	while (!tf->odd && (e = readdir(d))) {
		n = strlen(e->d_name);
		if (e->d_name[0] == '.' || (n >= 5 && !strcmp(e->d_name + n - 5, ".lock")))
			continue; /* no ref has such a name: lock files, editors' files */
		path = xasprintf("%s/%s", dir, e->d_name);
		full = xasprintf("%s%s%s", name, e->d_name, "/");
		if (lstat(path, &sb) != 0) {
			tf->odd = errno != ENOENT;
		} else if (S_ISDIR(sb.st_mode)) {
			loose_dir(tf, path, full);
		} else {
			full[strlen(full) - 1] = '\0';
			if (!packed_ref_name_ok(full, strlen(full)) || !S_ISREG(sb.st_mode))
				tf->odd = 1;
			else
				loose_ref(tf, path, full);
		}
		free(full);
		free(path);
	}
	closedir(d);
}

/* a packed tag, unless a loose file of the same name hides it */
static int packed_tag(const struct packed_ref *r, void *ctx)
{
	struct tag_files *tf = ctx;
	const char *name = r->name + strlen(TAGS_PREFIX);
	size_t len = r->name_len - strlen(TAGS_PREFIX);
	git_oid id, commit;
	char *full;
	int hidden;

	if (tf->loose.n) {
		full = xasprintf("%.*s", (int)r->name_len, r->name);
		hidden = bsearch(&full, tf->loose.items, tf->loose.n, sizeof(char *), strp_cmp) != NULL;
		free(full);
		if (hidden)
			return 0;
	}
	git_oid_fromraw(&id, r->has_peeled ? r->peeled : r->id);
	/* a tag of something other than a commit is indexed too: no walk ever meets it */
	if (r->has_peeled || r->known_unpeeled)
		index_add_n(tf->ix, &id, name, len);
	else if (target_commit(tf->odb, &id, &commit) == 1)
		index_add_n(tf->ix, &commit, name, len);
	return 0;
}

/*
 * the tags read from the files (git/packed.h): 1 when done; 0 when the
 * repository holds something the reader leaves to libgit2 (nothing
 * added to ix then matters: the caller starts again)
 */
static int tags_from_files(git_repository *repo, git_odb *odb, struct tag_index *ix)
{
	struct tag_files tf = { .ix = ix, .odb = odb };
	const char *common = git_repository_commondir(repo);
	char *dir = xasprintf("%s" TAGS_PREFIX, common), *path = xasprintf("%spacked-refs", common);
	char *text = MAP_FAILED;
	char why[128];
	struct stat sb;
	int fd = -1, ok = 0;

	loose_dir(&tf, dir, TAGS_PREFIX);
	if (tf.odd)
		goto cleanup;
	if (tf.loose.n > 1)
		qsort(tf.loose.items, tf.loose.n, sizeof(char *), strp_cmp);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		ok = errno == ENOENT;
		goto cleanup;
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size > PACKED_REFS_MAX)
		goto cleanup;
	if (sb.st_size == 0) {
		ok = 1;
		goto cleanup;
	}
	/* mapped, not read: 10,000 tags are 1 MB, which a read copies into fresh pages */
	text = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (text == MAP_FAILED)
		goto cleanup;
	reserve(ix, (size_t)sb.st_size / 100); /* an annotated tag's two lines are about 100 bytes */
	ok = packed_refs_parse(text, (size_t)sb.st_size, TAGS_PREFIX, packed_tag, &tf, why, sizeof(why)) == 0;
cleanup:
	if (fd >= 0)
		close(fd);
	strlist_clear(&tf.loose);
	if (text != MAP_FAILED)
		munmap(text, (size_t)sb.st_size);
	free(path);
	free(dir);
	return ok;
}

/* empties ix for a second start */
static void index_clear(struct tag_index *ix)
{
	struct name_block *b, *next;
	size_t i;

	for (i = 0; i < ix->n_commits; i++)
		if (ix->commits[i].n > 1)
			free(ix->commits[i].names);
	memset(ix->slots, 0, ix->cap * sizeof(*ix->slots));
	for (b = ix->blocks; b; b = next) {
		next = b->next;
		free(b);
	}
	ix->blocks = NULL;
	ix->n_commits = ix->tags = 0;
}

struct tag_index *tag_index_build(git_repository *repo)
{
	struct tag_index *ix = xcalloc(1, sizeof(*ix));
	git_reference_iterator *it = NULL;
	git_reference *ref = NULL;
	git_odb *odb = NULL;
	git_oid commit;
	int rc, ok = 0;

	reserve(ix, 1);
	if (git_check(git_repository_odb(&odb, repo), "cannot open the object database") < 0)
		goto cleanup;
	if (tags_from_files(repo, odb, ix)) {
		ok = 1;
		goto cleanup;
	}
	index_clear(ix);
	if (git_check(git_reference_iterator_glob_new(&it, repo, "refs/tags/*"), "cannot list tags") < 0)
		goto cleanup;
	while ((rc = git_reference_next(&ref, it)) == 0) {
		if (tag_commit(odb, ref, &commit) == 1)
			index_add(ix, &commit, git_reference_shorthand(ref));
		git_reference_free(ref);
	}
	if (rc != GIT_ITEROVER && git_check(rc, "cannot list tags") < 0)
		goto cleanup;
	ok = 1;
cleanup:
	git_reference_iterator_free(it);
	git_odb_free(odb);
	if (!ok) {
		tag_index_free(ix);
		return NULL;
	}
	return ix;
}

void tag_index_free(struct tag_index *ix)
{
	if (!ix)
		return;
	index_clear(ix);
	free(ix->slots);
	free(ix->commits);
	free(ix);
}

static size_t lookup_oid(const struct tag_index *ix, const git_oid *commit, const char *const **names)
{
	uint32_t slot = *find_slot(ix, commit);
	const struct tagged_commit *c = slot ? &ix->commits[slot - 1] : NULL;

	*names = !c ? NULL : c->n == 1 ? &c->first : c->names;
	return c ? c->n : 0;
}

size_t tag_index_lookup(const struct tag_index *ix, const char *commit, const char *const **names)
{
	git_oid oid;

	*names = NULL;
	if (git_oid_fromstr(&oid, commit) < 0)
		return 0;
	return lookup_oid(ix, &oid, names);
}

size_t tag_index_count(const struct tag_index *ix)
{
	return ix->tags;
}

const char *tag_pick_version(const char *const *names, size_t n)
{
	struct version best, v;
	const char *pick = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		if (version_parse(names[i], &v) < 0)
			continue;
		if (!pick || version_compare(&v, &best) > 0) {
			pick = names[i];
			best = v;
		}
	}
	return pick;
}

static void describe_text(struct describe *d, const git_oid *commit)
{
	char sha[SHORT_SHA_LEN + 1];

	oid_short(commit, sha);
	if (!d->tag)
		snprintf(d->text, sizeof(d->text), "%s", sha);
	else if (d->depth == 0)
		snprintf(d->text, sizeof(d->text), "%s", d->tag);
	else
		snprintf(d->text, sizeof(d->text), "%s-%zu-g%s", d->tag, d->depth, sha);
}

/* a max-heap of node indices by committer time: the walk's order, newest first */
struct time_heap {
	size_t *v;
	size_t n, cap;
};

static void heap_push(struct time_heap *h, const struct graph *g, size_t x)
{
	size_t i, up;

	if (h->n == h->cap) {
		h->cap = h->cap ? 2 * h->cap : 256;
		h->v = xrealloc(h->v, h->cap * sizeof(*h->v));
	}
	for (i = h->n++; i > 0 && g->nodes[h->v[up = (i - 1) / 2]].time < g->nodes[x].time; i = up)
		h->v[i] = h->v[up];
	h->v[i] = x;
}

static size_t heap_pop(struct time_heap *h, const struct graph *g)
{
	size_t top = h->v[0], last = h->v[--h->n], i = 0, c;

	while ((c = 2 * i + 1) < h->n) {
		if (c + 1 < h->n && g->nodes[h->v[c + 1]].time > g->nodes[h->v[c]].time)
			c++;
		if (g->nodes[h->v[c]].time <= g->nodes[last].time)
			break;
		h->v[i] = h->v[c];
		i = c;
	}
	if (h->n)
		h->v[i] = last;
	return top;
}

#define NODE_SEEN (1u << 8)

/*
 * finds the newest commit from tip (committer time order, as git's walk)
 * that carries a release tag: its tag into d and the commits met before
 * it as d->depth. Walks raw commit headers (git/graph.h), so a commit
 * whose author line libgit2 refuses does not stop it. Returns 0 or -1.
 */
static int nearest_release(git_repository *repo, const struct tag_index *ix, const git_oid *tip,
			   struct describe *d)
{
	struct time_heap h = { 0 };
	struct graph g;
	const char *const *names;
	const char *pick;
	size_t depth = 0, n, i, k;
	int ret = -1;

	if (graph_init(&g, repo) < 0)
		return -1;
	i = graph_node(&g, tip);
	if (graph_load(&g, i) < 0)
		goto cleanup;
	g.nodes[i].flags |= NODE_SEEN;
	heap_push(&h, &g, i);
	while (h.n) {
		i = heap_pop(&h, &g);
		n = lookup_oid(ix, &g.nodes[i].id, &names);
		pick = n ? tag_pick_version(names, n) : NULL;
		if (pick) {
			d->tag = xstrdup(pick);
			d->release_tag = xstrdup(pick);
			d->depth = depth;
			break;
		}
		depth++;
		for (k = 0; k < g.nodes[i].n_parents; k++) {
			size_t p = g.nodes[i].parents[k];

			if (g.nodes[p].flags & NODE_SEEN)
				continue;
			if (graph_load(&g, p) < 0)
				goto cleanup;
			g.nodes[p].flags |= NODE_SEEN;
			heap_push(&h, &g, p);
		}
	}
	ret = 0;
cleanup:
	free(h.v);
	graph_release(&g);
	return ret;
}

int describe_commit(git_repository *repo, const struct tag_index *ix, const char *commit_hex,
		    struct describe *d)
{
	git_oid commit;

	memset(d, 0, sizeof(*d));
	if (oid_from_hex(&commit, commit_hex) < 0)
		return -1;
	/* release tags only: support/go/vX.Y.Z and other names never count */
	if (tag_index_count(ix) > 0 && nearest_release(repo, ix, &commit, d) < 0) {
		describe_release(d);
		return -1;
	}
	describe_text(d, &commit);
	return 0;
}

void describe_release(struct describe *d)
{
	free(d->tag);
	free(d->release_tag);
	d->tag = d->release_tag = NULL;
}
