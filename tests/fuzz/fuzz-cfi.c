/*
 * The agent's one-pass CFI reader (agent/unwind/cfi.c, cfi-scan.c): the
 * input's first byte chooses .eh_frame or .debug_frame (bit 0), aarch64 or
 * x86-64 (bit 1) and 4- or 8-byte pointers (bit 2); the rest is the CFI
 * data, at ELF address 0x1000, whose CIEs, FDEs and instructions
 * cfi_load and cfi_rules read. Promises: FDEs sorted, and over the first
 * MiB from the first FDE's start, rules sorted by pc from that start, one
 * at least, each of a known kind.
 */
#include "fuzz.h"

#include <gelf.h>
#include <math.h>

#include "unwind/cfi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cfi_rules out = { NULL, 0, 0 };
	uint64_t start;
	struct cfi c;
	size_t i;

	if (size < 1)
		return 0;
	fuzz_expect(cfi_load(&c, data + 1, size - 1, 0x1000, data[0] & 1, data[0] & 2 ? EM_AARCH64 : EM_X86_64,
			     data[0] & 4 ? 4 : 8) == 1);
	for (i = 1; i < c.nfdes; i++)
		fuzz_expect(c.fdes[i - 1].start <= c.fdes[i].start);
	start = c.nfdes && c.fdes[0].start < UINT64_MAX - (1u << 20) ? c.fdes[0].start : 0;
	fuzz_expect(cfi_rules(&c, start, start + (1u << 20), start, INFINITY, &out) == 0);
	fuzz_expect(out.n >= 1 && out.v[0].pc == 0);
	for (i = 0; i < out.n; i++) {
		fuzz_expect(i == 0 || out.v[i - 1].pc < out.v[i].pc);
		fuzz_expect(out.v[i].cfa_reg <= ANALYZER_CFA_PLT);
	}
	free(out.v);
	cfi_close(&c);
	return 0;
}
