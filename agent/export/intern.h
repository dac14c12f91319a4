/*
 * An interning table: byte strings to dense ids 0, 1, 2... in order of
 * first sight, for the string tables and dictionaries of the export
 * formats (pprof, OTLP), where every name, location and function is
 * written once and referred to by index.
 */
#ifndef AGENT_EXPORT_INTERN_H
#define AGENT_EXPORT_INTERN_H

#include <stddef.h>
#include <stdint.h>

struct intern {
	char **keys;      /* by id, each NUL-terminated after its len bytes */
	size_t *lens;
	size_t n, cap;
	uint32_t *slots;  /* open addressing: id + 1, 0 when empty */
	size_t nslots;
};

/* intern_init makes an empty table. */
void intern_init(struct intern *t);

/*
 * intern_id returns the id of key[0..len), adding a copy of it when new
 * (*added set to 1 then, when added is not NULL); -1 when out of memory.
 */
int64_t intern_id(struct intern *t, const void *key, size_t len, int *added);

/* intern_str is intern_id for a NUL-terminated string. */
int64_t intern_str(struct intern *t, const char *s);

/* intern_release frees the table and its copies; t can be initialized again. */
void intern_release(struct intern *t);

#endif /* AGENT_EXPORT_INTERN_H */
