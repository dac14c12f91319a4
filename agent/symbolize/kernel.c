/*
 * Kernel addresses to names (see symbolize.h): /proc/kallsyms read once,
 * on the first kernel frame; each kernel module (and the kernel itself)
 * is a module of the symbolizer, so frames name it like a mapped file.
 */
#include "symbolize/internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "symbolize/kallsyms.h"

static int kernel_module_index(struct symbolizer *s, const struct ksym *sym)
{
	const char *name = kallsyms_module(&s->ks, sym);
	char path[300];

	if (s->ks_last_index >= 0 && s->ks_last_module == sym->module)
		return s->ks_last_index;
	snprintf(path, sizeof(path), "[%s]", name[0] ? name : "kernel.kallsyms");
	s->ks_last_index = module_get(s, path, 0, 0, 0, 1, 0);
	s->ks_last_module = sym->module;
	return s->ks_last_index;
}

static void kallsyms_load(struct symbolizer *s)
{
	FILE *f;
	int n;

	s->ks_state = -1;
	f = fopen(s->kallsyms_path, "re");
	if (!f) {
		log_info("no kernel symbols: cannot read '%s': %s", s->kallsyms_path, strerror(errno));
		return;
	}
	n = kallsyms_read(&s->ks, f);
	fclose(f);
	if (n > 0)
		s->ks_state = 1;
	else if (n == 0)
		log_info("no kernel symbols: '%s' hides the addresses (needs root or CAP_SYSLOG)",
			 s->kallsyms_path);
	else
		log_info("no kernel symbols: out of memory reading '%s'", s->kallsyms_path);
}

void symbolizer_kernel(struct symbolizer *s, uint64_t ip, int return_address, struct sym_frame *f)
{
	uint64_t look = return_address && ip ? ip - 1 : ip;
	const struct ksym *sym;

	memset(f, 0, sizeof(*f));
	f->module = -1;
	f->mapped = 1;
	if (s->ks_state == 0)
		kallsyms_load(s);
	if (s->ks_state != 1)
		return;
	sym = kallsyms_lookup(&s->ks, look);
	if (!sym)
		return;
	f->symbol = kallsyms_name(&s->ks, sym);
	f->symbol_offset = ip - sym->addr;
	f->module = kernel_module_index(s, sym);
}
