/* Where a file's CFI starts (see unwind/fde.h). */
#include "unwind/fde.h"

#include <stdlib.h>
#include <string.h>

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
void fde_starts_read(Elf *elf, struct fde_starts *fs)
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
uint64_t fde_probe_next(Dwarf_CFI *cfi, uint64_t addr, uint64_t end)
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
uint64_t fde_next(const struct fde_starts *fs, uint64_t addr)
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
