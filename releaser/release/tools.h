/*
 * The programs a build runs, checked before it starts: make and
 * dpkg-query (the releaser runs them), and what the top-level Makefile
 * runs for every build (cc, clang, llvm-strip, pkg-config). A cross
 * toolchain is the build plan's business (release/plan.h).
 */
#ifndef RELEASER_TOOLS_H
#define RELEASER_TOOLS_H

#include "lib/strlist.h"

/*
 * tools_check appends to problems one line for each of those programs
 * that is not an executable on $PATH, naming it, what runs it and how to
 * install it. Returns how many it appended.
 */
size_t tools_check(struct strlist *problems);

#endif /* RELEASER_TOOLS_H */
