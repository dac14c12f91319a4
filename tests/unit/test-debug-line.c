/* Unit tests of the debug record lines (agent/debug-line.c). */
#include "harness.h"

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

int main(void)
{
	static const struct test_case cases[] = {
		CASE(debug_line__failure_with_errno),
		CASE(debug_line__no_error_and_odd_comm),
		CASE(debug_line__full_comm_and_unknown_event),
	};
	return test_main(cases, sizeof(cases) / sizeof(cases[0]));
}
