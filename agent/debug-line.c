/* Formats the analyzer's debug records (see debug-line.h). */
#include "debug-line.h"

#include <stdio.h>
#include <string.h>

char *debug_line_format(const struct analyzer_debug_event *ev, char *buf, size_t len)
{
	char comm[sizeof(ev->comm) + 1], reason[96] = "";
	size_t i;

	for (i = 0; i < sizeof(ev->comm) && ev->comm[i]; i++)
		comm[i] = (ev->comm[i] > 0x20 && ev->comm[i] < 0x7f) ? ev->comm[i] : '?';
	comm[i] = '\0';
	if (ev->err)
		snprintf(reason, sizeof(reason), " (%s)", strerror(ev->err < 0 ? -ev->err : ev->err));
	snprintf(buf, len, "analyzer: %s pid=%u tgid=%u comm=%s cpu=%u err=%d%s", analyzer_event_name(ev->event),
		 ev->pid, ev->tgid, comm, ev->cpu, ev->err, reason);
	return buf;
}
