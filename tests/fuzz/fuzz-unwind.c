/*
 * The agent's CFI reader (the files a profiled process maps): the input
 * as an in-memory file (memfd) through unwind_table_read(), which reads
 * its program headers and its CFI (agent/unwind/cfi.c, one pass);
 * then the table's own promises: rules sorted by pc, each found at
 * its own address, segments' file offsets mapped back into them.
 */
#include "fuzz.h"

#include <sys/mman.h>

#include "unwind/table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct unwind_table t;
	char path[64], err[256];
	uint64_t vaddr;
	size_t i;
	int fd;

	fd = memfd_create("fuzz-unwind", MFD_CLOEXEC);
	fuzz_expect(fd >= 0);
	fuzz_expect(size == 0 || write(fd, data, size) == (ssize_t)size);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (unwind_table_read(&t, path, err, sizeof(err)) < 0) {
		fuzz_expect(err[0] != '\0');
		close(fd);
		return 0;
	}
	fuzz_expect(t.nsegs <= UNWIND_MAX_SEGMENTS);
	fuzz_expect(t.has_cfi || t.n == 0);
	for (i = 0; i < t.n; i++) {
		fuzz_expect(i == 0 || t.rules[i - 1].pc < t.rules[i].pc);
		fuzz_expect(t.rules[i].cfa_reg <= ANALYZER_CFA_PLT);
		fuzz_expect(unwind_table_find(&t, t.base + t.rules[i].pc) == &t.rules[i]);
	}
	for (i = 0; i < t.nsegs; i++)
		(void)unwind_table_vaddr(&t, t.segs[i].offset, &vaddr);
	fuzz_expect(strlen(t.build_id) <= 40);
	unwind_table_release(&t);
	close(fd);
	return 0;
}
