/*
 * What releaser this is: the version it was built from (the Makefile's
 * VERSION, compiled into self.c alone, so only that file rebuilds when the
 * version changes). `releaser --version` prints it, and the JSON outputs
 * carry it as "releaser_version".
 */
#ifndef RELEASER_SELF_H
#define RELEASER_SELF_H

/* releaser_version returns the version the releaser was built from (static storage). */
const char *releaser_version(void);

#endif /* RELEASER_SELF_H */
