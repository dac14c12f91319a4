/* Parses /proc/kallsyms into a sorted table of text symbols (see kallsyms.h). */
#include "symbolize/kallsyms.h"

#include <stdlib.h>
#include <string.h>

int kallsyms_parse_line(char *line, uint64_t *addr, char *type, char **name, char **module)
{
	char *end, *p;

	*addr = strtoull(line, &end, 16);
	if (end == line || *end != ' ' || !end[1] || end[2] != ' ' || !end[3])
		return -1;
	*type = end[1];
	p = end + 3;
	p[strcspn(p, "\n")] = '\0';
	*name = p;
	*module = NULL;
	end = strchr(p, '\t');
	if (end) {
		*end++ = '\0';
		if (*end == '[' && end[strlen(end) - 1] == ']') {
			end[strlen(end) - 1] = '\0';
			*module = end + 1;
		}
	}
	return **name ? 0 : -1;
}

static int is_text(char type)
{
	return type == 't' || type == 'T' || type == 'w' || type == 'W';
}

/* append s to the string table; returns its offset, or -1 when out of memory */
static int64_t add_string(struct kallsyms *ks, const char *s)
{
	size_t n = strlen(s) + 1;
	size_t off = ks->len;
	char *tmp;

	if (ks->len + n > ks->strcap) {
		size_t cap = ks->strcap ? ks->strcap * 2 : 1 << 20;

		while (cap < ks->len + n)
			cap *= 2;
		tmp = realloc(ks->strings, cap);
		if (!tmp)
			return -1;
		ks->strings = tmp;
		ks->strcap = cap;
	}
	memcpy(ks->strings + off, s, n);
	ks->len += n;
	return off > UINT32_MAX ? -1 : (int64_t)off;
}

static int add_symbol(struct kallsyms *ks, uint64_t addr, uint32_t name, uint32_t module)
{
	struct ksym *tmp;

	if (ks->n == ks->cap) {
		size_t cap = ks->cap ? ks->cap * 2 : 4096;

		tmp = realloc(ks->syms, cap * sizeof(*tmp));
		if (!tmp)
			return -1;
		ks->syms = tmp;
		ks->cap = cap;
	}
	ks->syms[ks->n].addr = addr;
	ks->syms[ks->n].name = name;
	ks->syms[ks->n].module = module;
	ks->n++;
	return 0;
}

static int by_addr(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

int kallsyms_read(struct kallsyms *ks, FILE *f)
{
	char line[1024], *name, *module, type;
	int64_t name_off, mod_off = 0;
	char last_module[256] = "";
	uint64_t addr;
	int nonzero = 0;

	if (add_string(ks, "") < 0) /* offset 0: the kernel proper */
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (kallsyms_parse_line(line, &addr, &type, &name, &module) < 0 || !is_text(type))
			continue;
		if (!module) {
			mod_off = 0;
			last_module[0] = '\0';
		} else if (strcmp(module, last_module)) {
			/* a module's symbols come together: store its name once per run */
			mod_off = add_string(ks, module);
			snprintf(last_module, sizeof(last_module), "%s", module);
		}
		name_off = add_string(ks, name);
		if (mod_off < 0 || name_off < 0 || add_symbol(ks, addr, (uint32_t)name_off, (uint32_t)mod_off) < 0)
			return -1;
		nonzero += addr != 0;
	}
	if (ks->n)
		qsort(ks->syms, ks->n, sizeof(*ks->syms), by_addr);
	return nonzero;
}

const struct ksym *kallsyms_lookup(const struct kallsyms *ks, uint64_t addr)
{
	size_t lo = 0, hi = ks->n;

	/* the last symbol with sym.addr <= addr */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ks->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || ks->syms[lo - 1].addr == 0)
		return NULL;
	return &ks->syms[lo - 1];
}

const char *kallsyms_name(const struct kallsyms *ks, const struct ksym *sym)
{
	return ks->strings + sym->name;
}

const char *kallsyms_module(const struct kallsyms *ks, const struct ksym *sym)
{
	return ks->strings + sym->module;
}

void kallsyms_release(struct kallsyms *ks)
{
	free(ks->syms);
	free(ks->strings);
	memset(ks, 0, sizeof(*ks));
}
