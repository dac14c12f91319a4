/*
 * The one-pass CFI reader (agent/unwind/cfi.c) against libdw: on system
 * binaries (cc1, libc, libstdc++, ld.so, python3, the vDSO), the rules
 * unwind_table_read gives are, one by one, those of the reader it
 * replaced, which asked libdw's dwarf_cfi_addrframe for the row at each
 * address (kept here as the reference: struct fde_starts and read_range).
 */
#include "harness.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "proc/maps.h"
#include "unwind/table.h"

/* where functions with CFI start, sorted: the search table of .eh_frame_hdr */
struct fde_starts {
	uint64_t *v;
	size_t n;
};

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/*
 * the FDEs' start addresses from .eh_frame_hdr's search table (in the
 * PT_GNU_EH_FRAME segment), as every linker writes it: a 4-byte count
 * (DW_EH_PE_udata4) and pairs of 4-byte offsets from the header
 * (DW_EH_PE_datarel | DW_EH_PE_sdata4). Left empty for any other layout,
 * or when the table is not sorted: fde_probe_next then probes.
 */
static void fde_starts_read(Elf *elf, struct fde_starts *fs)
{
	const unsigned char *h;
	Elf_Data *d = NULL;
	GElf_Phdr ph;
	size_t nph, i, ptr_len, count;

	fs->v = NULL;
	fs->n = 0;
	if (elf_getphdrnum(elf, &nph) != 0)
		return;
	for (i = 0; i < nph && !d; i++)
		if (gelf_getphdr(elf, (int)i, &ph) && ph.p_type == PT_GNU_EH_FRAME && ph.p_filesz >= 12)
			d = elf_getdata_rawchunk(elf, (int64_t)ph.p_offset, ph.p_filesz, ELF_T_BYTE);
	if (!d || !d->d_buf || d->d_size < 12)
		return;
	h = d->d_buf;
	/* version 1; the .eh_frame pointer's encoding sets its size */
	switch (h[1] & 0x0f) {
	case 0x03: case 0x0b: ptr_len = 4; break; /* udata4, sdata4 */
	case 0x00: case 0x04: case 0x0c: ptr_len = 8; break; /* absptr, udata8, sdata8 */
	default: return;
	}
	if (h[0] != 1 || h[2] != 0x03 || h[3] != 0x3b || d->d_size < 4 + ptr_len + 4)
		return;
	count = le32(h + 4 + ptr_len);
	if (count == 0 || count > (d->d_size - 8 - ptr_len) / 8)
		return;
	fs->v = malloc(count * sizeof(*fs->v));
	if (!fs->v)
		return;
	for (i = 0; i < count; i++) {
		fs->v[i] = ph.p_vaddr + (uint64_t)(int64_t)(int32_t)le32(h + 8 + ptr_len + 8 * i);
		if (i && fs->v[i] < fs->v[i - 1]) {
			free(fs->v);
			fs->v = NULL;
			return;
		}
	}
	fs->n = count;
}

/* 1 when some FDE covers addr */
static int covered(Dwarf_CFI *cfi, uint64_t addr)
{
	Dwarf_Frame *frame;

	if (dwarf_cfi_addrframe(cfi, addr, &frame) != 0)
		return 0;
	free(frame);
	return 1;
}

/*
 * without a search table, where CFI starts again after addr (which has
 * none), before end: probes at doubling distances, then halves back to
 * the first covered address it can find, so a gap costs lookups in its
 * logarithm, not its length (a short function amid a gap may be missed)
 */
static uint64_t fde_probe_next(Dwarf_CFI *cfi, uint64_t addr, uint64_t end)
{
	uint64_t lo = addr, hi = 0, step, mid;

	for (step = 1; step < end - addr; step *= 2) {
		if (covered(cfi, addr + step)) {
			hi = addr + step;
			break;
		}
		lo = addr + step;
	}
	if (!hi)
		return end;
	while (hi - lo > 1) { /* lo has no CFI, hi has */
		mid = lo + (hi - lo) / 2;
		if (covered(cfi, mid))
			hi = mid;
		else
			lo = mid;
	}
	return hi;
}

/* the first FDE start above addr in the search table (UINT64_MAX: none) */
static uint64_t fde_next(const struct fde_starts *fs, uint64_t addr)
{
	size_t lo = 0, hi = fs->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (fs->v[mid] <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < fs->n ? fs->v[lo] : UINT64_MAX;
}

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

/* rules for [start, end), ELF addresses; -1 when out of memory */
static int read_range(Dwarf_CFI *cfi, const struct fde_starts *fs, const struct unwind_regs *r, uint64_t base,
		      uint64_t start, uint64_t end, struct rules_buf *b)
{
	static const struct analyzer_unwind_rule none;
	struct analyzer_unwind_rule rule;
	Dwarf_Addr lo, hi;
	Dwarf_Frame *frame;
	uint64_t addr = start;

	while (addr < end) {
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


/* the reference's rules of the file open on fd, over t's segments; 0 or -1 */
static int libdw_rules(int fd, const struct unwind_table *t, struct rules_buf *b)
{
	struct fde_starts fs = { NULL, 0 };
	struct unwind_regs r;
	Dwarf_CFI *cfi = NULL, *dcfi = NULL;
	Dwarf *dw = NULL;
	uint64_t start, end, done = 0;
	GElf_Ehdr eh;
	Elf *elf;
	int ret = -1;
	size_t i;

	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || !gelf_getehdr(elf, &eh))
		goto cleanup;
	r.sp = eh.e_machine == EM_AARCH64 ? 31 : 7;
	r.fp = eh.e_machine == EM_AARCH64 ? 29 : 6;
	r.ra = eh.e_machine == EM_AARCH64 ? 30 : 16;
	cfi = dwarf_getcfi_elf(elf);
	if (!cfi) {
		dw = dwarf_begin_elf(elf, DWARF_C_READ, NULL);
		dcfi = dw ? dwarf_getcfi(dw) : NULL;
	}
	if (!cfi && !dcfi)
		goto cleanup;
	if (cfi)
		fde_starts_read(elf, &fs);
	for (i = 0; i < t->nsegs; i++) {
		start = t->segs[i].vaddr > done ? t->segs[i].vaddr : done;
		end = t->segs[i].vaddr + t->segs[i].filesz;
		if (start < end && read_range(cfi ? cfi : dcfi, &fs, &r, t->base, start, end, b) < 0)
			goto cleanup;
		if (end > done)
			done = end;
	}
	ret = 0;
cleanup:
	free(fs.v);
	if (cfi)
		dwarf_cfi_end(cfi);
	if (dw)
		dwarf_end(dw);
	if (elf)
		elf_end(elf);
	return ret;
}

/* compares the two readers on the file open on fd; the rules compared, or -1 when they differ */
static long compare(int fd, const char *name)
{
	struct rules_buf b = { NULL, 0, 0 };
	struct unwind_table t;
	char err[256];
	long ret = -1;
	size_t i;

	if (unwind_table_read_fd(&t, fd, name, err, sizeof(err)) < 0) {
		printf("#   %s: %s\n", name, err);
		return -1;
	}
	if (!t.has_cfi || libdw_rules(fd, &t, &b) < 0) {
		printf("#   %s: no CFI\n", name);
		goto cleanup;
	}
	for (i = 0; i < t.n && i < b.n; i++) {
		const struct analyzer_unwind_rule *x = &t.rules[i], *y = &b.v[i];

		if (x->pc != y->pc || !same_rule(x, y)) {
			printf("#   %s: rule %zu: pc 0x%x cfa %u%+d ra %d%s fp %d, libdw: pc 0x%x cfa %u%+d ra %d%s fp %d\n",
			       name, i, x->pc, x->cfa_reg, x->cfa_off, x->ra_off, x->ra_in_lr ? " (lr)" : "", x->fp_off,
			       y->pc, y->cfa_reg, y->cfa_off, y->ra_off, y->ra_in_lr ? " (lr)" : "", y->fp_off);
			goto cleanup;
		}
	}
	if (t.n != b.n) {
		printf("#   %s: %zu rules, libdw %zu\n", name, t.n, b.n);
		goto cleanup;
	}
	printf("# %s: %zu rules, the same\n", name, t.n);
	ret = (long)t.n;
cleanup:
	free(b.v);
	unwind_table_release(&t);
	return ret;
}

/* compares the readers on the file at path: the rules compared, 0 when it is missing, -1 when they differ */
static long compare_path(const char *path)
{
	long ret;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		printf("# %s: missing, skipped\n", path);
		return 0;
	}
	ret = compare(fd, path);
	close(fd);
	return ret;
}

/* the path gcc runs as cc1, or "" */
static void cc1_path(char *out, size_t len)
{
	FILE *p = popen("gcc -print-prog-name=cc1 2>/dev/null", "r");

	out[0] = '\0';
	if (!p)
		return;
	if (!fgets(out, (int)len, p))
		out[0] = '\0';
	out[strcspn(out, "\n")] = '\0';
	pclose(p);
}

TEST(cfi__libc_and_ld_so_as_libdw)
{
	static const char *const libs[] = {
		"/usr/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
		"/usr/lib/aarch64-linux-gnu/libc.so.6", "/usr/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1",
	};
	long n, total = 0;
	size_t i;

	elf_version(EV_CURRENT);
	for (i = 0; i < sizeof(libs) / sizeof(libs[0]); i++) {
		n = compare_path(libs[i]);
		check(n >= 0);
		total += n;
	}
	check(total > 1000); /* the machine's own libc and ld.so at least */
}

TEST(cfi__cc1_libstdcxx_python3_as_libdw)
{
	static const char *const files[] = {
		"/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
		"/usr/bin/python3",
	};
	char cc1[4096];
	long n, total = 0;
	size_t i;

	elf_version(EV_CURRENT);
	cc1_path(cc1, sizeof(cc1));
	check(cc1[0] == '/');
	n = compare_path(cc1);
	check(n > 100000); /* gcc's compiler proper: some 480 Ki rules */
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		n = compare_path(files[i]);
		check(n >= 0);
		total += n;
	}
	check(total > 10000);
}

TEST(cfi__vdso_as_libdw)
{
	struct procmap m;
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");
	int fd = -1;
	long n;

	elf_version(EV_CURRENT);
	check(f != NULL);
	while (fd < 0 && fgets(line, sizeof(line), f))
		if (procmap_parse_line(line, &m) == 0 && procmap_is_vdso(&m))
			fd = procmap_vdso_fd((uint32_t)getpid(), m.start, m.end);
	fclose(f);
	check(fd >= 0);
	n = compare(fd, "[vdso]");
	close(fd);
	check(n > 0);
}

/*
 * a file without .eh_frame_hdr (linked --no-eh-frame-hdr): every FDE is
 * read, a one-byte function amid code without CFI too (libdw's reader
 * found them by probing, and missed such ones)
 */
TEST(cfi__without_search_table_every_fde)
{
	static const char program[] =
		"__asm__(\".text\\n.globl nocfi\\nnocfi:\\n.fill 200,1,0x90\\nret\\n"
		".globl tiny\\ntiny:\\n.cfi_startproc\\nret\\n.cfi_endproc\\n"
		".fill 300,1,0x90\\n"
		".globl tiny2\\ntiny2:\\n.cfi_startproc\\nret\\n.cfi_endproc\\n\");\n"
		"int main(void) { return 0; }\n";
	char dir[] = "/tmp/test-cfi.XXXXXX", src[64], exe[64], cmd[512], line[256], name[64];
	const char *const names[] = { "tiny", "tiny2" };
	const struct analyzer_unwind_rule *r;
	unsigned long long addr;
	struct unwind_table t;
	char err[256], type;
	int found = 0;
	FILE *f;
	size_t i;

	memset(&t, 0, sizeof(t));
	check(mkdtemp(dir) != NULL);
	snprintf(src, sizeof(src), "%s/p.c", dir);
	snprintf(exe, sizeof(exe), "%s/p", dir);
	f = fopen(src, "w");
	check(f != NULL);
	fputs(program, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "gcc -O2 -Wl,--no-eh-frame-hdr -o %s %s && ! readelf -lW %s | grep -q GNU_EH_FRAME",
		 exe, src, exe);
	check(system(cmd) == 0);
	check(unwind_table_read(&t, exe, err, sizeof(err)) == 0 && t.has_cfi);
	snprintf(cmd, sizeof(cmd), "nm %s", exe);
	f = popen(cmd, "r");
	check(f != NULL);
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %63s", &addr, &type, name) != 3)
			continue;
		for (i = 0; i < 2; i++) {
			if (strcmp(name, names[i]))
				continue;
			/* the entry's rule from the function's first byte, none after its one byte */
			r = unwind_table_find(&t, addr);
			if (r && r->pc == addr - t.base && r->cfa_reg == ANALYZER_CFA_SP && r->cfa_off == 8)
				found++;
			r = unwind_table_find(&t, addr + 1);
			if (!r || r->cfa_reg != ANALYZER_CFA_NONE)
				found = -100;
		}
	}
	pclose(f);
	unwind_table_release(&t);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	check(system(cmd) == 0);
	check(found == 2);
}

int main(void)
{
	static const struct test_case cases[] = {
		CASE(cfi__libc_and_ld_so_as_libdw),
		CASE(cfi__cc1_libstdcxx_python3_as_libdw),
		CASE(cfi__vdso_as_libdw),
		CASE(cfi__without_search_table_every_fde),
	};

	return test_main(cases, sizeof(cases) / sizeof(cases[0]));
}
