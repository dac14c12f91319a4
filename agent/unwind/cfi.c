/*
 * Runs a file's CFI instructions (see unwind/cfi.h): each FDE's once, a
 * rule made for each row (cfi-scan.c finds the FDEs). Rows follow libdw's
 * reading (elfutils' cfi.c): a pc's row is the state before the first
 * advance past it, the FDE's last row ends at its end, and an FDE whose
 * instructions are not valid CFI has no rule from the row where they fail.
 */
#include "unwind/cfi-internal.h"

#include <dwarf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"

#define MAX_REMEMBERED 32 /* DW_CFA_remember_state nested deeper: not valid CFI here */
#define MAX_REG 0x0fffffff /* a register number above: not valid CFI (libdw's bound) */
/* where the rules of a range stand: the next pc to give a rule */
struct sweep {
	const struct cfi *c;
	uint64_t addr, end, base;
	struct cfi_rules *out;
};

/* one run of CFI instructions: a CIE's initial ones (init NULL, no rows) or an FDE's */
struct run {
	const struct cfi *c;
	const struct cfi_cie *cie;
	const struct cfi_state *init;
	struct sweep *sw;
	uint64_t lo, fde_end; /* the current row's start; the FDE's end */
};
/* a factored offset times the CIE's data alignment, wrapping as libdw's unsigned arithmetic does */
static int64_t scaled(int64_t x, int64_t align)
{
	return (int64_t)((uint64_t)x * (uint64_t)align);
}

/* the ABI's rule for register reg before any CIE (elfutils' backends) */
static uint8_t abi_rule(const struct cfi *c, uint64_t reg, int64_t *value)
{
	*value = 0;
	if (c->machine == EM_AARCH64)
		return (reg >= 19 && reg <= 30) || (reg >= 72 && reg <= 79) ? REG_SAME : REG_UNDEFINED;
	if (reg == 0 || reg == 6 || (reg >= 12 && reg <= 16))
		return REG_SAME;
	return reg == 7 ? REG_VAL_OFFSET : REG_UNDEFINED; /* the CFA is the SP */
}

/* rule r for register reg in st, where the rules use it */
static int set_reg(const struct run *r, struct cfi_state *st, uint64_t reg, const struct cfi_reg *rule)
{
	if (reg > MAX_REG)
		return -1;
	if (reg == r->cie->ra)
		st->ra = *rule;
	if (reg == (uint64_t)r->c->fp)
		st->fp = *rule;
	return 0;
}

/* the row [r->lo, hi) has state st */
static int emit(struct run *r, uint64_t hi, const struct cfi_state *st)
{
	struct analyzer_unwind_rule rule;
	struct sweep *sw = r->sw;

	if (hi > sw->addr) {
		cfi_rule_of(r->c, st, &rule);
		if (cfi_push(sw->out, (uint32_t)(sw->addr - sw->base), &rule) < 0)
			return -2;
		sw->addr = hi;
	}
	r->lo = hi;
	return 0;
}

/* DW_CFA_GNU_window_save: SPARC's register windows (aarch64: the return address's signing, no rule) */
static void window_save(const struct run *r, struct cfi_state *st)
{
	uint64_t regs[2] = { r->cie->ra, (uint64_t)r->c->fp };
	struct cfi_reg rule;
	int i;

	if (r->c->machine == EM_AARCH64)
		return;
	for (i = 0; i < 2; i++) {
		if (regs[i] < 8 || regs[i] >= 32)
			continue;
		memset(&rule, 0, sizeof(rule));
		rule.kind = regs[i] < 16 ? REG_REGISTER : REG_OFFSET;
		rule.value = regs[i] < 16 ? 0 : (int64_t)(regs[i] - 16) * r->c->addr_size;
		set_reg(r, st, regs[i], &rule);
	}
}

/*
 * run the instructions [p, end) on st, giving each row ended to r's
 * sweep; 0 at their end, 1 once past the FDE's end or the sweep's, -1
 * when they are not valid CFI, -2 when out of memory
 */
static int exec(struct run *r, const uint8_t *p, const uint8_t *end, struct cfi_state *st)
{
	struct cfi_state stack[MAX_REMEMBERED];
	const struct cfi_cie *cie = r->cie;
	size_t depth = 0;
	uint64_t loc = r->lo, reg = 0, u = 0;
	struct cfi_reg rule;
	int64_t s = 0;
	int rc;

	while (p < end) {
		uint8_t op = *p++;

		memset(&rule, 0, sizeof(rule));
		if ((op & 0xc0) == DW_CFA_advance_loc) {
			loc += (op & 0x3f) * cie->code_align;
			goto advanced;
		}
		if ((op & 0xc0) == DW_CFA_offset) {
			reg = op & 0x3f;
			if (cfi_uleb(&p, end, &u) < 0)
				return -1;
			rule.kind = REG_OFFSET;
			rule.value = scaled((int64_t)u, cie->data_align);
			goto set;
		}
		if ((op & 0xc0) == DW_CFA_restore) {
			reg = op & 0x3f;
			goto restore;
		}
		switch (op) {
		case DW_CFA_nop:
			continue;
		case DW_CFA_set_loc:
			if (cfi_read_encoded(r->c, cie->fde_enc, &p, end, &loc) < 0)
				return -1;
			goto advanced;
		case DW_CFA_advance_loc1: case DW_CFA_advance_loc2: case DW_CFA_advance_loc4:
		case DW_CFA_MIPS_advance_loc8:
			if (cfi_fixed(&p, end, op == DW_CFA_advance_loc1 ? 1 : op == DW_CFA_advance_loc2 ? 2
					   : op == DW_CFA_advance_loc4 ? 4 : 8, &u) < 0)
				return -1;
			loc += u * cie->code_align;
			goto advanced;
		case DW_CFA_def_cfa: case DW_CFA_def_cfa_sf:
			if (cfi_uleb(&p, end, &reg) < 0 || (op == DW_CFA_def_cfa ? cfi_uleb(&p, end, &u)
								 : cfi_sleb(&p, end, &s)) < 0)
				return -1;
			st->cfa = CFA_OFFSET;
			st->cfa_reg = reg;
			st->cfa_off = op == DW_CFA_def_cfa ? (int64_t)u : scaled(s, cie->data_align);
			continue;
		case DW_CFA_def_cfa_register:
			if (cfi_uleb(&p, end, &reg) < 0)
				return -1;
			if (st->cfa != CFA_OFFSET)
				st->cfa = CFA_INVALID;
			st->cfa_reg = reg;
			continue;
		case DW_CFA_def_cfa_offset: case DW_CFA_def_cfa_offset_sf:
			if ((op == DW_CFA_def_cfa_offset ? cfi_uleb(&p, end, &u) : cfi_sleb(&p, end, &s)) < 0)
				return -1;
			if (st->cfa != CFA_OFFSET)
				st->cfa = CFA_INVALID;
			st->cfa_off = op == DW_CFA_def_cfa_offset ? (int64_t)u : scaled(s, cie->data_align);
			continue;
		case DW_CFA_def_cfa_expression:
			if (cfi_uleb(&p, end, &u) < 0 || u > (uint64_t)(end - p))
				return -1;
			st->cfa = CFA_EXPR;
			st->cfa_expr = p;
			st->cfa_len = (size_t)u;
			p += u;
			continue;
		case DW_CFA_undefined: case DW_CFA_same_value:
			if (cfi_uleb(&p, end, &reg) < 0)
				return -1;
			rule.kind = op == DW_CFA_undefined ? REG_UNDEFINED : REG_SAME;
			goto set;
		case DW_CFA_offset_extended: case DW_CFA_val_offset: case DW_CFA_GNU_negative_offset_extended:
			if (cfi_uleb(&p, end, &reg) < 0 || cfi_uleb(&p, end, &u) < 0)
				return -1;
			rule.kind = op == DW_CFA_val_offset ? REG_VAL_OFFSET : REG_OFFSET;
			if (op == DW_CFA_GNU_negative_offset_extended)
				u = -u;
			rule.value = scaled((int64_t)u, cie->data_align);
			goto set;
		case DW_CFA_offset_extended_sf: case DW_CFA_val_offset_sf:
			if (cfi_uleb(&p, end, &reg) < 0 || cfi_sleb(&p, end, &s) < 0)
				return -1;
			rule.kind = op == DW_CFA_val_offset_sf ? REG_VAL_OFFSET : REG_OFFSET;
			rule.value = scaled(s, cie->data_align);
			goto set;
		case DW_CFA_register:
			if (cfi_uleb(&p, end, &reg) < 0 || cfi_uleb(&p, end, &u) < 0)
				return -1;
			rule.kind = REG_REGISTER;
			rule.value = (int64_t)u;
			goto set;
		case DW_CFA_expression: case DW_CFA_val_expression:
			if (cfi_uleb(&p, end, &reg) < 0 || cfi_uleb(&p, end, &u) < 0 || u > (uint64_t)(end - p))
				return -1;
			rule.kind = op == DW_CFA_expression ? REG_EXPR : REG_VAL_EXPR;
			rule.expr = p;
			rule.len = (size_t)u;
			p += u;
			goto set;
		case DW_CFA_restore_extended:
			if (cfi_uleb(&p, end, &reg) < 0)
				return -1;
			goto restore;
		case DW_CFA_remember_state:
			if (depth == MAX_REMEMBERED)
				return -1;
			stack[depth++] = *st;
			continue;
		case DW_CFA_restore_state:
			if (depth == 0)
				return -1;
			*st = stack[--depth];
			continue;
		case DW_CFA_GNU_window_save:
			window_save(r, st);
			continue;
		case DW_CFA_GNU_args_size:
			if (cfi_uleb(&p, end, &u) < 0)
				return -1;
			continue;
		default:
			return -1;
		}
set:
		if (set_reg(r, st, reg, &rule) < 0)
			return -1;
		continue;
restore: /* the register's rule after the CIE's initial instructions */
		if (!r->init || reg > MAX_REG)
			return -1;
		if (reg == cie->ra)
			st->ra = r->init->ra;
		if (reg == (uint64_t)r->c->fp)
			st->fp = r->init->fp;
		continue;
advanced: /* a new row from loc; one that starts no later than the last adds none */
		if (!r->init)
			return -1;
		if (loc <= r->lo)
			continue;
		rc = emit(r, loc, st);
		if (rc < 0)
			return rc;
		if (loc >= r->fde_end || r->sw->addr >= r->sw->end)
			return 1;
	}
	return 0;
}

int cfi_cie_init(const struct cfi *c, struct cfi_cie *cie, const uint8_t *p, const uint8_t *end)
{
	struct run r = { c, cie, NULL, NULL, 0, 0 };

	memset(&cie->init, 0, sizeof(cie->init));
	cie->init.ra.kind = abi_rule(c, cie->ra, &cie->init.ra.value);
	cie->init.fp.kind = abi_rule(c, (uint64_t)c->fp, &cie->init.fp.value);
	if (c->machine == EM_AARCH64) { /* the CFA is in x30 + 0 (elfutils' aarch64 backend) */
		cie->init.cfa = CFA_OFFSET;
		cie->init.cfa_reg = 30;
	}
	return exec(&r, p, end, &cie->init) == 0 ? 0 : -1;
}

/* the FDE's rows into the sweep; -1 when out of memory */
static int run_fde(struct sweep *sw, const struct cfi_fde *f)
{
	static const struct analyzer_unwind_rule none;
	const struct cfi *c = sw->c;
	const struct cfi_cie *cie = &c->cies[f->cie];
	struct run r = { c, cie, &cie->init, sw, f->start, f->end };
	struct cfi_state st = cie->init;
	int rc = exec(&r, c->data + f->ins, c->data + f->ins_end, &st);

	if (rc == 0 && r.lo < f->end)
		rc = emit(&r, f->end, &st); /* the last row */
	if (rc == -1 && sw->addr < sw->end) /* not valid CFI: no rule from here on */
		rc = cfi_push(sw->out, (uint32_t)(sw->addr - sw->base), &none) < 0 ? -2 : 0;
	return rc == -2 ? -1 : 0;
}

int cfi_rules(const struct cfi *c, uint64_t start, uint64_t end, uint64_t base, double until,
	      struct cfi_rules *out)
{
	static const struct analyzer_unwind_rule none;
	struct sweep sw = { c, start, end, base, out };
	size_t lo = 0, hi = c->nfdes, mid, i, steps = 0;

	while (lo < hi) { /* the first FDE starting after start, then the one before */
		mid = lo + (hi - lo) / 2;
		if (c->fdes[mid].start <= start)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo ? lo - 1 : 0; i < c->nfdes && sw.addr < end; i++) {
		const struct cfi_fde *f = &c->fdes[i];

		if (until < INFINITY && (steps++ & 1023) == 0 && now() >= until)
			return -2;
		if (f->end <= sw.addr)
			continue;
		if (f->start >= end)
			break;
		if (f->start > sw.addr) { /* no FDE here: on to the next one */
			if (cfi_push(out, (uint32_t)(sw.addr - base), &none) < 0)
				return -1;
			sw.addr = f->start;
		}
		if (run_fde(&sw, f) < 0)
			return -1;
	}
	if (sw.addr < end && cfi_push(out, (uint32_t)(sw.addr - base), &none) < 0)
		return -1;
	return 0;
}
