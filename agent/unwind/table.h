/*
 * Unwind tables: a mapped file's CFI (.eh_frame, else .debug_frame), read
 * in one pass (unwind/cfi.h) and turned into the analyzer's compact rules
 * (struct analyzer_unwind_rule): sorted by pc, one per range where the
 * CFA, return address and frame pointer rules stay the same.
 */
#ifndef AGENT_UNWIND_H
#define AGENT_UNWIND_H

#include <stddef.h>
#include <stdint.h>

#include "analyzer_shared.h"

#define UNWIND_MAX_SEGMENTS 4

/* an executable PT_LOAD segment of the file */
struct unwind_segment {
	uint64_t offset, vaddr, filesz;
};

struct unwind_table {
	uint64_t base;                     /* ELF address of rule pc 0 */
	struct analyzer_unwind_rule *rules; /* sorted by pc; malloc'd */
	size_t n;
	struct unwind_segment segs[UNWIND_MAX_SEGMENTS];
	size_t nsegs;
	char build_id[41];                 /* hex, "" when the file has none */
	int has_cfi;                       /* 0: the file has no CFI, n is 0 */
};

/*
 * unwind_table_read reads the ELF file at path into t: its build-id, its
 * executable segments and, when it has CFI, its rules. Rules cover every
 * executable segment; a pc without CFI gets ANALYZER_CFA_NONE, the
 * outermost frames (return address undefined) ANALYZER_CFA_END. Returns 0
 * (also for a file without CFI: t->has_cfi 0), or -1 with the reason in
 * err (-2 when the file cannot be opened). Free with unwind_table_release.
 */
int unwind_table_read(struct unwind_table *t, const char *path, char *err, size_t errlen);

/*
 * unwind_table_read_until does the same, and gives up with -1 once
 * now() (clock.h) passes until, a file's CFI taking long to read (a
 * second or two for libLLVM's on a loaded machine).
 */
int unwind_table_read_until(struct unwind_table *t, const char *path, double until, char *err, size_t errlen);

/*
 * unwind_table_read_fd does the same for the ELF image open on fd (the
 * caller keeps and closes it), named name in errors: a file, or a memory
 * file holding the vDSO.
 */
int unwind_table_read_fd(struct unwind_table *t, int fd, const char *name, char *err, size_t errlen);

/*
 * unwind_table_find returns the rule in force at ELF address vaddr, or
 * NULL when vaddr lies before the first rule or past 4 GiB of the base.
 * The result points into t.
 */
const struct analyzer_unwind_rule *unwind_table_find(const struct unwind_table *t, uint64_t vaddr);

/*
 * unwind_rules_find returns the rule of rules[0..n) (sorted by pc) in
 * force at rel (an address less the table's base), or NULL when rel lies
 * before the first. The result points into rules.
 */
const struct analyzer_unwind_rule *unwind_rules_find(const struct analyzer_unwind_rule *rules, size_t n,
						     uint64_t rel);

/*
 * unwind_table_vaddr turns a file offset into its ELF address through the
 * executable segments. Returns 0, or -1 when no such segment holds it.
 */
int unwind_table_vaddr(const struct unwind_table *t, uint64_t offset, uint64_t *vaddr);

/* unwind_table_release frees t's rules; t can be read into again. */
void unwind_table_release(struct unwind_table *t);

#endif /* AGENT_UNWIND_H */
