/*
 * Turns sampled addresses into function names: kernel addresses through
 * /proc/kallsyms, user addresses through the process's mappings (read from
 * /proc/PID/maps while it runs, and kept after it exits) and the mapped
 * files' ELF symbol tables: .symtab, .dynsym, then for a stripped file its
 * separate debug file, by build-id or .gnu_debuglink; the vDSO's from its
 * image in the process's memory.
 */
#ifndef AGENT_SYMBOLIZE_H
#define AGENT_SYMBOLIZE_H

#include <stddef.h>
#include <stdint.h>

struct symbolizer;

/* what one address resolved to */
struct sym_frame {
	const char *symbol;     /* function name (owned by the symbolizer), NULL when unknown */
	uint64_t symbol_offset; /* address - function start */
	int module;             /* index of the mapped file or kernel module, -1 when none */
	uint64_t module_offset; /* file offset inside the module (for a kernel one: none) */
	int mapped;             /* 0: the process's mappings were never seen (it was gone) */
	const char *file;       /* source file (owned by the symbolizer), NULL when unknown or
				   lines are off (symbolizer_set_lines) */
	int line;               /* its line, 0 when unknown */
};

/* a mapped file or kernel module */
struct sym_module {
	const char *path;     /* "/usr/lib/x86_64-linux-gnu/libc.so.6", "[vdso]", "[kernel.kallsyms]", "[ext4]" */
	const char *build_id; /* hex, "" when unknown or none */
	int kernel;
};

/*
 * symbolizer_new makes a symbolizer that reads kernel symbols from
 * kallsyms_path (NULL: /proc/kallsyms) when first needed. Returns NULL when
 * out of memory. Free with symbolizer_free.
 */
struct symbolizer *symbolizer_new(const char *kallsyms_path);

/*
 * symbolizer_set_debug_root makes s look for separate debug files under
 * dir (default: /usr/lib/debug): dir/.build-id/xx/yyyy.debug by build-id,
 * and dir/<directory of the file>/<.gnu_debuglink name>. Returns 0, or -1
 * when out of memory.
 */
int symbolizer_set_debug_root(struct symbolizer *s, const char *dir);

/*
 * symbolizer_set_demangle makes s name C++ functions demangled (on, the
 * default: foo::bar(int), as perf does) or as their symbols are
 * (_ZN3foo3barEi).
 */
void symbolizer_set_demangle(struct symbolizer *s, int on);

/*
 * symbolizer_set_lines makes s look up the source file and line of each
 * user address in the DWARF line tables of the mapped files (or of their
 * separate debug files) when on; off, the default, sym_frame.file stays
 * NULL and no line table is read.
 */
void symbolizer_set_lines(struct symbolizer *s, int on);

struct proc_table;

/*
 * symbolizer_set_proc_table makes s take process mappings from t (which
 * must outlive s), as every other part listening to t does, instead of
 * the table of its own symbolizer_new made: a read of a process's
 * mappings serves them all. Returns 0, or -1 when out of memory.
 */
int symbolizer_set_proc_table(struct symbolizer *s, struct proc_table *t);

/* symbolizer_free frees s and everything it resolved; accepts NULL. */
void symbolizer_free(struct symbolizer *s);

/*
 * symbolizer_track remembers the mappings of process tgid while it runs,
 * so its addresses resolve after it exits. Call it when a stack of tgid is
 * seen, with the stack's user addresses: mappings are read (through the
 * process table) on first sight, and again (at most once a second) when an
 * address falls outside them.
 * Returns 0, or -1 when out of memory. A process already gone is no error:
 * its addresses stay raw.
 */
int symbolizer_track(struct symbolizer *s, uint32_t tgid, const uint64_t *ips, size_t n);

/*
 * symbolizer_learn has the process table read the mappings of process
 * tgid now (every listener of the table gets them), adding them to those
 * read before (a process just started, or just exec'd): its
 * addresses then resolve even if it exits before its samples are drained.
 * Returns 0, or -1 when out of memory. A process already gone is no error.
 */
int symbolizer_learn(struct symbolizer *s, uint32_t tgid);

/*
 * symbolizer_user resolves a user address of process tgid; return_address
 * set means ip is a return address (every frame but the leaf), looked up
 * one byte back so calls at a function's end resolve to their caller.
 * Fills *f; never fails (what cannot be resolved stays unresolved).
 */
void symbolizer_user(struct symbolizer *s, uint32_t tgid, uint64_t ip, int return_address,
		     struct sym_frame *f);

/* symbolizer_kernel does the same for a kernel address. */
void symbolizer_kernel(struct symbolizer *s, uint64_t ip, int return_address, struct sym_frame *f);

/*
 * symbolizer_frame_name returns a frame's printable name: the function,
 * else "module+0xoffset", else "[unknown]", or "0xaddress" for a process
 * whose mappings were never seen. The result is f->symbol or buf.
 */
const char *symbolizer_frame_name(const struct symbolizer *s, const struct sym_frame *f, uint64_t ip,
				  char *buf, size_t len);

/*
 * symbolizer_sweep bounds what s keeps in a long run. Call it after each
 * window's samples were symbolized: it forgets the processes a previous
 * sweep found exited (their samples, all taken before they exited, were
 * drained and symbolized since), notes those that exited now for the
 * next sweep, and frees the symbols, line tables and debug files of
 * mapped files that no process it keeps has mapped for two sweeps (read
 * again if one maps them later). Module indices stay valid.
 */
void symbolizer_sweep(struct symbolizer *s);

struct symbolizer_stats {
	size_t processes;       /* processes whose mappings s keeps now */
	unsigned long forgotten; /* processes forgotten as exited, in all */
	int files;              /* modules known (kernel ones too) */
	int files_loaded;       /* of them, with symbols read and kept now */
	unsigned long unloaded; /* files whose symbols were freed, in all */
};

/* symbolizer_read_stats fills *st with s's counts. */
void symbolizer_read_stats(const struct symbolizer *s, struct symbolizer_stats *st);

/* symbolizer_module returns module i (0 <= i < symbolizer_module_count), owned by s. */
struct sym_module symbolizer_module(const struct symbolizer *s, int i);
int symbolizer_module_count(const struct symbolizer *s);

#endif /* AGENT_SYMBOLIZE_H */
