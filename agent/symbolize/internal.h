/*
 * What the symbolizer's files share (internal to agent/symbolize): its
 * state, and its modules (modules.c): mapped files and kernel modules,
 * each one's ELF symbols read once, when first needed.
 */
#ifndef AGENT_SYMBOLIZE_INTERNAL_H
#define AGENT_SYMBOLIZE_INTERNAL_H

#include <stdint.h>

#include "symbolize/elfsyms.h"
#include "symbolize/kallsyms.h"
#include "symbolize/symbolize.h"

#define DEBUG_ROOT "/usr/lib/debug"

struct module {
	char *path;
	uint64_t inode;
	unsigned int dev_major, dev_minor;
	uint32_t tgid; /* a process that mapped it: its /proc/PID/root sees the file */
	uint64_t start, end; /* the vDSO: where that process maps it */
	int kernel;
	int state;     /* 0 not read yet (or released), 1 symbols read, -1 unreadable */
	int idle;      /* sweeps in a row that found no process mapping it */
	struct elfsyms elf;
	char **demangled; /* per symbol of elf, once demangled; NULL until needed */
	void *dwarf;      /* Dwarf *, for source lines (lines.c) */
	int dwarf_state;  /* 0 not opened yet, 1 open, -1 no debug lines */
	int dwarf_aranges; /* it has .debug_aranges: units are found through them alone */
	struct { const char *src; char *path; } *files; /* line table names made absolute */
	size_t nfiles;
};

struct mapping {
	uint64_t start, end, pgoff;
	int module; /* -1: anonymous code */
};

struct process {
	uint32_t tgid;
	int state;  /* 1 mappings read, -1 gone before they could be */
	struct mapping *maps; /* code mappings, sorted, not overlapping */
	size_t n;
	int refreshes;
	double last_read;
	int exited;  /* 2: the last sweep found it gone, so the next one forgets it */
};

struct symbolizer {
	char *kallsyms_path;
	char *debug_root;    /* separate debug files: DEBUG_ROOT unless set */
	struct kallsyms ks;
	int ks_state;        /* 0 not read yet, 1 read, -1 unavailable */
	uint32_t ks_last_module;
	int ks_last_index;
	struct process **procs; /* open addressing on tgid */
	size_t nprocs, proc_cap;
	struct module *mods;
	int nmods, mod_cap;
	struct symbolizer_stats st;
	int demangle;
	int lines;               /* 1: sym_frame has file and line where known */
	struct proc_table *ptab; /* where mappings come from */
	int own_ptab;            /* 1: made by symbolizer_new, freed with s */
};

/*
 * module_get returns the index of the module (path, device, inode), added
 * when new; tgid is a process that maps it (its /proc/PID/root sees the
 * file). -1 when out of memory.
 */
int module_get(struct symbolizer *s, const char *path, unsigned int major, unsigned int minor,
	       uint64_t inode, int kernel, uint32_t tgid);

/* module_load returns module i, its symbols read on first use. */
/* module_unload frees what module_load read of m: read again when needed. */
void module_unload(struct module *m);

struct module *module_load(struct symbolizer *s, int i);

/*
 * module_line finds the source file and line of vaddr (an ELF address of
 * m, whose symbols are read) in its DWARF line table. Returns 0 with
 * *file (owned by m) and *line set, or -1 when m has no line for it.
 */
int module_line(struct module *m, uint64_t vaddr, const char **file, int *line);

/* module_lines_release closes what module_line opened for m. */
void module_lines_release(struct module *m);

#endif /* AGENT_SYMBOLIZE_INTERNAL_H */
