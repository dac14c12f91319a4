/* Reads CFI into unwind rules (see unwind/table.h). */
#include "unwind/table.h"

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
#include "unwind/cfi.h"

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

/* the file's machine, one the analyzer unwinds; 0 for another */
static int machine_of(Elf *elf)
{
	GElf_Ehdr eh;

	if (!gelf_getehdr(elf, &eh) || (eh.e_machine != EM_X86_64 && eh.e_machine != EM_AARCH64))
		return 0;
	return eh.e_machine;
}

static int read_rules(struct unwind_table *t, Elf *elf, int machine, double until, char *err, size_t errlen)
{
	struct cfi_rules b = { NULL, 0, 0 };
	uint64_t start, end, done = 0;
	struct cfi cfi;
	int ret = -1, rc;
	size_t i;

	rc = cfi_open(&cfi, elf, machine);
	if (rc <= 0) {
		if (rc < 0)
			snprintf(err, errlen, "out of memory");
		return rc; /* 0, no CFI: the analyzer falls back to frame pointers */
	}
	t->has_cfi = 1;
	for (i = 0; i < t->nsegs; i++) {
		if (t->segs[i].vaddr + t->segs[i].filesz - t->base > UINT32_MAX) {
			snprintf(err, errlen, "executable segments span more than 4 GiB");
			goto cleanup;
		}
		/* segments sorted by address; where they overlap, the rules are read once */
		start = t->segs[i].vaddr > done ? t->segs[i].vaddr : done;
		end = t->segs[i].vaddr + t->segs[i].filesz;
		rc = start < end ? cfi_rules(&cfi, start, end, t->base, until, &b) : 0;
		if (rc < 0) {
			snprintf(err, errlen, rc == -2 ? "its reading was cut short at the deadline" : "out of memory");
			goto cleanup;
		}
		if (end > done)
			done = end;
	}
	/* kept as long as the file is: no room beyond the rules */
	t->rules = b.n ? realloc(b.v, b.n * sizeof(*b.v)) : NULL;
	if (b.n && !t->rules)
		t->rules = b.v;
	else if (!b.n)
		free(b.v);
	t->n = b.n;
	b.v = NULL;
	ret = 0;
cleanup:
	free(b.v);
	cfi_close(&cfi);
	return ret;
}

static int by_vaddr(const void *x, const void *y)
{
	const struct unwind_segment *a = x, *b = y;

	return a->vaddr < b->vaddr ? -1 : a->vaddr > b->vaddr;
}

static int read_fd(struct unwind_table *t, int fd, const char *name, double until, char *err, size_t errlen)
{
	Elf *elf = NULL;
	int ret = -1, machine;

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
	machine = machine_of(elf);
	if (!machine) {
		snprintf(err, errlen, "'%s' is for a machine other than x86-64 and aarch64", name);
		goto cleanup;
	}
	if (read_segments(t, elf) < 0) {
		snprintf(err, errlen, "'%s' has no readable program headers", name);
		goto cleanup;
	}
	qsort(t->segs, t->nsegs, sizeof(t->segs[0]), by_vaddr);
	read_build_id(t, elf);
	ret = read_rules(t, elf, machine, until, err, errlen);
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
		return -2;
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

