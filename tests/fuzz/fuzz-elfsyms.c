/*
 * The agent's ELF symbol reader (the files a profiled process maps): the
 * input as an in-memory file (memfd) through elfsyms_open(), then a
 * lookup of every symbol it found and of every load segment's start.
 */
#include "fuzz.h"

#include <sys/mman.h>

#include "symbolize/elfsyms.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elfsyms e;
	char err[256];
	uint64_t vaddr;
	size_t i;
	int fd;

	fd = memfd_create("fuzz-elf", MFD_CLOEXEC);
	fuzz_expect(fd >= 0);
	fuzz_expect(size == 0 || write(fd, data, size) == (ssize_t)size);
	if (elfsyms_open(&e, fd, err, sizeof(err)) < 0) {
		fuzz_expect(err[0] != '\0');
		return 0;
	}
	for (i = 0; i < e.n; i++) {
		fuzz_expect(e.syms[i].name != NULL);
		/* a function is found at its own address (unless its end wraps past 2^64) */
		if (e.syms[i].size && e.syms[i].addr + e.syms[i].size > e.syms[i].addr)
			fuzz_expect(elfsyms_lookup(&e, e.syms[i].addr) != NULL);
	}
	for (i = 0; i < e.nloads; i++)
		(void)elfsyms_vaddr(&e, e.loads[i].offset, &vaddr);
	fuzz_expect(strlen(e.build_id) <= 128);
	elfsyms_release(&e);
	return 0;
}
