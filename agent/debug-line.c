/* Formats the analyzer's debug records (see debug-line.h). */
#include "debug-line.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "analyzer_shared.h"

static const char *unwind_reason_name(const struct analyzer_debug_event *ev)
{
	switch (ev->unwind_reason) {
	case ANALYZER_UNWIND_OK: return (ev->unwind_how & ANALYZER_UNWIND_FP_USED) ? "fp-fallback" : "ok";
	case ANALYZER_UNWIND_NO_RULE: return "no-rule";
	case ANALYZER_UNWIND_READ_FAULT: return "read-fault";
	case ANALYZER_UNWIND_DEPTH: return "depth-limit";
	case ANALYZER_UNWIND_BAD_PC: return "bad-pc";
	case ANALYZER_UNWIND_MAP_FULL: return "map-full";
	case ANALYZER_UNWIND_NO_ROOT: return "no-root";
	case ANALYZER_UNWIND_NO_PROGRESS: return "no-progress";
	case ANALYZER_UNWIND_NO_MAPPING: return "outside-mapping";
	default: return "unknown";
	}
}

/* why frame pointers were used, "" when they were not */
static const char *fallback_name(int how)
{
	if (how & ANALYZER_UNWIND_NOT_LOADED)
		return " fp-fallback=not-loaded";
	if (how & ANALYZER_UNWIND_NO_ROOM)
		return " fp-fallback=no-room";
	if (how & ANALYZER_UNWIND_NO_CFI)
		return " fp-fallback=no-cfi";
	if (how & ANALYZER_UNWIND_FP_USED)
		return " fp-fallback=no-mapping";
	return "";
}

static void unwind_detail(const struct analyzer_debug_event *ev, const char *path, const char *build_id,
			  char *buf, size_t len)
{
	char mapping[512];

	if (path)
		snprintf(mapping, sizeof(mapping), "%s build-id=%s+0x%" PRIx64, path, *build_id ? build_id : "none",
			 ev->map_offset);
	else if (ev->file_id != UINT32_MAX)
		snprintf(mapping, sizeof(mapping), "file#%" PRIu32 "+0x%" PRIx64, ev->file_id, ev->map_offset);
	else
		snprintf(mapping, sizeof(mapping), "none");
	snprintf(buf, len, " (reason=%s depth=%" PRIu32 " pc=0x%" PRIx64 " mapping=%s%s)", unwind_reason_name(ev),
		 ev->depth, ev->pc, mapping, fallback_name(ev->unwind_how));
}

char *debug_line_format_mapping(const struct analyzer_debug_event *ev, const char *path, const char *build_id,
				char *buf, size_t len)
{
	char comm[sizeof(ev->comm) + 1], reason[700] = "";
	size_t i;

	for (i = 0; i < sizeof(ev->comm) && ev->comm[i]; i++)
		comm[i] = (ev->comm[i] > 0x20 && ev->comm[i] < 0x7f) ? ev->comm[i] : '?';
	comm[i] = '\0';
	if (ev->event == ANALYZER_EVENT_UNWIND)
		unwind_detail(ev, path, build_id ? build_id : "", reason, sizeof(reason));
	else if (ev->err)
		snprintf(reason, sizeof(reason), " (%s)", strerror(ev->err < 0 ? -ev->err : ev->err));
	snprintf(buf, len, "analyzer: %s pid=%u tgid=%u comm=%s cpu=%u err=%d%s", analyzer_event_name(ev->event),
		 ev->pid, ev->tgid, comm, ev->cpu, ev->err, reason);
	return buf;
}

char *debug_line_format(const struct analyzer_debug_event *ev, char *buf, size_t len)
{
	return debug_line_format_mapping(ev, NULL, NULL, buf, len);
}
