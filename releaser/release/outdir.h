/*
 * The output directory (dist/ or --out), changed all at once or not at all.
 *
 * Everything a run makes is written into a private stage directory inside
 * the output directory (same filesystem): DIR/.releaser-stage-<pid>-XXXXXX.
 * outdir_commit then compares each staged file with the one of the same
 * name in DIR: identical files are left alone, missing ones are renamed
 * into place, and a file with other bytes is a conflict that stops the
 * commit before anything is renamed (unless force). A run that dies leaves
 * at most its stage directory behind, which the next run removes.
 */
#ifndef RELEASER_OUTDIR_H
#define RELEASER_OUTDIR_H

#include <stddef.h>
#include <stdint.h>

#include "sign/hash.h"

struct staged_file {
	char *name;
	char sha256[SHA256_HEX_LEN + 1];
	uint64_t size;
};

struct outdir {
	char *dir;                  /* the output directory */
	char *stage;                /* the stage directory inside it */
	struct staged_file *files;  /* in the order they are renamed into place */
	size_t n;
	int force;                  /* replace files with other bytes */
};

/*
 * outdir_open creates dir (and its parents) when missing, removes stage
 * directories left by dead runs, and creates a new stage. Returns 0 or -1
 * after a message. Release with outdir_close.
 */
int outdir_open(struct outdir *o, const char *dir, int force);

/* outdir_stage_path returns the path of name in the stage (caller frees). */
char *outdir_stage_path(const struct outdir *o, const char *name);

/* outdir_final_path returns the path of name in the output directory (caller frees). */
char *outdir_final_path(const struct outdir *o, const char *name);

/* outdir_add records that name is staged with that digest and size. */
void outdir_add(struct outdir *o, const char *name, const char *sha256, uint64_t size);

/*
 * outdir_write stages name with content buf[len] (hashed and recorded).
 * Returns 0 or -1 after a message.
 */
int outdir_write(struct outdir *o, const char *name, const void *buf, size_t len);

/*
 * outdir_commit moves the staged files into place as described above.
 * Returns 0, or -1 after one message (on a conflict nothing was moved).
 */
int outdir_commit(struct outdir *o);

/* outdir_close removes the stage and frees o; safe after a failed open. */
void outdir_close(struct outdir *o);

#endif /* RELEASER_OUTDIR_H */
