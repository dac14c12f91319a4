/*
 * The output directory (dist/ or --out): one release at a time, replaced as
 * a set.
 *
 * Stage. Everything a run makes is written into a private directory beside
 * the output directory DIR, on the same filesystem:
 * PARENT/.NAME.releaser-<pid>-XXXXXX/new, where the wrapper holds a
 * .gitignore of "*" so that a work tree holding DIR stays clean even when
 * a run dies. The run holds a lock on that .gitignore while it lives; the
 * next run empties and removes wrappers whose lock is free (their run
 * died), as described under "What a reader of DIR sees".
 *
 * Lock. outdir_commit takes an exclusive lock on DIR/.releaser.lock (made
 * 0644, never removed: every version of DIR holds the same file, hard
 * linked) and holds it until outdir_close. A run that finds the lock held
 * waits for it up to OUTDIR_LOCK_WAIT_MS, then fails naming the holder's
 * pid. Everything the commit decides is read under the lock.
 *
 * What the releaser owns in DIR: its own entries (.releaser.lock,
 * .releaser-journal, .releaser-stage-*), and the regular files of the
 * previous release: what DIR's SHA256SUMS lists, SHA256SUMS and its two
 * signatures, manifest.json and provenance.intoto.json, the names given to
 * outdir_drop, and the names an interrupted commit's journal lists.
 * Everything else is the user's: directories, links and other entries under
 * any name, and files under other names. The releaser never removes an
 * entry of the user's, killed or not (OUTDIR_FORCE replaces a file under a
 * name the release writes); a staged name that DIR holds as a directory
 * stops the commit, even with OUTDIR_FORCE.
 *
 * Set. Under the lock, the commit compares each staged file with DIR's file
 * of that name: identical files are kept (the very same file), and other
 * bytes are a conflict that stops the commit before anything changes
 * (unless OUTDIR_FORCE; with OUTDIR_REPLACE the files of the previous
 * release are not conflicts, and the files an interrupted commit's journal
 * lists never are). The previous release's files are not carried into the
 * new set. Every entry of DIR the user owns is carried over, files as hard
 * links. When nothing would change, DIR is not touched at all. Otherwise
 * the stage becomes the complete new DIR and one
 * renameat2(RENAME_EXCHANGE) swaps it with DIR; the old set is then
 * removed.
 *
 * What a reader of DIR sees: by path, always either the complete old
 * directory or the complete new one, so `releaser verify DIR` passes on
 * one release or the other at every instant. A reader that opened DIR
 * before the swap keeps the old directory, whose files are unlinked after
 * the swap (files it already opened stay readable); DIR's inode changes.
 * The user's directories inside DIR are moved into the new set just before
 * the swap. A stage never holds a directory of its own: whoever empties a
 * stage (the run after the swap, its own cleanup, or the next run for a
 * dead one) moves each directory in it back into DIR, and anything whose
 * name DIR holds by then is left in the stage with a warning, never
 * removed.
 *
 * In place. When DIR is a mount point, or its parent is not writable, the
 * swap cannot be done: the stage is DIR/.releaser-stage-<pid>-XXXXXX/new.
 * The commit first writes the journal DIR/.releaser-journal (atomically:
 * written in the stage, synced, renamed into DIR) naming every file of
 * the previous release and of the new one, then renames the new files
 * into DIR one by one (SHA256SUMS and its signatures last), removes the
 * previous release's files, and removes the journal last. A run killed
 * between leaves the journal; the next commit into DIR treats the files
 * it names as the previous release's, so that it finishes the interrupted
 * replacement: its own release then verifies, with no file of the
 * interrupted one left. A reader may see a DIR that verifies as neither
 * release during the commit (or after a killed one, until the next run),
 * never one that verifies as a mix.
 */
#ifndef RELEASER_OUTDIR_H
#define RELEASER_OUTDIR_H

#include <stddef.h>
#include <stdint.h>

#include "lib/strlist.h"
#include "sign/hash.h"

/* the lock file in the output directory */
#define OUTDIR_LOCK_FILE ".releaser.lock"
/* in place, the list of what an unfinished commit replaces (see above) */
#define OUTDIR_JOURNAL_FILE ".releaser-journal"
/* its first line */
#define OUTDIR_JOURNAL_HEAD \
	"# releaser journal 1: a replacement of these files was interrupted; the next run finishes it\n"
/* the largest journal read */
#define OUTDIR_JOURNAL_MAX (1024 * 1024)
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
	int keep_wrap;              /* the wrapper holds what could not go back into DIR */
};

/*
 * outdir_check is the preflight of an output directory: dir is not empty,
 * and it is a writable directory or can be made as one (its deepest
 * existing ancestor is a writable directory). Changes nothing. Returns 0
 * or -1 after a message.
 */
int outdir_check(const char *dir);

/* outdir_problem is outdir_check's message: NULL when dir is fine, else why not (caller frees). */
char *outdir_problem(const char *dir);

/* the release an output directory holds (outdir_held) */
struct outdir_held {
	char version[160];  /* as its manifest says (outside text: escape it to show it) */
	int snapshot;       /* the manifest says it is a snapshot */
	char from[32];      /* the manifest read: "manifest.json" or "manifest-<arch>.json" */
};

/*
 * outdir_held reads which release dir holds, without changing anything:
 * the version and snapshot flag of its manifest.json, else of its first
 * partial manifest-<arch>.json (amd64, then arm64). Returns 1 with *h
 * filled; 0 when dir holds no such manifest that can be read (a file
 * that is none is left to the commit's byte comparison). No message.
 */
int outdir_held(const char *dir, struct outdir_held *h);

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
 * new set: the commit removes it with the previous release (a regular file
 * only: a directory of that name is the user's and stays).
 */
void outdir_drop(struct outdir *o, const char *name);

/*
 * outdir_write stages name with content buf[len] (hashed and recorded).
 * Returns 0 or -1 after a message.
 */
int outdir_write(struct outdir *o, const char *name, const void *buf, size_t len);

/*
 * outdir_commit locks DIR and replaces its release with the staged set as
 * described above; OUTDIR_REPLACE holds only when the release DIR holds
 * under the lock is a snapshot (outdir_held), so a snapshot never
 * replaces a tagged release without OUTDIR_FORCE. Returns 0, or -1 after one message: a conflict (also a
 * staged name that DIR holds as a directory), or the lock held past
 * o->lock_wait_ms (nothing changed), or a failed write.
 */
int outdir_commit(struct outdir *o);

/*
 * outdir_journal_parse reads the text[len] of a journal (its header line,
 * then one name a line) and appends each name to names, leaving out
 * empty lines, ".", "..", names with a '/' and the releaser's own
 * ".releaser*" entries. Returns 0, or -1 (names untouched) when text is not
 * a journal: no header, or a NUL byte.
 */
int outdir_journal_parse(const char *text, size_t len, struct strlist *names);

/*
 * outdir_close empties and removes the stage (a directory in it goes back
 * into DIR), unlocks and frees o; safe after a failed open.
 */
void outdir_close(struct outdir *o);

#endif /* RELEASER_OUTDIR_H */
