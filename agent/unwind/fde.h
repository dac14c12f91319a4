/*
 * Where a file's CFI starts: the FDE start addresses of .eh_frame_hdr's
 * search table, and, without one, probes through libdw.
 */
#ifndef AGENT_UNWIND_FDE_H
#define AGENT_UNWIND_FDE_H

#include <elfutils/libdw.h>
#include <gelf.h>
#include <stddef.h>
#include <stdint.h>

/* where functions with CFI start, sorted: the search table of .eh_frame_hdr */
struct fde_starts {
	uint64_t *v;
	size_t n;
};

/*
 * fde_starts_read fills fs from elf's search table (see fde.c). Left
 * empty (fs->n 0) for a layout it does not know, or when the table is not
 * sorted: fde_probe_next then finds where CFI starts. Free fs->v.
 */
void fde_starts_read(Elf *elf, struct fde_starts *fs);

/* fde_next returns the first FDE start above addr in fs (UINT64_MAX: none). */
uint64_t fde_next(const struct fde_starts *fs, uint64_t addr);

/*
 * fde_probe_next returns where CFI starts again after addr (which has
 * none), before end (end: nowhere), without a search table.
 */
uint64_t fde_probe_next(Dwarf_CFI *cfi, uint64_t addr, uint64_t end);

#endif /* AGENT_UNWIND_FDE_H */
