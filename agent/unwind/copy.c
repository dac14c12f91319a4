/*
 * The unwind loader's unwinder of stack copies: the analyzer's walk, in
 * user space, on the rules loaded (see unwind_loader_unwind).
 */
#include "unwind/loader-internal.h"

#include <string.h>

/* the rule in force at rel in m's run, or NULL (the analyzer's find_rule) */
static const struct analyzer_unwind_rule *rule_at(const struct unwind_loader *l, const struct analyzer_unwind_map *m,
						  uint64_t rel)
{
	if (!l->sink.rules || rel > UINT32_MAX || (size_t)m->rules_start + m->rules_len > l->max_rules)
		return NULL;
	return unwind_rules_find(&l->sink.rules[m->rules_start], m->rules_len, rel);
}

/* the 8 bytes at addr in the copy; 0, or -1 outside it */
static int copy_read(const struct analyzer_user_copy *c, uint64_t addr, uint64_t *v)
{
	if (addr < c->sp || addr - c->sp > c->size || c->size - (addr - c->sp) < sizeof(*v))
		return -1;
	memcpy(v, c->stack + (addr - c->sp), sizeof(*v));
	return 0;
}

/* the walk stopped at depth n for reason: the frame pc is where */
static void stopped(struct unwind_result *res, size_t n, int reason, uint64_t pc)
{
	res->depth = n;
	res->reason = reason;
	res->pc = pc;
}

void unwind_loader_unwind(struct unwind_loader *l, uint32_t tgid, const struct analyzer_user_copy *c,
			  uint64_t *ips, size_t max, struct unwind_result *res)
{
	uint64_t pc = c->pc, sp = c->sp, fp = c->fp, lr = c->lr, lookup, cfa, ra, frame[2];
	const struct analyzer_unwind_rule *r;
	const struct analyzer_unwind_map *m;
	const struct ul_proc *p = ul_proc_find(l, tgid);
	int fp_step = 0; /* pc came from a frame-pointer step */
	size_t n = 0;

	memset(res, 0, sizeof(*res));
	res->file_id = UINT32_MAX;
	if (!p)
		res->how |= ANALYZER_UNWIND_NOT_LOADED;
	for (;;) {
		if (!pc)
			return stopped(res, n, n ? ANALYZER_UNWIND_NO_ROOT : ANALYZER_UNWIND_BAD_PC, pc);
		if (n == max)
			return stopped(res, n, ANALYZER_UNWIND_DEPTH, pc);
		/* a return address follows its call: look up the call itself */
		lookup = n ? pc - 1 : pc;
		m = p ? ul_map_at(p, lookup) : NULL;
		/* a caller in no mapping ends it, as in the analyzer: a wrong frame-pointer guess is not recorded */
		if (p && !m && n && fp_step)
			return stopped(res, n, ANALYZER_UNWIND_NO_MAPPING, ips[n - 1]);
		ips[n++] = pc;
		res->file_id = UINT32_MAX;
		res->offset = pc;
		if (p && !m && n > 1)
			return stopped(res, n, ANALYZER_UNWIND_NO_MAPPING, pc);
		if (m) {
			res->file_id = m->file_id;
			res->offset = pc - m->start + m->pgoff;
			if (!m->rules_len)
				res->how |= m->flags & ANALYZER_MAP_NO_ROOM ? ANALYZER_UNWIND_NO_ROOM : ANALYZER_UNWIND_NO_CFI;
		}
		if (m && m->rules_len) {
			r = rule_at(l, m, lookup - m->bias);
			if (r && r->cfa_reg == ANALYZER_CFA_END)
				return stopped(res, n, ANALYZER_UNWIND_OK, pc);
			cfa = r ? analyzer_rule_cfa(r, pc, sp, fp) : 0;
			if (!cfa)
				return stopped(res, n, ANALYZER_UNWIND_NO_RULE, pc);
			if (cfa < sp || (cfa == sp && !r->ra_in_lr))
				return stopped(res, n, ANALYZER_UNWIND_NO_PROGRESS, pc);
			if (r->ra_in_lr)
				ra = lr;
			else if (copy_read(c, cfa + (uint64_t)(int64_t)r->ra_off, &ra) < 0)
				return stopped(res, n, ANALYZER_UNWIND_READ_FAULT, pc);
			if (r->fp_off && copy_read(c, cfa + (uint64_t)(int64_t)r->fp_off, &fp) < 0)
				return stopped(res, n, ANALYZER_UNWIND_READ_FAULT, pc);
			sp = cfa;
			pc = ra;
			fp_step = 0;
		} else { /* no rules: frame pointers, [fp] the caller's fp, [fp + 8] the return address */
			res->how |= ANALYZER_UNWIND_FP_USED;
			if (!fp)
				return stopped(res, n, ANALYZER_UNWIND_NO_ROOT, pc);
			if (fp + 16 <= sp)
				return stopped(res, n, ANALYZER_UNWIND_NO_PROGRESS, pc);
			if (copy_read(c, fp, &frame[0]) < 0 || copy_read(c, fp + 8, &frame[1]) < 0)
				return stopped(res, n, ANALYZER_UNWIND_READ_FAULT, pc);
			sp = fp + 16;
			fp = frame[0];
			pc = frame[1];
			fp_step = 1;
		}
		lr = 0;
	}
}

