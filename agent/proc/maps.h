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

/* procmap_is_vdso tells whether the mapping is the kernel's vDSO (1) or not (0). */
int procmap_is_vdso(const struct procmap *m);

/*
 * procmap_vdso_fd returns a memory file (memfd, the caller closes it)
 * holding the vDSO image process tgid maps at [start, end), read from
 * /proc/TGID/mem; when that cannot be read (the process is gone), the
 * agent's own vDSO of the same size (the image is the kernel's, the same
 * in every process of one arch). Returns -1 when neither can be read or
 * the bytes are no ELF image.
 */
int procmap_vdso_fd(uint32_t tgid, uint64_t start, uint64_t end);

#endif /* AGENT_PROCMAPS_H */
