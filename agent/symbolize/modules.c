/*
 * The symbolizer's modules (see symbolize/internal.h): mapped files,
 * opened through the mapping process's root, with their separate debug
 * files, and kernel modules.
 */
#include "symbolize/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "proc/maps.h"

/* the index of the module (path, dev, inode), added when new; -1 when out of memory */
int module_get(struct symbolizer *s, const char *path, unsigned int major, unsigned int minor,
	       uint64_t inode, int kernel, uint32_t tgid)
{
	struct module *m, *tmp;
	int i;

	for (i = 0; i < s->nmods; i++) {
		m = &s->mods[i];
		if (m->inode == inode && m->dev_major == major && m->dev_minor == minor &&
		    m->kernel == kernel && !strcmp(m->path, path)) {
			if (m->state == 0 && tgid)
				m->tgid = tgid; /* a live process to open it through */
			return i;
		}
	}
	if (s->nmods == s->mod_cap) {
		int cap = s->mod_cap ? s->mod_cap * 2 : 64;

		tmp = realloc(s->mods, (size_t)cap * sizeof(*tmp));
		if (!tmp)
			return -1;
		s->mods = tmp;
		s->mod_cap = cap;
	}
	m = &s->mods[s->nmods];
	memset(m, 0, sizeof(*m));
	m->path = strdup(path);
	if (!m->path)
		return -1;
	m->dev_major = major;
	m->dev_minor = minor;
	m->inode = inode;
	m->kernel = kernel;
	m->tgid = tgid;
	/* no file behind kernel modules and [stack]-like names; the vDSO's image is in memory */
	m->state = (kernel || (path[0] == '[' && strcmp(path, "[vdso]"))) ? -1 : 0;
	return s->nmods++;
}

/* open the module's file as the process saw it, and check it is the mapped one */
static int module_open(const struct module *m)
{
	char root_path[4096 + 32];
	struct stat st;
	int fd;

	if (!strcmp(m->path, "[vdso]")) {
		fd = procmap_vdso_fd(m->tgid, m->start, m->end);
		if (fd < 0)
			log_info("no symbols for '[vdso]': cannot read its image");
		return fd;
	}
	snprintf(root_path, sizeof(root_path), "/proc/%" PRIu32 "/root%s", m->tgid, m->path);
	fd = open(root_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		fd = open(m->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		log_info("no symbols for '%s': %s", m->path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || (m->inode && (uint64_t)st.st_ino != m->inode)) {
		log_info("no symbols for '%s': the file was replaced since it was mapped", m->path);
		close(fd);
		return -1;
	}
	return fd;
}

/* add the symbols of the debug file at path to m's; 0, or -1 when it is missing or not m's */
static int debug_try(struct module *m, const char *path)
{
	char err[256];
	int fd;

	if (!strcmp(path, m->path))
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (elfsyms_add_debug(&m->elf, fd, err, sizeof(err)) < 0) {
		log_info("ignoring the debug file '%s' of '%s': %s", path, m->path, err);
		return -1;
	}
	log_info("symbols of '%s' from '%s'", m->path, path);
	return 0;
}

/*
 * a stripped file's separate debug file, where gdb looks: by build-id
 * under the debug root, then by .gnu_debuglink beside the file, in its
 * .debug/ subdirectory and under the debug root
 */
static void debug_find(const struct symbolizer *s, struct module *m)
{
	const char *id = m->elf.build_id, *link = m->elf.debuglink, *slash = strrchr(m->path, '/');
	int dirlen = slash ? (int)(slash - m->path) : 0;
	char path[3 * 4096];

	if (m->elf.has_symtab)
		return;
	if (strlen(id) > 2) {
		snprintf(path, sizeof(path), "%s/.build-id/%.2s/%s.debug", s->debug_root, id, id + 2);
		if (debug_try(m, path) == 0)
			return;
	}
	if (!link[0] || !slash)
		return;
	snprintf(path, sizeof(path), "%.*s/%s", dirlen, m->path, link);
	if (debug_try(m, path) == 0)
		return;
	snprintf(path, sizeof(path), "%.*s/.debug/%s", dirlen, m->path, link);
	if (debug_try(m, path) == 0)
		return;
	snprintf(path, sizeof(path), "%s%.*s/%s", s->debug_root, dirlen, m->path, link);
	debug_try(m, path);
}

struct module *module_load(struct symbolizer *s, int i)
{
	struct module *m = &s->mods[i];
	char err[256];
	int fd;

	if (m->state == 0) {
		m->state = -1;
		fd = module_open(m);
		if (fd >= 0 && elfsyms_open(&m->elf, fd, err, sizeof(err)) == 0)
			m->state = 1;
		else if (fd >= 0)
			log_info("no symbols for '%s': %s", m->path, err);
		if (m->state == 1)
			debug_find(s, m);
	}
	return m;
}

void module_unload(struct module *m)
{
	size_t i;

	if (m->demangled) {
		for (i = 0; i < m->elf.n; i++)
			free(m->demangled[i]);
		free(m->demangled);
		m->demangled = NULL;
	}
	module_lines_release(m);
	if (m->state == 1) {
		elfsyms_release(&m->elf);
		m->state = 0;
	}
}

struct sym_module symbolizer_module(const struct symbolizer *s, int i)
{
	const struct module *m = &s->mods[i];
	struct sym_module out = { m->path, m->state == 1 ? m->elf.build_id : "", m->kernel };

	return out;
}

int symbolizer_module_count(const struct symbolizer *s)
{
	return s->nmods;
}
