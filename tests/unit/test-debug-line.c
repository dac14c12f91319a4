/* Unit tests of the debug record lines (agent/debug-line.c). */
#include "harness.h"

#include <stdint.h>

#include "analyzer_shared.h"
#include "debug-line.h"

TEST(debug_line__failure_with_errno)
{
	struct analyzer_debug_event ev;
	char buf[256];

	memset(&ev, 0, sizeof(ev));
	ev.event = ANALYZER_EVENT_USTACK_ERR;
	ev.pid = 12;
	ev.tgid = 10;
	ev.cpu = 1;
	ev.err = -14;
	memcpy(ev.comm, "bash", 5);
	check_str(debug_line_format(&ev, buf, sizeof(buf)),
		  "analyzer: user-stack-error pid=12 tgid=10 comm=bash cpu=1 err=-14 (Bad address)");
}

TEST(debug_line__no_error_and_odd_comm)
{
	struct analyzer_debug_event ev;
	char buf[256];

	memset(&ev, 0, sizeof(ev));
	ev.event = ANALYZER_EVENT_FILTERED;
	memcpy(ev.comm, "a b\tc\x01", 7);
	check_str(debug_line_format(&ev, buf, sizeof(buf)),
		  "analyzer: filtered pid=0 tgid=0 comm=a?b?c? cpu=0 err=0");
}

TEST(debug_line__full_comm_and_unknown_event)
{
	struct analyzer_debug_event ev;
	char buf[256];

	memset(&ev, 0, sizeof(ev));
	ev.event = 99;
	memcpy(ev.comm, "0123456789abcdef", 16); /* no terminating NUL */
	check_str(debug_line_format(&ev, buf, sizeof(buf)),
		  "analyzer: unknown pid=0 tgid=0 comm=0123456789abcdef cpu=0 err=0");
}

TEST(debug_line__unwind_names_mapping_and_reason)
{
	struct analyzer_debug_event ev;
	char buf[512];

	memset(&ev, 0, sizeof(ev));
	ev.event = ANALYZER_EVENT_UNWIND;
	ev.pid = ev.tgid = 7;
	memcpy(ev.comm, "app", 4);
	ev.pc = 0x55d0c8e01149ULL;
	ev.map_offset = 0x1149;
	ev.file_id = 3;
	ev.depth = 1;
	ev.unwind_reason = ANALYZER_UNWIND_READ_FAULT;
	ev.unwind_how = ANALYZER_UNWIND_FP_USED | ANALYZER_UNWIND_NO_CFI;
	check_str(debug_line_format_mapping(&ev, "/usr/bin/app", "ab12", buf, sizeof(buf)),
		  "analyzer: unwind pid=7 tgid=7 comm=app cpu=0 err=0 (reason=read-fault depth=1 "
		  "pc=0x55d0c8e01149 mapping=/usr/bin/app build-id=ab12+0x1149 fp-fallback=no-cfi)");
	/* without the loader's names: the file's number */
	ev.unwind_reason = ANALYZER_UNWIND_DEPTH;
	ev.unwind_how = 0;
	ev.depth = 127;
	check_str(debug_line_format(&ev, buf, sizeof(buf)),
		  "analyzer: unwind pid=7 tgid=7 comm=app cpu=0 err=0 (reason=depth-limit depth=127 "
		  "pc=0x55d0c8e01149 mapping=file#3+0x1149)");
	/* ended through frame pointers, before the rules were loaded, outside any file */
	ev.unwind_reason = ANALYZER_UNWIND_OK;
	ev.unwind_how = ANALYZER_UNWIND_FP_USED | ANALYZER_UNWIND_NOT_LOADED;
	ev.file_id = UINT32_MAX;
	ev.depth = 4;
	check_str(debug_line_format(&ev, buf, sizeof(buf)),
		  "analyzer: unwind pid=7 tgid=7 comm=app cpu=0 err=0 (reason=fp-fallback depth=4 "
		  "pc=0x55d0c8e01149 mapping=none fp-fallback=not-loaded)");
	/* a garbage caller, and a step that did not move in the vDSO */
	ev.unwind_reason = ANALYZER_UNWIND_NO_MAPPING;
	ev.unwind_how = 0;
	ev.pc = ev.map_offset = 0x123456;
	ev.depth = 2;
	check_str(debug_line_format(&ev, buf, sizeof(buf)),
		  "analyzer: unwind pid=7 tgid=7 comm=app cpu=0 err=0 (reason=outside-mapping depth=2 "
		  "pc=0x123456 mapping=none)");
	ev.unwind_reason = ANALYZER_UNWIND_NO_PROGRESS;
	ev.map_offset = 0x7bd;
	ev.file_id = 4;
	check_str(debug_line_format_mapping(&ev, "[vdso]", "", buf, sizeof(buf)),
		  "analyzer: unwind pid=7 tgid=7 comm=app cpu=0 err=0 (reason=no-progress depth=2 "
		  "pc=0x123456 mapping=[vdso] build-id=none+0x7bd)");
}

int main(void)
{
	static const struct test_case cases[] = {
		CASE(debug_line__failure_with_errno),
		CASE(debug_line__no_error_and_odd_comm),
		CASE(debug_line__full_comm_and_unknown_event),
		CASE(debug_line__unwind_names_mapping_and_reason),
	};
	return test_main(cases, sizeof(cases) / sizeof(cases[0]));
}
