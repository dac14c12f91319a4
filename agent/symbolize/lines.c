/*
 * Source file and line of an address, from the DWARF line table of a
 * module's separate debug file or of the file itself (libdw): what
 * addr2line prints. The module's Dwarf handle is opened once, when a
 * line is first asked for, and kept with the module.
 */
#include "symbolize/internal.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the module's Dwarf, opened on first use; NULL when it has no debug lines */
static Dwarf *module_dwarf(struct module *m)
{
	Dwarf_Aranges *ar;
	size_t n;

	if (m->dwarf_state == 0) {
		m->dwarf_state = -1;
		if (m->elf.debug_elf)
			m->dwarf = dwarf_begin_elf(m->elf.debug_elf, DWARF_C_READ, NULL);
		if (!m->dwarf && m->elf.elf)
			m->dwarf = dwarf_begin_elf(m->elf.elf, DWARF_C_READ, NULL);
		if (m->dwarf)
			m->dwarf_state = 1;
		m->dwarf_aranges = m->dwarf && dwarf_getaranges(m->dwarf, &ar, &n) == 0 && n > 0;
	}
	return m->dwarf;
}

/*
 * the compile unit holding vaddr: by .debug_aranges when the file has
 * them (an address they miss has no line), else by each unit's ranges
 */
static int unit_of(const struct module *m, Dwarf *dbg, uint64_t vaddr, Dwarf_Die *cu)
{
	Dwarf_Off off = 0, next;
	size_t header;

	if (dwarf_addrdie(dbg, vaddr, cu))
		return 0;
	if (m->dwarf_aranges)
		return -1;
	while (dwarf_nextcu(dbg, off, &next, &header, NULL, NULL, NULL) == 0) {
		if (dwarf_offdie(dbg, off + header, cu) && dwarf_haspc(cu, vaddr) > 0)
			return 0;
		off = next;
	}
	return -1;
}

/*
 * src as addr2line prints it: under the unit's compilation directory when
 * relative (libdw joins only the line table's own directories), kept with
 * m; NULL when out of memory
 */
static const char *full_path(struct module *m, Dwarf_Die *cu, const char *src)
{
	Dwarf_Attribute at;
	const char *dir = src[0] == '/' ? NULL : dwarf_formstring(dwarf_attr(cu, DW_AT_comp_dir, &at));
	char *path;
	void *tmp;
	size_t i;

	if (!dir || !dir[0])
		return src;
	for (i = 0; i < m->nfiles; i++)
		if (m->files[i].src == src)
			return m->files[i].path;
	if (asprintf(&path, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", src) < 0)
		return NULL;
	tmp = realloc(m->files, (m->nfiles + 1) * sizeof(*m->files));
	if (!tmp) {
		free(path);
		return NULL;
	}
	m->files = tmp;
	m->files[m->nfiles].src = src;
	m->files[m->nfiles].path = path;
	m->nfiles++;
	return path;
}

int module_line(struct module *m, uint64_t vaddr, const char **file, int *line)
{
	Dwarf *dbg = m->state == 1 ? module_dwarf(m) : NULL;
	Dwarf_Line *l;
	Dwarf_Die cu;
	const char *src;
	int n;

	if (!dbg || unit_of(m, dbg, vaddr, &cu) < 0)
		return -1;
	l = dwarf_getsrc_die(&cu, vaddr);
	if (!l || dwarf_lineno(l, &n) != 0 || n <= 0)
		return -1;
	src = dwarf_linesrc(l, NULL, NULL);
	if (!src || !(src = full_path(m, &cu, src)))
		return -1;
	*file = src;
	*line = n;
	return 0;
}

void module_lines_release(struct module *m)
{
	size_t i;

	for (i = 0; i < m->nfiles; i++)
		free(m->files[i].path);
	free(m->files);
	m->files = NULL;
	m->nfiles = 0;
	if (m->dwarf)
		dwarf_end(m->dwarf);
	m->dwarf = NULL;
	m->dwarf_state = 0;
}
