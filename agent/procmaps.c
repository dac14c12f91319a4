/* Parses /proc/PID/maps lines (see procmaps.h). */
#include "procmaps.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define DELETED_SUFFIX " (deleted)"

int procmap_parse_line(char *line, struct procmap *m)
{
	int path_at = -1;
	size_t len;
	char *path;

	memset(m, 0, sizeof(*m));
	if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %4s %" SCNx64 " %x:%x %" SCNu64 " %n", &m->start, &m->end,
		   m->perms, &m->pgoff, &m->dev_major, &m->dev_minor, &m->inode, &path_at) != 7)
		return -1;
	if (path_at < 0 || m->end <= m->start || strlen(m->perms) != 4)
		return -1;
	path = line + path_at;
	len = strcspn(path, "\n");
	path[len] = '\0';
	if (len > strlen(DELETED_SUFFIX) && !strcmp(path + len - strlen(DELETED_SUFFIX), DELETED_SUFFIX)) {
		path[len - strlen(DELETED_SUFFIX)] = '\0';
		m->deleted = 1;
	}
	m->path = path;
	return 0;
}

int procmap_is_exec(const struct procmap *m)
{
	return m->perms[2] == 'x';
}
