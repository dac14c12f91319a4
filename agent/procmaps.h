/* A process's memory mappings, from /proc/PID/maps. */
#ifndef AGENT_PROCMAPS_H
#define AGENT_PROCMAPS_H

#include <stdint.h>

/* one line of /proc/PID/maps */
struct procmap {
	uint64_t start, end; /* [start, end) */
	uint64_t pgoff;      /* file offset of start */
	uint64_t inode;
	unsigned int dev_major, dev_minor;
	char perms[5];       /* "r-xp" */
	const char *path;    /* "" for anonymous memory, "[vdso]", or a file path */
	int deleted;         /* the path ended in " (deleted)", now cut off */
};

/*
 * procmap_parse_line parses one maps line in place: m->path points into
 * line, which keeps it. Returns 0, or -1 when the line is malformed.
 */
int procmap_parse_line(char *line, struct procmap *m);

/* procmap_is_exec tells whether the mapping holds code (1) or not (0). */
int procmap_is_exec(const struct procmap *m);

#endif /* AGENT_PROCMAPS_H */
