/* A process's state line, /proc/PID/stat: the agent's one reader of it. */
#ifndef AGENT_PROC_STAT_H
#define AGENT_PROC_STAT_H

/* what the agent reads of /proc/PID/stat */
struct proc_stat {
	char state; /* 'R', 'S', 'Z' (zombie), 'X' (dead), ... */
	int ppid;
};

/*
 * proc_stat_read reads process pid's stat line into *st. Returns 0, or -1
 * with errno set: ENOENT when the process is gone, EINVAL for a malformed
 * line.
 */
int proc_stat_read(int pid, struct proc_stat *st);

/* proc_exited tells whether process pid exited (1): gone, or a zombie its parent has not reaped. */
int proc_exited(int pid);

#endif /* AGENT_PROC_STAT_H */
