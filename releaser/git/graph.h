/*
 * The commit graph as the releaser walks it: parents and committer time
 * read from each commit's raw header in the object database, nothing
 * else. libgit2's own walks (git_revwalk, git_commit_lookup) parse every
 * commit whole and stop at the first author line they refuse (no e-mail,
 * no '>', a bad date), which git itself accepts; a walk over this graph
 * goes through such history. Only git/ includes it (libgit2 types).
 */
#ifndef RELEASER_GRAPH_H
#define RELEASER_GRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "git/internal.h"

#define GRAPH_NONE SIZE_MAX

enum {
	GRAPH_LOADED = 1 << 0, /* parents, tree and time read */
	GRAPH_HIDDEN = 1 << 1, /* graph_limit: reachable from the commit hidden */
	GRAPH_IN = 1 << 2,     /* graph_limit: in the range */
	GRAPH_QUEUED = 1 << 3, /* graph_limit: met by its walk */
	/* bits from 1 << 8 up are a caller's own */
};

/*
 * nodes a walk goes on with once only flagged ones are queued, for commit
 * times that are out of order (git's SLOP)
 */
#define GRAPH_SLOP 5

struct graph_node {
	git_oid id;
	git_oid tree;     /* the commit's tree (once loaded) */
	long long time;   /* committer time */
	size_t *parents;  /* indices into graph.nodes */
	size_t n_parents;
	size_t mark;      /* the walk's own index for the node (a tag, ...); GRAPH_NONE when unset */
	size_t count;     /* the walk's own counter (0 when new) */
	unsigned flags;
};

struct graph {
	git_repository *repo;
	git_odb *odb;
	struct graph_node *nodes; /* may move when a node is added */
	size_t n, cap;
	size_t *slots;  /* open addressing: node index + 1, 0 when empty */
	size_t n_slots; /* a power of two */
};

/* graph_init opens repo's object database for g. Returns 0 or -1 after a message. */
int graph_init(struct graph *g, git_repository *repo);

/* graph_release frees g's nodes and closes its object database. */
void graph_release(struct graph *g);

/* graph_node returns the index of id's node, added (not loaded) when new. */
size_t graph_node(struct graph *g, const git_oid *id);

/*
 * graph_load reads node i's parents (adding their nodes) and committer
 * time, once. Returns 0, or -1 after a message naming the commit.
 */
int graph_load(struct graph *g, size_t i);

/*
 * graph_header_next steps *p through the header lines of a raw object
 * obj[len]: returns the next line (its length in *value_len, *key the
 * same line), or NULL at the blank line that ends the header.
 */
const char *graph_header_next(const char *obj, size_t len, const char **p, size_t *value_len, const char **key);

/*
 * graph_message reads node i's raw message (after the header's blank
 * line; *len bytes, NUL-terminated) and its encoding header (NULL when
 * none) into malloc'd strings the caller frees. Returns 0 or -1 after a
 * message.
 */
int graph_message(struct graph *g, size_t i, char **msg, size_t *len, char **encoding);

/* node indices, the newest on top: by committer time, then the first added */
struct graph_heap {
	size_t *v;
	size_t n, cap;
};

/* graph_heap_push queues node i in h (free h->v when done). */
void graph_heap_push(const struct graph *g, struct graph_heap *h, size_t i);

/* graph_heap_pop takes the newest node off h, which is not empty. */
size_t graph_heap_pop(const struct graph *g, struct graph_heap *h);

/* graph_heap_only returns whether every node queued in h has flag. */
int graph_heap_only(const struct graph *g, const struct graph_heap *h, unsigned flag);

/* graph_spread flags node i and, among the nodes already loaded, what it reaches. */
void graph_spread(struct graph *g, size_t i, unsigned flag);

/*
 * graph_limit flags GRAPH_IN the commits tip contains and hide
 * (GRAPH_NONE: none) does not: the two walked together, newest first,
 * until only hidden commits are left (and GRAPH_SLOP more), so a range
 * costs its own length, not the history's. Every commit in the range is
 * loaded. Returns 0 or -1 after a message.
 */
int graph_limit(struct graph *g, size_t tip, size_t hide);

/*
 * graph_order lists the GRAPH_IN nodes (after graph_limit from tip) in
 * *order (*n of them; the caller frees it): children before parents, the
 * newest first. Uses the nodes' count. Returns 0.
 */
int graph_order(struct graph *g, size_t tip, size_t **order, size_t *n);

#endif /* RELEASER_GRAPH_H */
