/* A growable list of owned strings. */
#ifndef RELEASER_STRLIST_H
#define RELEASER_STRLIST_H

#include <stddef.h>

struct strlist {
	char **items;
	size_t n;
};

/* strlist_add appends a copy of item. */
void strlist_add(struct strlist *l, const char *item);

/* strlist_has tells whether item is in l. */
int strlist_has(const struct strlist *l, const char *item);

/* strlist_clear frees every item and the array. */
void strlist_clear(struct strlist *l);

#endif /* RELEASER_STRLIST_H */
