/* --version: AGENT_VERSION and AGENT_COMMIT come from the Makefile (see agent-version.h). */
#include "agent-version.h"

#include <string.h>

#include "analyzer.h"

#ifndef AGENT_VERSION
#define AGENT_VERSION "unknown"
#endif
#ifndef AGENT_COMMIT
#define AGENT_COMMIT "unknown"
#endif

const char *agent_version(void)
{
	return AGENT_VERSION[0] ? AGENT_VERSION : "unknown";
}

static void slot_line(FILE *f, enum analyzer_flavor flavor, const char *name)
{
	struct analyzer_object_info info;
	char err[256];

	if (!analyzer_has_slot(flavor))
		fprintf(f, "%s slot: not in this build\n", name);
	else if (analyzer_slot_info(flavor, &info, err, sizeof(err)) < 0)
		fprintf(f, "%s slot: unreadable: %s\n", name, err);
	else
		fprintf(f, "%s slot: %s analyzer%s\n", name, info.flavor,
			flavor == ANALYZER_RELEASE && !strcmp(info.flavor, "debug") ? " (debug release)" : "");
}

void version_print(FILE *f)
{
	fprintf(f, "profiling-agent %s\n", agent_version());
	fprintf(f, "commit %s\n", AGENT_COMMIT[0] ? AGENT_COMMIT : "unknown");
	slot_line(f, ANALYZER_RELEASE, "release");
	slot_line(f, ANALYZER_DEBUG, "debug");
}
