/*
 * What the CFI reader's files share (internal to agent/unwind): a row's
 * state as the CFI instructions leave it (cfi.c), and its translation
 * into an analyzer rule (cfi-rule.c).
 */
#ifndef AGENT_UNWIND_CFI_INTERNAL_H
#define AGENT_UNWIND_CFI_INTERNAL_H

#include "unwind/cfi.h"

/* a register's rule (DWARF 5, 6.4.1); unspecified is undefined on x86-64 and aarch64 */
enum { REG_UNDEFINED, REG_SAME, REG_OFFSET, REG_VAL_OFFSET, REG_REGISTER, REG_EXPR, REG_VAL_EXPR };
struct cfi_reg {
	uint8_t kind;
	int64_t value;         /* REG_OFFSET, REG_VAL_OFFSET: from the CFA */
	const uint8_t *expr;   /* REG_EXPR, REG_VAL_EXPR: the expression's bytes */
	size_t len;
};

/* the CFA's rule: none yet, register + offset, an expression, or broken (an offset for an expression) */
enum { CFA_UNDEFINED, CFA_OFFSET, CFA_EXPR, CFA_INVALID };

/* the rules in force on a row, of the registers the analyzer uses */
struct cfi_state {
	uint8_t cfa;
	uint64_t cfa_reg;
	int64_t cfa_off;
	const uint8_t *cfa_expr;
	size_t cfa_len;
	struct cfi_reg ra, fp; /* ra: the CIE's return address column */
};

struct cfi_cie {
	size_t off;
	int ok; /* 0: unreadable, or its initial instructions are not valid CFI: its FDEs have no rules */
	uint64_t code_align, ra;
	int64_t data_align;
	uint8_t fde_enc;
	int aug_z;
	struct cfi_state init; /* after the ABI's and the CIE's initial instructions */
};

/*
 * cfi_cie_init sets cie->init: the ABI's rules, then those of the CIE's
 * initial instructions [p, end) (cfi.c). Returns 0, or -1 when they are
 * not valid CFI.
 */
int cfi_cie_init(const struct cfi *c, struct cfi_cie *cie, const uint8_t *p, const uint8_t *end);

/*
 * cfi_fixed reads an n-byte little-endian number at *p (before end);
 * cfi_read_encoded a pointer encoded as enc (DW_EH_PE_*: absolute or
 * pc-relative, the CFI data at c->vaddr), both into *v, moving *p past it
 * (cfi-scan.c). Return 0, or -1 when cut short or not such a pointer.
 */
int cfi_fixed(const uint8_t **p, const uint8_t *end, size_t n, uint64_t *v);
int cfi_read_encoded(const struct cfi *c, uint8_t enc, const uint8_t **p, const uint8_t *end, uint64_t *v);

/*
 * cfi_uleb and cfi_sleb read a ULEB128 or SLEB128 at *p (before end) into
 * *v and move *p past it. Return 0, or -1 when it runs past end.
 */
int cfi_uleb(const uint8_t **p, const uint8_t *end, uint64_t *v);
int cfi_sleb(const uint8_t **p, const uint8_t *end, int64_t *v);

/*
 * cfi_rule_of turns the state of a row into the analyzer's rule, as
 * unwinding reads it: the CFA from SP or FP plus an offset (or the PLT's
 * expression), the return address at an offset from the CFA (or still in
 * the link register), the caller's FP saved at an offset from the CFA.
 * What the analyzer cannot follow gets ANALYZER_CFA_NONE; an undefined
 * return address ANALYZER_CFA_END.
 */
void cfi_rule_of(const struct cfi *c, const struct cfi_state *st, struct analyzer_unwind_rule *out);

/*
 * cfi_push appends rule at pc to out, merged into the last when equal, in
 * place of the last when that has the same pc. Returns 0, -1 when out of
 * memory.
 */
int cfi_push(struct cfi_rules *out, uint32_t pc, const struct analyzer_unwind_rule *rule);

#endif /* AGENT_UNWIND_CFI_INTERNAL_H */
