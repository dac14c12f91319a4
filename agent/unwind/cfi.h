/*
 * A file's CFI (.eh_frame, else .debug_frame) read in one pass: each
 * FDE's instructions run once, from its start to its end, and each row
 * they describe becomes an analyzer rule. The rules are those libdw's
 * dwarf_cfi_addrframe gives at every address (tests/unit/test-cfi.c holds
 * the two side by side), at a cost linear in the CFI's size.
 */
#ifndef AGENT_UNWIND_CFI_H
#define AGENT_UNWIND_CFI_H

#include <gelf.h>
#include <stddef.h>
#include <stdint.h>

#include "analyzer_shared.h"

/* rules as they are made, sorted by pc */
struct cfi_rules {
	struct analyzer_unwind_rule *v; /* malloc'd */
	size_t n, cap;
};

/* one FDE: where it applies, where its instructions are in the CFI data, its CIE (index in cies) */
struct cfi_fde {
	uint64_t start, end;
	uint32_t ins, ins_end, cie;
};

struct cfi_cie;

/* a file's CFI, as cfi_open finds it; what it points to belongs to the Elf */
struct cfi {
	const uint8_t *data; /* the section's bytes */
	size_t size;
	uint64_t vaddr;      /* the section's ELF address (.eh_frame) */
	int eh;              /* 1: .eh_frame, 0: .debug_frame */
	int addr_size;       /* 4 or 8 */
	int machine;         /* EM_X86_64 or EM_AARCH64 */
	int sp, fp, ra;      /* DWARF numbers of the stack and frame pointers, and the ABI's return address */
	struct cfi_fde *fdes; /* sorted by start; malloc'd */
	size_t nfdes;
	struct cfi_cie *cies; /* sorted by offset; malloc'd */
	size_t ncies, cap_cies;
};

/*
 * cfi_open finds elf's CFI and its FDEs into c, for machine (EM_X86_64
 * or EM_AARCH64). Returns 1, 0 when the file has no CFI, -1 when out of
 * memory. Free with cfi_close.
 */
int cfi_open(struct cfi *c, Elf *elf, int machine);

/*
 * cfi_rules appends to out the rules of ELF addresses [start, end) (above
 * any out holds), their pcs less base: the rule of each row, and
 * ANALYZER_CFA_NONE where no FDE applies. Gives up once now() (clock.h)
 * passes until (INFINITY: never). Returns 0, -1 when out of memory, -2
 * past until.
 */
int cfi_rules(const struct cfi *c, uint64_t start, uint64_t end, uint64_t base, double until,
	      struct cfi_rules *out);

/*
 * cfi_load does the same for CFI data already found: size bytes at data
 * (which must outlive c), at ELF address vaddr, .eh_frame when eh (else
 * .debug_frame), of machine, its pointers addr_size (4 or 8) bytes.
 * Returns 1, or -1 when out of memory.
 */
int cfi_load(struct cfi *c, const uint8_t *data, size_t size, uint64_t vaddr, int eh, int machine, int addr_size);

/* cfi_close frees what cfi_open allocated. */
void cfi_close(struct cfi *c);

#endif /* AGENT_UNWIND_CFI_H */
