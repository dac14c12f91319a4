/*
 * Finds a file's CFI and reads its CIEs and FDEs (see unwind/cfi.h):
 * .eh_frame by its section, else through PT_GNU_EH_FRAME (an image
 * without section headers), else .debug_frame.
 */
#include "unwind/cfi-internal.h"

#include <dwarf.h>
#include <stdlib.h>
#include <string.h>

int cfi_fixed(const uint8_t **p, const uint8_t *end, size_t n, uint64_t *v)
{
	size_t i;

	if ((size_t)(end - *p) < n)
		return -1;
	*v = 0;
	for (i = 0; i < n; i++)
		*v |= (uint64_t)(*p)[i] << (8 * i);
	*p += n;
	return 0;
}

static uint64_t sign_extend(uint64_t v, unsigned bits)
{
	return bits < 64 && (v >> (bits - 1)) & 1 ? v | ~(uint64_t)0 << bits : v;
}

int cfi_read_encoded(const struct cfi *c, uint8_t enc, const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	uint64_t base = 0, u = 0;
	int64_t s = 0;
	int rc;

	if (enc == DW_EH_PE_omit || (enc & DW_EH_PE_indirect))
		return -1;
	if ((enc & 0x70) == DW_EH_PE_pcrel)
		base = c->vaddr + (uint64_t)(*p - c->data);
	else if ((enc & 0x70) != DW_EH_PE_absptr)
		return -1;
	switch (enc & 0x0f) {
	case DW_EH_PE_absptr: rc = cfi_fixed(p, end, (size_t)c->addr_size, &u); break;
	case DW_EH_PE_uleb128: rc = cfi_uleb(p, end, &u); break;
	case DW_EH_PE_udata2: rc = cfi_fixed(p, end, 2, &u); break;
	case DW_EH_PE_udata4: rc = cfi_fixed(p, end, 4, &u); break;
	case DW_EH_PE_udata8: rc = cfi_fixed(p, end, 8, &u); break;
	case DW_EH_PE_sleb128: rc = cfi_sleb(p, end, &s); u = (uint64_t)s; break;
	case DW_EH_PE_sdata2: rc = cfi_fixed(p, end, 2, &u); u = sign_extend(u, 16); break;
	case DW_EH_PE_sdata4: rc = cfi_fixed(p, end, 4, &u); u = sign_extend(u, 32); break;
	case DW_EH_PE_sdata8: rc = cfi_fixed(p, end, 8, &u); break;
	default: return -1;
	}
	*v = base + u;
	if (c->addr_size == 4)
		*v &= 0xffffffff;
	return rc;
}

/* the CIE at off: its fields, and its initial state; 0, or -1 when not one this reads */
static int parse_cie(const struct cfi *c, size_t off, struct cfi_cie *cie)
{
	const uint8_t *p, *end = c->data + c->size, *aug, *aug_end;
	uint64_t len, id, u;
	size_t idsz = 4, skip;
	uint8_t version;

	memset(cie, 0, sizeof(*cie));
	cie->off = off;
	if (off >= c->size)
		return -1;
	p = c->data + off;
	if (cfi_fixed(&p, end, 4, &len) < 0)
		return -1;
	if (len == 0xffffffff && (idsz = 8, cfi_fixed(&p, end, 8, &len) < 0))
		return -1;
	if (len > (uint64_t)(end - p) || len < idsz + 1)
		return -1;
	end = p + len;
	cfi_fixed(&p, end, idsz, &id);
	if (c->eh ? id != 0 : id != (idsz == 4 ? 0xffffffff : UINT64_MAX))
		return -1;
	version = *p++;
	if (version != 1 && version != 3 && version != 4)
		return -1;
	aug = p;
	while (p < end && *p)
		p++;
	if (p++ == end)
		return -1;
	/* "eh": a pointer; version 4: the address and segment selector sizes */
	skip = (aug[0] == 'e' && aug[1] == 'h' ? (size_t)c->addr_size : 0) + (version >= 4 ? 2 : 0);
	if ((size_t)(end - p) < skip)
		return -1;
	p += skip;
	if (cfi_uleb(&p, end, &cie->code_align) < 0 || cfi_sleb(&p, end, &cie->data_align) < 0)
		return -1;
	if (version == 1 ? cfi_fixed(&p, end, 1, &cie->ra) < 0 : cfi_uleb(&p, end, &cie->ra) < 0)
		return -1;
	cie->fde_enc = DW_EH_PE_absptr;
	if (aug[0] == 'z') {
		cie->aug_z = 1;
		if (cfi_uleb(&p, end, &len) < 0 || len > (uint64_t)(end - p))
			return -1;
		aug_end = p + len;
		for (aug++; *aug && p < aug_end; aug++) {
			if (*aug == 'R')
				cie->fde_enc = *p++;
			else if (*aug == 'L')
				p++;
			else if (*aug == 'P' && (p++, cfi_read_encoded(c, p[-1] & 0x0f, &p, aug_end, &u) < 0))
				return -1;
			else if (*aug != 'P' && *aug != 'S' && *aug != 'B' && *aug != 'G')
				break;
		}
		p = aug_end;
	} else if (aug[0] && !(aug[0] == 'e' && aug[1] == 'h' && !aug[2])) {
		return -1;
	}
	cie->ok = cfi_cie_init(c, cie, p, end) == 0;
	return 0;
}

/* the index of the CIE at off in c->cies, read when new; -1 when out of memory */
static long cie_at(struct cfi *c, size_t off)
{
	size_t lo = 0, hi = c->ncies, mid;
	struct cfi_cie cie, *tmp;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (c->cies[mid].off < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < c->ncies && c->cies[lo].off == off)
		return (long)lo;
	if (parse_cie(c, off, &cie) < 0)
		cie.ok = 0;
	if (c->ncies == c->cap_cies) {
		c->cap_cies = c->cap_cies ? 2 * c->cap_cies : 8;
		tmp = realloc(c->cies, c->cap_cies * sizeof(*tmp));
		if (!tmp)
			return -1;
		c->cies = tmp;
	}
	memmove(&c->cies[lo + 1], &c->cies[lo], (c->ncies - lo) * sizeof(*c->cies));
	c->cies[lo] = cie;
	c->ncies++;
	return (long)lo;
}

/* the FDE [p, end) of CIE i into c->fdes (skipped when unreadable); -1 when out of memory */
static int add_fde(struct cfi *c, long i, const uint8_t *p, const uint8_t *end)
{
	const struct cfi_cie *cie = &c->cies[i];
	struct cfi_fde *f, *tmp;
	uint64_t start, range, len;

	if (!cie->ok || cfi_read_encoded(c, cie->fde_enc, &p, end, &start) < 0 ||
	    cfi_read_encoded(c, cie->fde_enc & 0x0f, &p, end, &range) < 0)
		return 0;
	if (cie->aug_z && (cfi_uleb(&p, end, &len) < 0 || len > (uint64_t)(end - p)))
		return 0;
	if (cie->aug_z)
		p += len;
	if (c->nfdes % 1024 == 0) {
		tmp = realloc(c->fdes, (c->nfdes + 1024) * sizeof(*tmp));
		if (!tmp)
			return -1;
		c->fdes = tmp;
	}
	f = &c->fdes[c->nfdes++];
	f->start = start;
	f->end = start + range;
	f->ins = (uint32_t)(p - c->data);
	f->ins_end = (uint32_t)(end - c->data);
	f->cie = (uint32_t)cie->off; /* its index once every CIE is read (load) */
	return 0;
}

/*
 * the entry at off: an FDE goes into c->fdes (skipped when unreadable), a
 * CIE is read when an FDE names it; *next is the entry after it. 1 at the
 * end of the data (a terminator, or an entry cut short), 0, or -1 when
 * out of memory.
 */
static int entry_at(struct cfi *c, size_t off, size_t *next)
{
	const uint8_t *p, *end = c->data + c->size, *id_at;
	uint64_t len = 0, id = 0;
	size_t idsz = 4;
	long i;

	if (off >= c->size || c->size - off < 4)
		return 1;
	p = c->data + off;
	cfi_fixed(&p, end, 4, &len);
	if (len == 0) /* the terminator */
		return 1;
	if (len == 0xffffffff && (idsz = 8, cfi_fixed(&p, end, 8, &len) < 0))
		return 1;
	if (len > (uint64_t)(end - p) || len < idsz)
		return 1;
	id_at = p;
	cfi_fixed(&p, end, idsz, &id);
	*next = (size_t)(id_at - c->data) + len;
	if (c->eh ? id == 0 : id == (idsz == 4 ? 0xffffffff : UINT64_MAX))
		return 0; /* a CIE */
	if (c->eh && id > (uint64_t)(id_at - c->data))
		return 0;
	i = cie_at(c, c->eh ? (size_t)(id_at - c->data) - id : id);
	return i < 0 || add_fde(c, i, p, c->data + *next) < 0 ? -1 : 0;
}

/* every FDE of the CFI data, in the order of the data; 1, or -1 when out of memory */
static int scan(struct cfi *c)
{
	size_t off = 0;
	int rc;

	while ((rc = entry_at(c, off, &off)) == 0)
		;
	return rc < 0 ? -1 : 1;
}

/*
 * the FDEs .eh_frame_hdr's search table names (hdr, at ELF address
 * hdr_vaddr), in its order, sorted by start as every linker writes it
 * (4-byte count, pairs of 4-byte offsets from the header); 1, 0 for a
 * table it does not read (c->fdes left empty), -1 when out of memory
 */
static int search_table(struct cfi *c, const uint8_t *h, size_t size, uint64_t hdr_vaddr)
{
	const uint8_t *p = h + 4;
	struct cfi hc = { .data = h, .vaddr = hdr_vaddr, .addr_size = c->addr_size };
	uint64_t eh, count, start, fde, i, prev = 0;
	size_t next;
	int rc = 0;

	if (size < 12 || h[0] != 1 || h[2] != DW_EH_PE_udata4 || h[3] != (DW_EH_PE_datarel | DW_EH_PE_sdata4) ||
	    cfi_read_encoded(&hc, h[1], &p, h + size, &eh) < 0 || eh != c->vaddr ||
	    cfi_fixed(&p, h + size, 4, &count) < 0 || count > (size - (size_t)(p - h)) / 8)
		return 0;
	for (i = 0; i < count && rc >= 0; i++, p += 8) {
		start = hdr_vaddr + (uint64_t)(int64_t)(int32_t)(p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24);
		fde = hdr_vaddr + (uint64_t)(int64_t)(int32_t)(p[4] | p[5] << 8 | p[6] << 16 | (uint32_t)p[7] << 24);
		if ((i && start < prev) || fde < c->vaddr)
			break;
		rc = entry_at(c, (size_t)(fde - c->vaddr), &next);
		prev = start;
	}
	if (i == count && rc >= 0)
		return 1;
	free(c->fdes); /* out of order, or out of memory */
	c->fdes = NULL;
	c->nfdes = 0;
	return rc < 0 ? -1 : 0;
}

static int by_start(const void *x, const void *y)
{
	const struct cfi_fde *a = x, *b = y;

	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return a->ins < b->ins ? -1 : a->ins > b->ins;
}

/*
 * .eh_frame through PT_GNU_EH_FRAME, for an image without section headers:
 * .eh_frame_hdr's pointer to it, and the rest of its load segment; 1 when
 * found
 */
static int find_segment(struct cfi *c, Elf *elf)
{
	const uint8_t *p;
	struct cfi hdr;
	Elf_Data *d = NULL;
	GElf_Phdr ph, load;
	uint64_t at;
	size_t nph, i;

	if (elf_getphdrnum(elf, &nph) != 0)
		return 0;
	for (i = 0; i < nph && !d; i++)
		if (gelf_getphdr(elf, (int)i, &ph) && ph.p_type == PT_GNU_EH_FRAME && ph.p_filesz >= 8)
			d = elf_getdata_rawchunk(elf, (int64_t)ph.p_offset, ph.p_filesz, ELF_T_BYTE);
	if (!d || !d->d_buf || d->d_size < 8 || ((const uint8_t *)d->d_buf)[0] != 1)
		return 0;
	memset(&hdr, 0, sizeof(hdr));
	hdr.data = d->d_buf;
	hdr.vaddr = ph.p_vaddr;
	hdr.addr_size = c->addr_size;
	p = hdr.data + 4;
	if (cfi_read_encoded(&hdr, hdr.data[1], &p, hdr.data + d->d_size, &at) < 0)
		return 0;
	for (i = 0; i < nph; i++) {
		if (!gelf_getphdr(elf, (int)i, &load) || load.p_type != PT_LOAD || at < load.p_vaddr ||
		    at - load.p_vaddr >= load.p_filesz)
			continue;
		d = elf_getdata_rawchunk(elf, (int64_t)(load.p_offset + (at - load.p_vaddr)),
					 load.p_filesz - (at - load.p_vaddr), ELF_T_BYTE);
		if (!d || !d->d_buf || d->d_size > UINT32_MAX)
			return 0;
		c->data = d->d_buf;
		c->size = d->d_size;
		c->vaddr = at;
		c->eh = 1;
		return 1;
	}
	return 0;
}

/* .eh_frame, else .debug_frame, by their sections; 1 when found */
static int find_section(struct cfi *c, Elf *elf)
{
	static const char *const names[] = { ".eh_frame", ".debug_frame" };
	Elf_Scn *scn;
	GElf_Shdr sh;
	Elf_Data *d;
	size_t shstrndx;
	const char *name;
	int i;

	if (elf_getshdrstrndx(elf, &shstrndx) != 0)
		return 0;
	for (i = 0; i < 2; i++) {
		for (scn = NULL; (scn = elf_nextscn(elf, scn)) != NULL;) {
			if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS || sh.sh_size == 0)
				continue;
			name = elf_strptr(elf, shstrndx, sh.sh_name);
			if (!name || strcmp(name, names[i]))
				continue;
			if ((sh.sh_flags & SHF_COMPRESSED) && elf_compress(scn, 0, 0) < 0)
				continue;
			d = elf_getdata(scn, NULL);
			if (!d || !d->d_buf || d->d_size == 0 || d->d_size > UINT32_MAX)
				continue;
			c->data = d->d_buf;
			c->size = d->d_size;
			c->vaddr = sh.sh_addr;
			c->eh = i == 0;
			return 1;
		}
		if (i == 0 && find_segment(c, elf))
			return 1;
	}
	return 0;
}

/* the machine's registers into c */
static void set_machine(struct cfi *c, int machine, int addr_size)
{
	c->machine = machine;
	c->sp = machine == EM_AARCH64 ? 31 : 7;
	c->fp = machine == EM_AARCH64 ? 29 : 6;
	c->ra = machine == EM_AARCH64 ? 30 : 16;
	c->addr_size = addr_size;
}

/* .eh_frame_hdr's bytes, through PT_GNU_EH_FRAME; NULL when the file has none */
static const uint8_t *eh_frame_hdr(Elf *elf, size_t *size, uint64_t *vaddr)
{
	Elf_Data *d;
	GElf_Phdr ph;
	size_t nph, i;

	if (elf_getphdrnum(elf, &nph) != 0)
		return NULL;
	for (i = 0; i < nph; i++) {
		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_GNU_EH_FRAME || ph.p_filesz < 8)
			continue;
		d = elf_getdata_rawchunk(elf, (int64_t)ph.p_offset, ph.p_filesz, ELF_T_BYTE);
		if (!d || !d->d_buf)
			return NULL;
		*size = d->d_size;
		*vaddr = ph.p_vaddr;
		return d->d_buf;
	}
	return NULL;
}

/*
 * the FDEs of the CFI data c holds, sorted: in the order of elf's search
 * table when it has one (elf NULL: none), else read in the data's order
 * and sorted; 1, or -1 when out of memory
 */
static int load(struct cfi *c, Elf *elf)
{
	const uint8_t *h = NULL;
	uint64_t hdr_vaddr = 0;
	size_t i, hsize = 0;
	int rc = 0;

	if (elf && c->eh && (h = eh_frame_hdr(elf, &hsize, &hdr_vaddr)) != NULL)
		rc = search_table(c, h, hsize, hdr_vaddr);
	if (rc == 0)
		rc = scan(c);
	if (rc < 0) {
		cfi_close(c);
		return -1;
	}
	for (i = 0; i < c->nfdes; i++) /* each CIE's offset to its index: all are read, none moves now */
		c->fdes[i].cie = (uint32_t)cie_at(c, c->fdes[i].cie);
	for (i = 1; i < c->nfdes; i++)
		if (by_start(&c->fdes[i - 1], &c->fdes[i]) > 0) {
			qsort(c->fdes, c->nfdes, sizeof(*c->fdes), by_start);
			break;
		}
	return 1;
}

int cfi_open(struct cfi *c, Elf *elf, int machine)
{
	GElf_Ehdr eh;

	memset(c, 0, sizeof(*c));
	if (!gelf_getehdr(elf, &eh) || eh.e_ident[EI_DATA] != ELFDATA2LSB)
		return 0;
	set_machine(c, machine, eh.e_ident[EI_CLASS] == ELFCLASS32 ? 4 : 8);
	if (!find_section(c, elf))
		return 0;
	return load(c, elf);
}

int cfi_load(struct cfi *c, const uint8_t *data, size_t size, uint64_t vaddr, int eh, int machine, int addr_size)
{
	memset(c, 0, sizeof(*c));
	set_machine(c, machine, addr_size);
	c->data = data;
	c->size = size > UINT32_MAX ? UINT32_MAX : size;
	c->vaddr = vaddr;
	c->eh = eh;
	return load(c, NULL);
}

void cfi_close(struct cfi *c)
{
	free(c->fdes);
	free(c->cies);
	c->fdes = NULL;
	c->cies = NULL;
	c->nfdes = c->ncies = c->cap_cies = 0;
}
