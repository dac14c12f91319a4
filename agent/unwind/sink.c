/* The unwind loader's sink on the analyzer's unwind maps (see unwind/loader.h). */
#include "unwind/loader.h"

static int write_rules(void *ctx, uint32_t start, const struct analyzer_unwind_rule *r, uint32_t n)
{
	return analyzer_unwind_rules_write(ctx, start, r, n);
}

static int set_proc(void *ctx, uint32_t tgid, const struct analyzer_unwind_proc *p)
{
	return analyzer_unwind_proc_set(ctx, tgid, p);
}

static int delete_proc(void *ctx, uint32_t tgid)
{
	return analyzer_unwind_proc_delete(ctx, tgid);
}

int unwind_sink_analyzer(struct unwind_sink *sink, struct analyzer *a)
{
	sink->ctx = a;
	sink->max_rules = analyzer_unwind_rules_size(a);
	sink->rules = analyzer_unwind_rules(a);
	sink->write_rules = write_rules;
	sink->set_proc = set_proc;
	sink->delete_proc = delete_proc;
	return sink->max_rules ? 0 : -1;
}
