/* Lists of strings (see strlist.h). */
#include "lib/strlist.h"

#include <stdlib.h>
#include <string.h>

#include "lib/common.h"

void strlist_add(struct strlist *l, const char *item)
{
	l->items = xrealloc(l->items, (l->n + 1) * sizeof(*l->items));
	l->items[l->n++] = xstrdup(item);
}

int strlist_has(const struct strlist *l, const char *item)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->items[i], item))
			return 1;
	return 0;
}

void strlist_clear(struct strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->items[i]);
	free(l->items);
	l->items = NULL;
	l->n = 0;
}
