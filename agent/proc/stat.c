/* A process's state line (see proc/stat.h). */
#include "proc/stat.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int proc_stat_read(int pid, struct proc_stat *st)
{
	char path[64], line[512], *end;
	int ret = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	/* "pid (comm) S ppid ...": the comm may hold spaces and parentheses */
	if (fgets(line, sizeof(line), f) && (end = strrchr(line, ')')) &&
	    sscanf(end + 1, " %c %d", &st->state, &st->ppid) == 2)
		ret = 0;
	fclose(f);
	if (ret < 0)
		errno = EINVAL;
	return ret;
}

int proc_exited(int pid)
{
	struct proc_stat st;

	if (proc_stat_read(pid, &st) < 0)
		return errno == ENOENT || errno == ESRCH; /* not when /proc hides it */
	return st.state == 'Z' || st.state == 'X';
}
