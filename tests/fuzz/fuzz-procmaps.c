/*
 * The agent's /proc/PID/maps reader: every line of the input, with its
 * newline as getline() leaves it, through procmap_parse_line().
 */
#include "fuzz.h"

#include "proc/maps.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size, *nl;
	struct procmap m;
	char *line;
	size_t len;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		len = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
		line = fuzz_strndup(p, len);
		if (procmap_parse_line(line, &m) == 0) {
			fuzz_expect(m.start < m.end);
			fuzz_expect(strlen(m.perms) == 4);
			fuzz_expect(m.path >= line && m.path <= line + len);
			fuzz_expect(!strchr(m.path, '\n'));
			(void)procmap_is_exec(&m);
		}
		free(line);
		p += len;
	}
	return 0;
}
