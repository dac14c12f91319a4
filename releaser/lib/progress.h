/*
 * The phases of a long command (build, package, release) on stderr, each
 * with the time it took:
 *
 *	releaser: [1/5] preflight: 0.1 s
 *	releaser: [2/5] build: 23.4 s
 *
 * A phase's line comes when it ends, so a refusal is the only line of a
 * command that fails in its first phase. On a terminal each phase also
 * says when it starts ("releaser: [2/5] build..."), so a person watching
 * knows what the wait is for; lines are whole lines everywhere (no
 * carriage returns: a build prints its own output in between). Nothing
 * with -q (progress_quiet), nor when no plan was set.
 */
#ifndef RELEASER_PROGRESS_H
#define RELEASER_PROGRESS_H

/* progress_quiet(1) silences the phases (releaser -q). */
void progress_quiet(int quiet);

/* progress_plan starts counting: the command has total phases (0: none shown). */
void progress_plan(int total);

/* progress_begin starts the next phase, named name (a static string), ending the one open. */
void progress_begin(const char *name);

/* progress_end ends the open phase, printing its line; nothing when none is open. */
void progress_end(void);

#endif /* RELEASER_PROGRESS_H */
