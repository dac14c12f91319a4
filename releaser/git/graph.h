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
	GRAPH_LOADED = 1 << 0, /* parents and time read; higher bits are the walk's own */
};

struct graph_node {
	git_oid id;
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

#endif /* RELEASER_GRAPH_H */
