/* Reads an ELF file's function symbols and build-id with libelf (see elfsyms.h). */
#include "symbolize/elfsyms.h"

#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#ifndef NT_GNU_BUILD_ID
#define NT_GNU_BUILD_ID 3
#endif

/*
 * a symbol without type in a code section, named as a function would be:
 * an assembler entry point (ld.so's _start, _dl_start_user); not a local
 * label (.L...) nor an arm64 mapping symbol ($x, $d)
 */
static int code_label(Elf *elf, const GElf_Sym *s, const char *name)
{
	GElf_Shdr sh;
	Elf_Scn *scn;

	if (GELF_ST_TYPE(s->st_info) != STT_NOTYPE || s->st_shndx == SHN_UNDEF || s->st_shndx >= SHN_LORESERVE ||
	    name[0] == '$' || name[0] == '.')
		return 0;
	scn = elf_getscn(elf, s->st_shndx);
	return scn && gelf_getshdr(scn, &sh) && (sh.sh_flags & SHF_EXECINSTR);
}

/* append the defined function symbols (and code labels) of one symbol table section */
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
		if ((type != STT_FUNC && type != STT_GNU_IFUNC && type != STT_NOTYPE) || s.st_shndx == SHN_UNDEF ||
		    !s.st_value)
			continue;
		name = elf_strptr(elf, sh->sh_link, s.st_name);
		if (!name || !*name || (type == STT_NOTYPE && (s.st_size || !code_label(elf, &s, name))))
			continue;
		e->syms[e->n].addr = s.st_value;
		e->syms[e->n].size = s.st_size;
		e->syms[e->n].name = name;
		e->syms[e->n].rank = GELF_ST_BIND(s.st_info) == STB_WEAK;
		e->syms[e->n].label = type == STT_NOTYPE;
		e->n++;
	}
	return 0;
}

/* the leading underscores of a name */
static size_t underscores(const char *name)
{
	return strspn(name, "_");
}

/*
 * sorted by address; at one address by rank (a global symbol before its
 * weak alias: the vDSO's __vdso_clock_gettime, not clock_gettime, as perf
 * names it; the file's own before its debug file's), then, as perf, the
 * name with fewer leading underscores (ld.so's _dl_find_object, not its
 * alias __GI__dl_find_object), then the first read (.symtab) first
 */
static int by_addr(const void *a, const void *b)
{
	const struct elf_sym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	if (x->label != y->label)
		return x->label - y->label;
	if (x->rank != y->rank)
		return x->rank - y->rank;
	if (underscores(x->name) != underscores(y->name))
		return underscores(x->name) < underscores(y->name) ? -1 : 1;
	return x < y ? -1 : x > y;
}

/*
 * sort by address and keep the first symbol at each; a code label then
 * extends to the next symbol, and goes when a function holds it
 */
static void sort_symbols(struct elfsyms *e)
{
	uint64_t end = 0;
	size_t i, out;

	if (e->n)
		qsort(e->syms, e->n, sizeof(*e->syms), by_addr);
	for (i = 0, out = 0; i < e->n; i++)
		if (out == 0 || e->syms[out - 1].addr != e->syms[i].addr)
			e->syms[out++] = e->syms[i];
	e->n = out;
	for (i = 0, out = 0; i < e->n; i++) {
		if (e->syms[i].label) {
			if (e->syms[i].addr < end)
				continue;
			e->syms[i].size = i + 1 < e->n ? e->syms[i + 1].addr - e->syms[i].addr : 0;
		}
		if (e->syms[i].addr + e->syms[i].size > end)
			end = e->syms[i].addr + e->syms[i].size;
		e->syms[out++] = e->syms[i];
	}
	e->n = out;
}

/* append the functions of elf's sections of type (SHT_SYMTAB, SHT_DYNSYM); how many sections, or -1 */
static int read_sections(struct elfsyms *e, Elf *elf, Elf64_Word type)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	int found = 0;

	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != type)
			continue;
		if (read_symtab(e, elf, scn, &sh) < 0)
			return -1;
		found++;
	}
	return found;
}

static int read_symbols(struct elfsyms *e, Elf *elf)
{
	int r;

	/* .symtab first, then .dynsym, so .symtab's names win at equal addresses */
	r = read_sections(e, elf, SHT_SYMTAB);
	if (r < 0 || read_sections(e, elf, SHT_DYNSYM) < 0)
		return -1;
	e->has_symtab = r > 0;
	sort_symbols(e);
	return 0;
}

/* the build-id of a GNU note in d, as hex into out; 1 when found */
static int note_build_id(Elf_Data *d, char *out)
{
	size_t off = 0, name_off, desc_off, k;
	GElf_Nhdr nh;

	while (d && (off = gelf_getnote(d, off, &nh, &name_off, &desc_off)) > 0) {
		if (nh.n_type != NT_GNU_BUILD_ID || nh.n_namesz != 4 ||
		    memcmp((char *)d->d_buf + name_off, "GNU", 4) || nh.n_descsz > 64)
			continue;
		for (k = 0; k < nh.n_descsz; k++)
			snprintf(out + 2 * k, 3, "%02x", ((const unsigned char *)d->d_buf)[desc_off + k]);
		return 1;
	}
	return 0;
}

/*
 * from the section headers: the build-id (a debug file's program headers
 * may point at notes it does not hold) and the .gnu_debuglink
 */
static void read_sections_info(struct elfsyms *e, Elf *elf)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx, len;
	const char *name;
	Elf_Data *d;
	GElf_Shdr sh;

	if (elf_getshdrstrndx(elf, &shstrndx) != 0)
		return;
	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		if (!gelf_getshdr(scn, &sh) || sh.sh_type == SHT_NOBITS)
			continue;
		if (sh.sh_type == SHT_NOTE && !e->build_id[0]) {
			note_build_id(elf_getdata(scn, NULL), e->build_id);
			continue;
		}
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!name || strcmp(name, ".gnu_debuglink") || !(d = elf_getdata(scn, NULL)) || d->d_size < 8)
			continue;
		/* the file name, NUL, padding to 4 bytes, then the CRC-32 of the debug file */
		len = strnlen(d->d_buf, d->d_size);
		if (len == 0 || len >= sizeof(e->debuglink) || ((len + 4) & ~(size_t)3) + 4 > d->d_size)
			continue;
		memcpy(e->debuglink, d->d_buf, len);
		e->debuglink[len] = '\0';
		memcpy(&e->debuglink_crc, (const char *)d->d_buf + ((len + 4) & ~(size_t)3), 4);
	}
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
			note_build_id(elf_getdata_rawchunk(elf, (int64_t)ph.p_offset, ph.p_filesz, ELF_T_NHDR),
				      e->build_id);
		}
	}
	return 0;
}

int elfsyms_open(struct elfsyms *e, int fd, char *err, size_t errlen)
{
	Elf *elf;

	memset(e, 0, sizeof(*e));
	e->fd = fd;
	e->debug_fd = -1;
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
	read_sections_info(e, elf);
	return 0;
fail:
	elfsyms_release(e);
	return -1;
}

/* the CRC-32 of the whole file open on fd (what .gnu_debuglink holds); 0 or -1 */
static int file_crc(int fd, uint32_t *crc)
{
	unsigned char buf[65536];
	uLong c = crc32(0L, Z_NULL, 0);
	ssize_t n;
	off_t at = 0;

	while ((n = pread(fd, buf, sizeof(buf), at)) > 0) {
		c = crc32(c, buf, (uInt)n);
		at += n;
	}
	*crc = (uint32_t)c;
	return n < 0 ? -1 : 0;
}

/* the debug file open as elf (with dbg's build-id read) belongs to e; 1 yes, 0 no */
static int debug_matches(const struct elfsyms *e, const struct elfsyms *dbg, int fd, char *err, size_t errlen)
{
	uint32_t crc;

	if (e->build_id[0]) {
		if (!strcmp(e->build_id, dbg->build_id))
			return 1;
		snprintf(err, errlen, "its build-id '%s' is not the file's '%s'", dbg->build_id, e->build_id);
		return 0;
	}
	if (!e->debuglink[0] || file_crc(fd, &crc) < 0 || crc != e->debuglink_crc) {
		snprintf(err, errlen, "its CRC is not the one the file's .gnu_debuglink gives");
		return 0;
	}
	return 1;
}

int elfsyms_add_debug(struct elfsyms *e, int fd, char *err, size_t errlen)
{
	struct elfsyms dbg;
	struct elf_sym *tmp;
	size_t i;
	Elf *elf;

	memset(&dbg, 0, sizeof(dbg));
	dbg.fd = -1;
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		snprintf(err, errlen, "not an ELF file");
		goto fail;
	}
	read_sections_info(&dbg, elf);
	if (!debug_matches(e, &dbg, fd, err, errlen))
		goto fail;
	if (read_sections(&dbg, elf, SHT_SYMTAB) <= 0) {
		snprintf(err, errlen, "no .symtab to read");
		goto fail;
	}
	tmp = realloc(e->syms, (e->n + dbg.n + 1) * sizeof(*tmp));
	if (!tmp) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	/* ranked after e's own, so e's names win at equal addresses */
	memcpy(tmp + e->n, dbg.syms, dbg.n * sizeof(*tmp));
	for (i = e->n; i < e->n + dbg.n; i++)
		tmp[i].rank = 2;
	e->syms = tmp;
	e->n += dbg.n;
	sort_symbols(e);
	free(dbg.syms);
	e->debug_fd = fd;
	e->debug_elf = elf;
	return 0;
fail:
	free(dbg.syms);
	if (elf)
		elf_end(elf);
	close(fd);
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
	if (e->debug_elf)
		elf_end(e->debug_elf);
	if (e->debug_fd >= 0)
		close(e->debug_fd);
	free(e->syms);
	free(e->loads);
	memset(e, 0, sizeof(*e));
	e->fd = -1;
	e->debug_fd = -1;
}
