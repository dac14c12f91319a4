/*
 * The function symbols, load segments and build-id of one ELF file, and
 * the symbols of its separate debug file when it has one.
 */
#ifndef AGENT_ELFSYMS_H
#define AGENT_ELFSYMS_H

#include <stddef.h>
#include <stdint.h>

struct elf_sym {
	uint64_t addr, size;
	const char *name; /* points into the mapped file */
	int rank;         /* at one address the lowest wins: 0 the file's, 1 its weak alias, 2 the debug file's */
	int label;        /* a code label without type or size (ld.so's _start, _dl_start_user): it
			     extends to the next symbol, unless a function holds it */
};

struct elf_load {
	uint64_t offset, vaddr, filesz; /* a PT_LOAD segment */
};

struct elfsyms {
	struct elf_sym *syms; /* functions from .symtab, then .dynsym, then the debug file's .symtab, by address */
	size_t n;
	struct elf_load *loads;
	size_t nloads;
	char build_id[129];   /* hex, "" when the file has none */
	int has_symtab;       /* the file has a .symtab: it is not stripped */
	char debuglink[256];  /* the .gnu_debuglink file name, "" when none */
	uint32_t debuglink_crc;
	int fd;
	void *elf;            /* Elf *, kept open for the symbol names */
	int debug_fd;         /* the separate debug file, -1 when none */
	void *debug_elf;
};

/*
 * elfsyms_open reads the file open on fd (elfsyms takes it over, also on
 * failure). Returns 0, or -1 with the reason in err. Free with
 * elfsyms_release.
 */
int elfsyms_open(struct elfsyms *e, int fd, char *err, size_t errlen);

/*
 * elfsyms_add_debug adds the functions of a separate debug file open on fd
 * (elfsyms takes it over, also on failure) to e: those at addresses e has
 * no name for, as e's own names win. The file must be e's: the same
 * build-id when e has one, else the CRC e's .gnu_debuglink gives. Returns
 * 0, or -1 with the reason in err (e is then unchanged).
 */
int elfsyms_add_debug(struct elfsyms *e, int fd, char *err, size_t errlen);

/*
 * elfsyms_vaddr turns a file offset into the address the ELF file gives it
 * (what addr2line takes). Returns 0, or -1 when no load segment holds it.
 */
int elfsyms_vaddr(const struct elfsyms *e, uint64_t offset, uint64_t *vaddr);

/*
 * elfsyms_lookup returns the function whose [addr, addr + size) holds
 * vaddr, or NULL. The result points into e.
 */
const struct elf_sym *elfsyms_lookup(const struct elfsyms *e, uint64_t vaddr);

/* elfsyms_release closes the file and frees what elfsyms_open made. */
void elfsyms_release(struct elfsyms *e);

#endif /* AGENT_ELFSYMS_H */
