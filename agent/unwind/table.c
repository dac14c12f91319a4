/* Reads CFI into unwind rules (see unwind/table.h). */
#include "unwind/table.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwelf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "unwind/fde.h"

/* DWARF register numbers of the stack pointer, frame pointer and return address (x86-64: RIP) */
struct unwind_regs {
	int sp, fp, ra;
};

struct rules_buf {
	struct analyzer_unwind_rule *v;
	size_t n, cap;
};

static int fits_s16(int64_t x)
{
	return x >= INT16_MIN && x <= INT16_MAX;
}

/*
 * the offset from the CFA of "CFA + off" in ops (libdw's forms of the
 * offset(N) rule); -1 for anything else
 */
static int cfa_offset(const Dwarf_Op *ops, size_t nops, int64_t *off)
{
	size_t i = 1;

	if (nops == 0 || ops[0].atom != DW_OP_call_frame_cfa)
		return -1;
	*off = 0;
	while (i < nops) {
		switch (ops[i].atom) {
		case DW_OP_plus_uconst:
			*off += (int64_t)ops[i].number;
			i++;
			break;
		case DW_OP_consts: case DW_OP_const1s: case DW_OP_const2s: case DW_OP_const4s:
		case DW_OP_const8s: case DW_OP_constu: case DW_OP_const1u: case DW_OP_const2u:
		case DW_OP_const4u: case DW_OP_const8u:
			if (i + 1 >= nops || (ops[i + 1].atom != DW_OP_plus && ops[i + 1].atom != DW_OP_minus))
				return -1;
			*off += ops[i + 1].atom == DW_OP_plus ? (int64_t)ops[i].number : -(int64_t)ops[i].number;
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
static int plt_threshold(const Dwarf_Op *ops, size_t nops, const struct unwind_regs *r)
{
	static const uint8_t tail[] = { DW_OP_lit15, DW_OP_and, 0, DW_OP_ge, DW_OP_lit3, DW_OP_shl, DW_OP_plus };
	size_t i;

	if (r->ra != 16 || nops != 9 || ops[0].atom != DW_OP_breg0 + r->sp || ops[0].number != 8 ||
	    ops[1].atom != DW_OP_breg0 + r->ra || ops[1].number != 0)
		return -1;
	for (i = 0; i < sizeof(tail); i++)
		if (tail[i] && ops[2 + i].atom != tail[i])
			return -1;
	if (ops[4].atom < DW_OP_lit0 || ops[4].atom > DW_OP_lit15)
		return -1;
	return ops[4].atom - DW_OP_lit0;
}

/* the rule of one CFI row */
static void rule_of_frame(Dwarf_Frame *frame, const struct unwind_regs *r, struct analyzer_unwind_rule *out)
{
	Dwarf_Op mem[3], *ops;
	size_t nops;
	int64_t off;
	int ra;

	memset(out, 0, sizeof(*out));
	ra = dwarf_frame_info(frame, NULL, NULL, NULL);
	if (ra < 0)
		return;
	if (dwarf_frame_register(frame, ra, mem, &ops, &nops) < 0)
		return;
	if (nops == 0 && ops == mem) { /* undefined: the outermost frame */
		out->cfa_reg = ANALYZER_CFA_END;
		return;
	}
	if (nops == 0) /* same value: still in the link register */
		out->ra_in_lr = 1;
	else if (cfa_offset(ops, nops, &off) < 0 || !fits_s16(off))
		return;
	else
		out->ra_off = (int16_t)off;
	if (dwarf_frame_cfa(frame, &ops, &nops) < 0)
		return;
	if (nops != 1) {
		off = plt_threshold(ops, nops, r);
		if (off >= 0 && !out->ra_in_lr) {
			out->cfa_reg = ANALYZER_CFA_PLT;
			out->cfa_off = (int16_t)off;
		}
		return;
	}
	if (ops[0].atom == DW_OP_bregx && fits_s16((int64_t)ops[0].number2)) {
		off = (int64_t)ops[0].number2;
		out->cfa_reg = (int)ops[0].number == r->sp ? ANALYZER_CFA_SP
			       : (int)ops[0].number == r->fp ? ANALYZER_CFA_FP : ANALYZER_CFA_NONE;
	} else if (ops[0].atom >= DW_OP_breg0 && ops[0].atom <= DW_OP_breg31 && fits_s16((int64_t)ops[0].number)) {
		off = (int64_t)ops[0].number;
		out->cfa_reg = (int)(ops[0].atom - DW_OP_breg0) == r->sp ? ANALYZER_CFA_SP
			       : (int)(ops[0].atom - DW_OP_breg0) == r->fp ? ANALYZER_CFA_FP : ANALYZER_CFA_NONE;
	} else {
		return;
	}
	if (out->cfa_reg == ANALYZER_CFA_NONE)
		return;
	out->cfa_off = (int16_t)off;
	if (dwarf_frame_register(frame, r->fp, mem, &ops, &nops) == 0 && nops > 0) {
		if (cfa_offset(ops, nops, &off) == 0 && fits_s16(off) && off != 0)
			out->fp_off = (int16_t)off;
	}
}

static int same_rule(const struct analyzer_unwind_rule *a, const struct analyzer_unwind_rule *b)
{
	return a->cfa_reg == b->cfa_reg && a->ra_in_lr == b->ra_in_lr && a->cfa_off == b->cfa_off &&
	       a->ra_off == b->ra_off && a->fp_off == b->fp_off;
}

/* append rule at pc (relative to the base), merged into the last when equal */
static int push_rule(struct rules_buf *b, uint32_t pc, const struct analyzer_unwind_rule *rule)
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

/* rules for [start, end), ELF addresses; -1 when out of memory, -2 past until (now()'s clock) */
static int read_range(Dwarf_CFI *cfi, const struct fde_starts *fs, const struct unwind_regs *r, uint64_t base,
		      uint64_t start, uint64_t end, double until, struct rules_buf *b)
{
	static const struct analyzer_unwind_rule none;
	struct analyzer_unwind_rule rule;
	Dwarf_Addr lo, hi;
	Dwarf_Frame *frame;
	uint64_t addr = start;
	unsigned steps = 0;

	while (addr < end) {
		if (until < INFINITY && (steps++ & 1023) == 0 && now() >= until)
			return -2;
		if (dwarf_cfi_addrframe(cfi, addr, &frame) != 0) {
			if (push_rule(b, (uint32_t)(addr - base), &none) < 0)
				return -1;
			/* no FDE here: on to the next one */
			addr = fs->n ? fde_next(fs, addr) : fde_probe_next(cfi, addr, end);
			continue;
		}
		rule_of_frame(frame, r, &rule);
		if (dwarf_frame_info(frame, &lo, &hi, NULL) < 0 || hi <= addr)
			hi = addr + 1;
		free(frame);
		if (push_rule(b, (uint32_t)(addr - base), &rule) < 0)
			return -1;
		addr = hi;
	}
	return 0;
}

static int read_segments(struct unwind_table *t, Elf *elf)
{
	GElf_Phdr ph;
	size_t nph, i, size = 0;

	if (elf_getphdrnum(elf, &nph) != 0 || !elf_rawfile(elf, &size))
		return -1;
	for (i = 0; i < nph; i++) {
		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD || !(ph.p_flags & PF_X))
			continue;
		/* a segment the file cannot hold, or wrapping around, is no code of it */
		if (ph.p_offset > size || ph.p_filesz > size - ph.p_offset || ph.p_vaddr + ph.p_filesz < ph.p_vaddr)
			continue;
		if (t->nsegs == UNWIND_MAX_SEGMENTS)
			break;
		t->segs[t->nsegs].offset = ph.p_offset;
		t->segs[t->nsegs].vaddr = ph.p_vaddr;
		t->segs[t->nsegs].filesz = ph.p_filesz;
		if (!t->nsegs || ph.p_vaddr < t->base)
			t->base = ph.p_vaddr;
		t->nsegs++;
	}
	return 0;
}

static void read_build_id(struct unwind_table *t, Elf *elf)
{
	const unsigned char *id;
	ssize_t len = dwelf_elf_gnu_build_id(elf, (const void **)&id);
	ssize_t i;

	t->build_id[0] = '\0';
	for (i = 0; i < len && i < 20; i++)
		snprintf(t->build_id + 2 * i, 3, "%02x", id[i]);
}

static int regs_of(Elf *elf, struct unwind_regs *r)
{
	GElf_Ehdr eh;

	if (!gelf_getehdr(elf, &eh))
		return -1;
	switch (eh.e_machine) {
	case EM_X86_64: r->sp = 7; r->fp = 6; r->ra = 16; return 0;
	case EM_AARCH64: r->sp = 31; r->fp = 29; r->ra = 30; return 0;
	default: return -1;
	}
}

static int read_rules(struct unwind_table *t, Elf *elf, const struct unwind_regs *r, double until, char *err,
		      size_t errlen)
{
	struct rules_buf b = { NULL, 0, 0 };
	struct fde_starts fs = { NULL, 0 };
	Dwarf_CFI *cfi = dwarf_getcfi_elf(elf), *dcfi = NULL;
	uint64_t start, end, done = 0;
	Dwarf *dw = NULL;
	int ret = -1, rc;
	size_t i;

	if (!cfi) {
		dw = dwarf_begin_elf(elf, DWARF_C_READ, NULL);
		dcfi = dw ? dwarf_getcfi(dw) : NULL;
	}
	if (!cfi && !dcfi) {
		ret = 0; /* no CFI: the analyzer falls back to frame pointers */
		goto cleanup;
	}
	t->has_cfi = 1;
	if (cfi)
		fde_starts_read(elf, &fs);
	for (i = 0; i < t->nsegs; i++) {
		if (t->segs[i].vaddr + t->segs[i].filesz - t->base > UINT32_MAX) {
			snprintf(err, errlen, "executable segments span more than 4 GiB");
			goto cleanup;
		}
		/* segments sorted by address; where they overlap, the rules are read once */
		start = t->segs[i].vaddr > done ? t->segs[i].vaddr : done;
		end = t->segs[i].vaddr + t->segs[i].filesz;
		rc = start < end ? read_range(cfi ? cfi : dcfi, &fs, r, t->base, start, end, until, &b) : 0;
		if (rc < 0) {
			snprintf(err, errlen, rc == -2 ? "its reading was cut short at the deadline" : "out of memory");
			goto cleanup;
		}
		if (end > done)
			done = end;
	}
	t->rules = b.v;
	t->n = b.n;
	b.v = NULL;
	ret = 0;
cleanup:
	free(b.v);
	free(fs.v);
	if (cfi)
		dwarf_cfi_end(cfi);
	if (dw)
		dwarf_end(dw);
	return ret;
}

static int by_vaddr(const void *x, const void *y)
{
	const struct unwind_segment *a = x, *b = y;

	return a->vaddr < b->vaddr ? -1 : a->vaddr > b->vaddr;
}

static int read_fd(struct unwind_table *t, int fd, const char *name, double until, char *err, size_t errlen)
{
	struct unwind_regs r;
	Elf *elf = NULL;
	int ret = -1;

	memset(t, 0, sizeof(*t));
	if (elf_version(EV_CURRENT) == EV_NONE) {
		snprintf(err, errlen, "libelf is too old");
		return -1;
	}
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		snprintf(err, errlen, "'%s' is not an ELF file", name);
		goto cleanup;
	}
	if (regs_of(elf, &r) < 0) {
		snprintf(err, errlen, "'%s' is for a machine other than x86-64 and aarch64", name);
		goto cleanup;
	}
	if (read_segments(t, elf) < 0) {
		snprintf(err, errlen, "'%s' has no readable program headers", name);
		goto cleanup;
	}
	qsort(t->segs, t->nsegs, sizeof(t->segs[0]), by_vaddr);
	read_build_id(t, elf);
	ret = read_rules(t, elf, &r, until, err, errlen);
cleanup:
	if (elf)
		elf_end(elf);
	return ret;
}

int unwind_table_read_fd(struct unwind_table *t, int fd, const char *name, char *err, size_t errlen)
{
	return read_fd(t, fd, name, INFINITY, err, errlen);
}

int unwind_table_read(struct unwind_table *t, const char *path, char *err, size_t errlen)
{
	return unwind_table_read_until(t, path, INFINITY, err, errlen);
}

int unwind_table_read_until(struct unwind_table *t, const char *path, double until, char *err, size_t errlen)
{
	int fd, ret;

	memset(t, 0, sizeof(*t));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
		return -1;
	}
	ret = read_fd(t, fd, path, until, err, errlen);
	close(fd);
	return ret;
}

const struct analyzer_unwind_rule *unwind_rules_find(const struct analyzer_unwind_rule *rules, size_t n,
						     uint64_t rel)
{
	size_t lo = 0, hi = n, mid;

	if (!n || rules[0].pc > rel)
		return NULL;
	while (hi - lo > 1) { /* invariant: rules[lo].pc <= rel, rules[hi].pc > rel */
		mid = lo + (hi - lo) / 2;
		if (rules[mid].pc <= rel)
			lo = mid;
		else
			hi = mid;
	}
	return &rules[lo];
}

const struct analyzer_unwind_rule *unwind_table_find(const struct unwind_table *t, uint64_t vaddr)
{
	if (vaddr < t->base || vaddr - t->base > UINT32_MAX)
		return NULL;
	return unwind_rules_find(t->rules, t->n, vaddr - t->base);
}

int unwind_table_vaddr(const struct unwind_table *t, uint64_t offset, uint64_t *vaddr)
{
	size_t i;

	for (i = 0; i < t->nsegs; i++) {
		/* a mapping starts at the page holding the segment's first byte */
		uint64_t page = t->segs[i].offset & ~(uint64_t)0xfff;

		if (offset >= page && offset < t->segs[i].offset + t->segs[i].filesz) {
			*vaddr = offset - t->segs[i].offset + t->segs[i].vaddr;
			return 0;
		}
	}
	return -1;
}

void unwind_table_release(struct unwind_table *t)
{
	free(t->rules);
	t->rules = NULL;
	t->n = 0;
}

