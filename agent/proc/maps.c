/* Parses /proc/PID/maps lines (see procmaps.h). */
#include "proc/maps.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>

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

int procmap_is_vdso(const struct procmap *m)
{
	return !strcmp(m->path, "[vdso]");
}

/* a vDSO is a few pages: a larger range is no vDSO */
#define VDSO_MAX_SIZE (1024 * 1024)

/* size bytes at addr in the memory of process pid (0: self) into buf; 0 or -1 */
static int read_mem(uint32_t pid, uint64_t addr, void *buf, size_t size)
{
	char path[64];
	ssize_t n;
	int fd;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%u/mem", pid);
	else
		snprintf(path, sizeof(path), "/proc/self/mem");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = pread(fd, buf, size, (off_t)addr);
	close(fd);
	return n == (ssize_t)size ? 0 : -1;
}

int procmap_vdso_fd(uint32_t tgid, uint64_t start, uint64_t end)
{
	uint64_t self = getauxval(AT_SYSINFO_EHDR);
	size_t size = end - start;
	unsigned char *buf;
	int fd = -1;

	if (end <= start || size > VDSO_MAX_SIZE || !(buf = malloc(size)))
		return -1;
	if (read_mem(tgid, start, buf, size) < 0 && (!self || read_mem(0, self, buf, size) < 0))
		goto cleanup;
	if (memcmp(buf, "\177ELF", 4) != 0)
		goto cleanup;
	fd = memfd_create("vdso", MFD_CLOEXEC);
	if (fd >= 0 && write(fd, buf, size) != (ssize_t)size) {
		close(fd);
		fd = -1;
	}
cleanup:
	free(buf);
	return fd;
}
