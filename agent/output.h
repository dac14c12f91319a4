/*
 * Where the profile goes: stdout, or a file written under a temporary
 * name beside it and renamed into place when complete, so a reader never
 * sees a partial profile under the final name.
 */
#ifndef AGENT_OUTPUT_H
#define AGENT_OUTPUT_H

#include <stdio.h>

struct output {
	FILE *f;     /* write the profile here */
	char *path;  /* the final name; NULL for stdout */
	char *tmp;   /* the temporary name beside it */
};

/*
 * output_open opens path ("-" or NULL: stdout) for writing: for a file it
 * creates the temporary file now, so a directory that cannot be written
 * fails before any profiling. Returns 0, or -1 after printing why.
 */
int output_open(struct output *out, const char *path);

/*
 * output_commit flushes the profile and, for a file, syncs it and renames
 * it to its final name. Returns 0, or -1 after printing why (the
 * temporary file is then removed). Either way out is closed.
 */
int output_commit(struct output *out);

/* output_abort closes out and removes its temporary file; accepts a closed out. */
void output_abort(struct output *out);

#endif /* AGENT_OUTPUT_H */
