/* The kernel's symbol table, from /proc/kallsyms. */
#ifndef AGENT_KALLSYMS_H
#define AGENT_KALLSYMS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct ksym {
	uint64_t addr;
	uint32_t name;   /* offset in kallsyms.strings */
	uint32_t module; /* offset in kallsyms.strings; 0 is "" (the kernel proper) */
};

struct kallsyms {
	struct ksym *syms; /* text symbols, sorted by address */
	size_t n, cap;
	char *strings;     /* names and module names, NUL-terminated */
	size_t len, strcap;
};

/*
 * kallsyms_parse_line splits one kallsyms line ("ADDR TYPE NAME [\tMODULE]")
 * in place: *name and *module (NULL for the kernel proper) point into line.
 * Returns 0, or -1 when the line is malformed.
 */
int kallsyms_parse_line(char *line, uint64_t *addr, char *type, char **name, char **module);

/*
 * kallsyms_read fills ks (zeroed by the caller) with the text symbols read
 * from f, sorted by address. Returns the number of symbols with a non-zero
 * address (0 when the kernel hides addresses), or -1 when out of memory.
 * Free with kallsyms_release.
 */
int kallsyms_read(struct kallsyms *ks, FILE *f);

/*
 * kallsyms_lookup returns the symbol covering addr (the closest at or
 * below it), or NULL. The result points into ks.
 */
const struct ksym *kallsyms_lookup(const struct kallsyms *ks, uint64_t addr);

/* kallsyms_name and kallsyms_module return the strings of a symbol (owned by ks). */
const char *kallsyms_name(const struct kallsyms *ks, const struct ksym *sym);
const char *kallsyms_module(const struct kallsyms *ks, const struct ksym *sym);

/* kallsyms_release frees what kallsyms_read allocated and zeroes ks. */
void kallsyms_release(struct kallsyms *ks);

#endif /* AGENT_KALLSYMS_H */
