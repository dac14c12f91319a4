/* Reads an ELF file's function symbols and build-id with libelf (see elfsyms.h). */
#include "elfsyms.h"

#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef NT_GNU_BUILD_ID
#define NT_GNU_BUILD_ID 3
#endif

/* append the defined function symbols of one symbol table section */
static int read_symtab(struct elfsyms *e, Elf *elf, Elf_Scn *scn, const GElf_Shdr *sh)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	size_t i, count;
	struct elf_sym *tmp;

	if (!d || !sh->sh_entsize)
		return 0;
	count = sh->sh_size / sh->sh_entsize;
	tmp = realloc(e->syms, (e->n + count) * sizeof(*tmp));
	if (!tmp && e->n + count)
		return -1;
	e->syms = tmp;
	for (i = 0; i < count; i++) {
		GElf_Sym s;
		const char *name;
		int type;

		if (!gelf_getsym(d, (int)i, &s))
			continue;
		type = GELF_ST_TYPE(s.st_info);
		if ((type != STT_FUNC && type != STT_GNU_IFUNC) || s.st_shndx == SHN_UNDEF || !s.st_value)
			continue;
		name = elf_strptr(elf, sh->sh_link, s.st_name);
		if (!name || !*name)
			continue;
		e->syms[e->n].addr = s.st_value;
		e->syms[e->n].size = s.st_size;
		e->syms[e->n].name = name;
		e->n++;
	}
	return 0;
}

/* sorted by address; at one address the first read (.symtab) first */
static int by_addr(const void *a, const void *b)
{
	const struct elf_sym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x < y ? -1 : x > y;
}

static int read_symbols(struct elfsyms *e, Elf *elf)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	size_t i, out;
	int pass;

	/* .symtab first, then .dynsym, so .symtab's names win at equal addresses */
	for (pass = 0; pass < 2; pass++) {
		while ((scn = elf_nextscn(elf, scn)) != NULL) {
			if (!gelf_getshdr(scn, &sh))
				continue;
			if (sh.sh_type == (pass ? SHT_DYNSYM : SHT_SYMTAB) && read_symtab(e, elf, scn, &sh) < 0)
				return -1;
		}
	}
	if (e->n)
		qsort(e->syms, e->n, sizeof(*e->syms), by_addr);
	for (i = 0, out = 0; i < e->n; i++)
		if (out == 0 || e->syms[out - 1].addr != e->syms[i].addr)
			e->syms[out++] = e->syms[i];
	e->n = out;
	return 0;
}

static int read_segments(struct elfsyms *e, Elf *elf)
{
	size_t i, n;
	GElf_Phdr ph;

	if (elf_getphdrnum(elf, &n) != 0)
		return -1;
	e->loads = calloc(n ? n : 1, sizeof(*e->loads));
	if (!e->loads)
		return -1;
	for (i = 0; i < n; i++) {
		if (!gelf_getphdr(elf, (int)i, &ph))
			continue;
		if (ph.p_type == PT_LOAD) {
			e->loads[e->nloads].offset = ph.p_offset;
			e->loads[e->nloads].vaddr = ph.p_vaddr;
			e->loads[e->nloads].filesz = ph.p_filesz;
			e->nloads++;
		} else if (ph.p_type == PT_NOTE && !e->build_id[0]) {
			Elf_Data *d = elf_getdata_rawchunk(elf, (int64_t)ph.p_offset, ph.p_filesz, ELF_T_NHDR);
			GElf_Nhdr nh;
			size_t off = 0, name_off, desc_off, k;

			while (d && (off = gelf_getnote(d, off, &nh, &name_off, &desc_off)) > 0) {
				if (nh.n_type != NT_GNU_BUILD_ID || nh.n_namesz != 4 ||
				    memcmp((char *)d->d_buf + name_off, "GNU", 4) || nh.n_descsz > 64)
					continue;
				for (k = 0; k < nh.n_descsz; k++)
					snprintf(e->build_id + 2 * k, 3, "%02x",
						 ((const unsigned char *)d->d_buf)[desc_off + k]);
				break;
			}
		}
	}
	return 0;
}

int elfsyms_open(struct elfsyms *e, int fd, char *err, size_t errlen)
{
	Elf *elf;

	memset(e, 0, sizeof(*e));
	e->fd = fd;
	if (elf_version(EV_CURRENT) == EV_NONE) {
		snprintf(err, errlen, "libelf: %s", elf_errmsg(-1));
		goto fail;
	}
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	e->elf = elf;
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		snprintf(err, errlen, "not an ELF file");
		goto fail;
	}
	if (read_segments(e, elf) < 0 || read_symbols(e, elf) < 0) {
		snprintf(err, errlen, "cannot read its ELF tables: %s", elf_errmsg(-1));
		goto fail;
	}
	return 0;
fail:
	elfsyms_release(e);
	return -1;
}

int elfsyms_vaddr(const struct elfsyms *e, uint64_t offset, uint64_t *vaddr)
{
	size_t i;

	for (i = 0; i < e->nloads; i++) {
		const struct elf_load *l = &e->loads[i];

		if (offset >= l->offset && offset < l->offset + l->filesz) {
			*vaddr = offset - l->offset + l->vaddr;
			return 0;
		}
	}
	return -1;
}

const struct elf_sym *elfsyms_lookup(const struct elfsyms *e, uint64_t vaddr)
{
	size_t lo = 0, hi = e->n, i;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (e->syms[mid].addr <= vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* the closest symbols at or below vaddr; a few back for enclosing ones */
	for (i = lo; i > 0 && i + 4 > lo; i--) {
		const struct elf_sym *s = &e->syms[i - 1];

		if (vaddr < s->addr + s->size)
			return s;
	}
	return NULL;
}

void elfsyms_release(struct elfsyms *e)
{
	if (e->elf)
		elf_end(e->elf);
	if (e->fd >= 0)
		close(e->fd);
	free(e->syms);
	free(e->loads);
	memset(e, 0, sizeof(*e));
	e->fd = -1;
}
