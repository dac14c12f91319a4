/*
 * The output directory (dist/ or --out): one release at a time, replaced as
 * a set.
 *
 * Stage. Everything a run makes is written into a private directory beside
 * the output directory DIR, on the same filesystem:
 * PARENT/.NAME.releaser-<pid>-XXXXXX/new, where the wrapper holds a
 * .gitignore of "*" so that a work tree holding DIR stays clean even when
 * a run dies. The run holds a lock on that .gitignore while it lives; the
 * next run removes wrappers whose lock is free (their run died).
 *
 * Lock. outdir_commit takes an exclusive lock on DIR/.releaser.lock (made
 * 0644, never removed: every version of DIR holds the same file, hard
 * linked) and holds it until outdir_close. A run that finds the lock held
 * waits for it up to OUTDIR_LOCK_WAIT_MS, then fails naming the holder's
 * pid. Everything the commit decides is read under the lock.
 *
 * Set. Under the lock, the commit compares each staged file with DIR's file
 * of that name: identical files are kept (the very same file), and other
 * bytes are a conflict that stops the commit before anything changes
 * (unless OUTDIR_FORCE; with OUTDIR_REPLACE the files of the previous
 * release are not conflicts). The previous release is what DIR's
 * SHA256SUMS lists plus SHA256SUMS and its two signatures: those files are
 * not carried into the new set. Every other entry of DIR (a file another
 * tool put there, another arch's unsigned part) is carried over, files as
 * hard links, except the names given to outdir_drop. When nothing would
 * change, DIR is not touched at all. Otherwise the stage becomes the
 * complete new DIR and one renameat2(RENAME_EXCHANGE) swaps it with DIR;
 * the old set is then removed.
 *
 * What a reader of DIR sees: by path, always either the complete old
 * directory or the complete new one, so `releaser verify DIR` passes on
 * one release or the other at every instant. A reader that opened DIR
 * before the swap keeps the old directory, whose files are unlinked after
 * the swap (files it already opened stay readable); DIR's inode changes.
 * Directories inside DIR that belong to no release are moved into the new
 * set just before the swap.
 *
 * In place. When DIR is a mount point, or its parent is not writable, the
 * swap cannot be done: the stage is DIR/.releaser-stage-<pid>-XXXXXX/new
 * and the commit renames the new files into DIR one by one (SHA256SUMS and
 * its signatures last), then removes the previous release's files. A
 * reader may then see a DIR that verifies as neither release during the
 * commit, never one that verifies as a mix.
 */
#ifndef RELEASER_OUTDIR_H
#define RELEASER_OUTDIR_H

#include <stddef.h>
#include <stdint.h>

#include "sign/hash.h"

/* the lock file in the output directory */
#define OUTDIR_LOCK_FILE ".releaser.lock"
/* how long outdir_commit waits for another run's lock */
#define OUTDIR_LOCK_WAIT_MS 30000

enum outdir_flags {
	OUTDIR_FORCE = 1 << 0,    /* replace any file of DIR that has other bytes (--force) */
	OUTDIR_REPLACE = 1 << 1,  /* the previous release's files are replaced, not conflicts */
	OUTDIR_IN_PLACE = 1 << 2, /* rename into DIR file by file (chosen for a mount point) */
};

struct staged_file {
	char *name;
	char sha256[SHA256_HEX_LEN + 1];
	uint64_t size;
};

struct outdir {
	char *dir;                  /* the output directory, as given (messages) */
	char *real;                 /* its real path: what is locked and replaced */
	char *wrap;                 /* the run's private directory, holding the stage */
	char *stage;                /* WRAP/new: the new files, then the whole new set */
	struct staged_file *files;  /* in the order they are renamed into place */
	size_t n;
	char **drop;                /* names of DIR not carried into the new set */
	size_t n_drop;
	int flags;                  /* enum outdir_flags */
	int wrap_fd;                /* holds the lock that says the stage is alive */
	int lock_fd;                /* DIR/.releaser.lock, locked during the commit */
	int lock_wait_ms;           /* OUTDIR_LOCK_WAIT_MS; tests make it shorter */
};

/*
 * outdir_check is the preflight of an output directory: dir is not empty,
 * and it is a writable directory or can be made as one (its deepest
 * existing ancestor is a writable directory). Changes nothing. Returns 0
 * or -1 after a message.
 */
int outdir_check(const char *dir);

/*
 * outdir_open creates dir (and its parents) when missing, removes the
 * stages of dead runs, and creates this run's stage. flags is a set of
 * enum outdir_flags. Returns 0 or -1 after a message. Release with
 * outdir_close (also after a failure).
 */
int outdir_open(struct outdir *o, const char *dir, int flags);

/* outdir_stage_path returns the path of name in the stage (caller frees). */
char *outdir_stage_path(const struct outdir *o, const char *name);

/* outdir_final_path returns the path of name in the output directory (caller frees). */
char *outdir_final_path(const struct outdir *o, const char *name);

/* outdir_add records that name is staged with that digest and size. */
void outdir_add(struct outdir *o, const char *name, const char *sha256, uint64_t size);

/*
 * outdir_drop says that DIR's file name (when there) is not part of the
 * new set: the commit removes it with the previous release.
 */
void outdir_drop(struct outdir *o, const char *name);

/*
 * outdir_write stages name with content buf[len] (hashed and recorded).
 * Returns 0 or -1 after a message.
 */
int outdir_write(struct outdir *o, const char *name, const void *buf, size_t len);

/*
 * outdir_commit locks DIR and replaces its release with the staged set as
 * described above. Returns 0, or -1 after one message: a conflict, or the
 * lock held past o->lock_wait_ms (nothing changed), or a failed write.
 */
int outdir_commit(struct outdir *o);

/* outdir_close unlocks, removes the stage and frees o; safe after a failed open. */
void outdir_close(struct outdir *o);

#endif /* RELEASER_OUTDIR_H */
