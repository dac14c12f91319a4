/* A CFI row's state into the analyzer's rule (see unwind/cfi-internal.h). */
#include "unwind/cfi-internal.h"

#include <dwarf.h>
#include <stdlib.h>
#include <string.h>

#define MAX_OPS 16

/* one operation of a DWARF expression, as far as the rules need it */
struct op {
	uint8_t atom;
	uint64_t number, number2;
};

static int fits_s16(int64_t x)
{
	return x >= INT16_MIN && x <= INT16_MAX;
}

int cfi_uleb(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	unsigned shift = 0;

	*v = 0;
	while (*p < end) {
		uint8_t b = *(*p)++;

		if (shift < 64)
			*v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
		if (!(b & 0x80))
			return 0;
	}
	return -1;
}

int cfi_sleb(const uint8_t **p, const uint8_t *end, int64_t *v)
{
	unsigned shift = 0;
	uint64_t u = 0;
	uint8_t b = 0;

	do {
		if (*p >= end)
			return -1;
		b = *(*p)++;
		if (shift < 64)
			u |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
	} while (b & 0x80);
	if (shift < 64 && (b & 0x40))
		u |= ~(uint64_t)0 << shift;
	*v = (int64_t)u;
	return 0;
}

/* a fixed-size operand of n bytes, little-endian, sign-extended when sign */
static int fixed(const uint8_t **p, const uint8_t *end, size_t n, int sign, uint64_t *v)
{
	size_t i;

	if ((size_t)(end - *p) < n)
		return -1;
	*v = 0;
	for (i = 0; i < n; i++)
		*v |= (uint64_t)(*p)[i] << (8 * i);
	if (sign && n < 8 && (*v >> (8 * n - 1)) & 1)
		*v |= ~(uint64_t)0 << (8 * n);
	*p += n;
	return 0;
}

/* 1 for an operation without operands */
static int no_operand(uint8_t a)
{
	return a == DW_OP_deref || (a >= DW_OP_dup && a <= DW_OP_over) || (a >= DW_OP_swap && a <= DW_OP_plus) ||
	       (a >= DW_OP_shl && a <= DW_OP_xor) || (a >= DW_OP_eq && a <= DW_OP_ne) ||
	       (a >= DW_OP_lit0 && a <= DW_OP_reg31) || a == DW_OP_nop || a == DW_OP_call_frame_cfa ||
	       a == DW_OP_stack_value;
}

/*
 * the operations of expression [p, end) appended to ops (*n of them so
 * far); -1 for one it does not know, or more than MAX_OPS: no rule the
 * analyzer follows has them
 */
static int decode(const uint8_t *p, const uint8_t *end, int addr_size, struct op *ops, size_t *n)
{
	while (p < end) {
		struct op *o = &ops[*n];
		uint8_t a = *p++;
		int64_t s = 0;
		int rc = 0;

		if (*n == MAX_OPS)
			return -1;
		memset(o, 0, sizeof(*o));
		o->atom = a;
		if (a >= DW_OP_breg0 && a <= DW_OP_breg31) {
			rc = cfi_sleb(&p, end, &s);
			o->number = (uint64_t)s;
		} else if (no_operand(a)) {
			/* no operand */
		} else {
			switch (a) {
			case DW_OP_addr: rc = fixed(&p, end, (size_t)addr_size, 0, &o->number); break;
			case DW_OP_const1u: case DW_OP_pick: case DW_OP_deref_size:
				rc = fixed(&p, end, 1, 0, &o->number); break;
			case DW_OP_const1s: rc = fixed(&p, end, 1, 1, &o->number); break;
			case DW_OP_const2u: case DW_OP_skip: case DW_OP_bra:
				rc = fixed(&p, end, 2, 0, &o->number); break;
			case DW_OP_const2s: rc = fixed(&p, end, 2, 1, &o->number); break;
			case DW_OP_const4u: rc = fixed(&p, end, 4, 0, &o->number); break;
			case DW_OP_const4s: rc = fixed(&p, end, 4, 1, &o->number); break;
			case DW_OP_const8u: case DW_OP_const8s: rc = fixed(&p, end, 8, 0, &o->number); break;
			case DW_OP_constu: case DW_OP_plus_uconst: case DW_OP_regx: rc = cfi_uleb(&p, end, &o->number); break;
			case DW_OP_consts: case DW_OP_fbreg:
				rc = cfi_sleb(&p, end, &s);
				o->number = (uint64_t)s;
				break;
			case DW_OP_bregx:
				rc = cfi_uleb(&p, end, &o->number);
				if (rc == 0)
					rc = cfi_sleb(&p, end, &s);
				o->number2 = (uint64_t)s;
				break;
			default: return -1;
			}
		}
		if (rc < 0)
			return -1;
		(*n)++;
	}
	return 0;
}

/*
 * the operations of an expression rule's block (a ULEB128 length, then
 * its bytes) after what ops holds; -1 when it is cut short or unknown
 */
static int decode_block(const struct cfi *c, const uint8_t *p, size_t len, struct op *ops, size_t *n)
{
	return decode(p, p + len, c->addr_size, ops, n);
}

/*
 * the offset from the CFA of "CFA + off" in ops (the forms of the
 * offset(N) rule); -1 for anything else
 */
static int cfa_offset(const struct op *ops, size_t nops, int64_t *off)
{
	size_t i = 1;

	if (nops == 0 || ops[0].atom != DW_OP_call_frame_cfa)
		return -1;
	*off = 0;
	while (i < nops) {
		switch (ops[i].atom) {
		case DW_OP_plus_uconst:
			*off = (int64_t)((uint64_t)*off + ops[i].number); /* wrapping, as libdw's unsigned sums */
			i++;
			break;
		case DW_OP_consts: case DW_OP_const1s: case DW_OP_const2s: case DW_OP_const4s:
		case DW_OP_const8s: case DW_OP_constu: case DW_OP_const1u: case DW_OP_const2u:
		case DW_OP_const4u: case DW_OP_const8u:
			if (i + 1 >= nops || (ops[i + 1].atom != DW_OP_plus && ops[i + 1].atom != DW_OP_minus))
				return -1;
			*off = (int64_t)(ops[i + 1].atom == DW_OP_plus ? (uint64_t)*off + ops[i].number
									: (uint64_t)*off - ops[i].number);
			i += 2;
			break;
		default:
			return -1; /* DW_OP_stack_value (a value, not a slot) or an expression */
		}
	}
	return 0;
}

/*
 * the threshold N of the CFA expression x86-64 PLTs carry, "SP + 8 +
 * (((RIP & 15) >= N) << 3)" (the entry has pushed a word from byte N on),
 * or -1 for any other expression
 */
static int plt_threshold(const struct cfi *c, const struct op *ops, size_t nops)
{
	static const uint8_t tail[] = { DW_OP_lit15, DW_OP_and, 0, DW_OP_ge, DW_OP_lit3, DW_OP_shl, DW_OP_plus };
	size_t i;

	if (c->ra != 16 || nops != 9 || ops[0].atom != DW_OP_breg0 + c->sp || ops[0].number != 8 ||
	    ops[1].atom != DW_OP_breg0 + c->ra || ops[1].number != 0)
		return -1;
	for (i = 0; i < sizeof(tail); i++)
		if (tail[i] && ops[2 + i].atom != tail[i])
			return -1;
	if (ops[4].atom < DW_OP_lit0 || ops[4].atom > DW_OP_lit15)
		return -1;
	return ops[4].atom - DW_OP_lit0;
}

/*
 * a register rule as a location from the CFA: "CFA + value" for the
 * offset rules, the CFA then the block for the expression rules (then
 * DW_OP_stack_value for a value); nops 0 for the others. -1 when the
 * block cannot be read.
 */
static int reg_ops(const struct cfi *c, const struct cfi_reg *r, struct op *ops, size_t *nops)
{
	*nops = 0;
	memset(&ops[0], 0, sizeof(ops[0]));
	switch (r->kind) {
	case REG_OFFSET: case REG_VAL_OFFSET:
		ops[0].atom = DW_OP_call_frame_cfa;
		ops[1].atom = DW_OP_plus_uconst;
		ops[1].number = (uint64_t)r->value;
		*nops = r->value ? 2 : 1;
		return 0;
	case REG_EXPR: case REG_VAL_EXPR:
		ops[0].atom = DW_OP_call_frame_cfa;
		*nops = 1;
		if (decode_block(c, r->expr, r->len, ops, nops) < 0)
			return -1;
		if (r->kind == REG_VAL_EXPR) {
			if (*nops == MAX_OPS)
				return -1;
			memset(&ops[*nops], 0, sizeof(ops[0]));
			ops[(*nops)++].atom = DW_OP_stack_value;
		}
		return 0;
	case REG_REGISTER:
		ops[0].atom = DW_OP_regx;
		*nops = 1;
		return 0;
	default:
		return 0;
	}
}

/* the CFA's register and offset; -1 when the analyzer cannot follow it (ANALYZER_CFA_PLT set in out) */
static int cfa_of(const struct cfi *c, const struct cfi_state *st, struct analyzer_unwind_rule *out, uint64_t *reg,
		  int64_t *off)
{
	struct op ops[MAX_OPS];
	size_t nops = 0;
	int plt;

	if (st->cfa == CFA_OFFSET) {
		*reg = st->cfa_reg;
		*off = st->cfa_off;
		return fits_s16(*off) ? 0 : -1;
	}
	if (st->cfa != CFA_EXPR || decode(st->cfa_expr, st->cfa_expr + st->cfa_len, c->addr_size, ops, &nops) < 0)
		return -1;
	if (nops != 1) {
		plt = plt_threshold(c, ops, nops);
		if (plt >= 0 && !out->ra_in_lr) {
			out->cfa_reg = ANALYZER_CFA_PLT;
			out->cfa_off = (int16_t)plt;
		}
		return -1;
	}
	if (ops[0].atom == DW_OP_bregx) {
		*reg = ops[0].number;
		*off = (int64_t)ops[0].number2;
	} else if (ops[0].atom >= DW_OP_breg0 && ops[0].atom <= DW_OP_breg31) {
		*reg = (uint64_t)(ops[0].atom - DW_OP_breg0);
		*off = (int64_t)ops[0].number;
	} else {
		return -1;
	}
	return fits_s16(*off) ? 0 : -1;
}

void cfi_rule_of(const struct cfi *c, const struct cfi_state *st, struct analyzer_unwind_rule *out)
{
	struct op ops[MAX_OPS];
	size_t nops;
	uint64_t reg;
	int64_t off;

	memset(out, 0, sizeof(*out));
	if (st->ra.kind == REG_UNDEFINED) { /* the outermost frame */
		out->cfa_reg = ANALYZER_CFA_END;
		return;
	}
	if (st->ra.kind == REG_SAME) /* still in the link register */
		out->ra_in_lr = 1;
	else if (reg_ops(c, &st->ra, ops, &nops) < 0 || cfa_offset(ops, nops, &off) < 0 || !fits_s16(off))
		return;
	else
		out->ra_off = (int16_t)off;
	if (cfa_of(c, st, out, &reg, &off) < 0)
		return;
	out->cfa_reg = reg == (uint64_t)c->sp ? ANALYZER_CFA_SP : reg == (uint64_t)c->fp ? ANALYZER_CFA_FP : ANALYZER_CFA_NONE;
	if (out->cfa_reg == ANALYZER_CFA_NONE)
		return;
	out->cfa_off = (int16_t)off;
	/* a saved FP: a location, not a value */
	if ((st->fp.kind == REG_OFFSET || st->fp.kind == REG_EXPR) && reg_ops(c, &st->fp, ops, &nops) == 0 &&
	    cfa_offset(ops, nops, &off) == 0 && fits_s16(off) && off != 0)
		out->fp_off = (int16_t)off;
}

static int same_rule(const struct analyzer_unwind_rule *a, const struct analyzer_unwind_rule *b)
{
	return a->cfa_reg == b->cfa_reg && a->ra_in_lr == b->ra_in_lr && a->cfa_off == b->cfa_off &&
	       a->ra_off == b->ra_off && a->fp_off == b->fp_off;
}

int cfi_push(struct cfi_rules *b, uint32_t pc, const struct analyzer_unwind_rule *rule)
{
	struct analyzer_unwind_rule *tmp;

	if (b->n && same_rule(&b->v[b->n - 1], rule))
		return 0;
	if (b->n && b->v[b->n - 1].pc == pc) { /* an empty range: replaced */
		b->v[b->n - 1] = *rule;
		b->v[b->n - 1].pc = pc;
		if (b->n > 1 && same_rule(&b->v[b->n - 2], rule))
			b->n--;
		return 0;
	}
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 1024;
		tmp = realloc(b->v, b->cap * sizeof(*tmp));
		if (!tmp)
			return -1;
		b->v = tmp;
	}
	b->v[b->n] = *rule;
	b->v[b->n].pc = pc;
	b->n++;
	return 0;
}
