/* Symbolizes one aggregated stack, root first (see frames.h). */
#include "frames.h"

#include <errno.h>
#include <string.h>

#include "frametypes.h"

void frames_resolve(struct symbolizer *s, const struct stack_entry *e, struct frames *out)
{
	const uint64_t *kips = e->ips, *uips = e->ips + e->kernel_depth;
	struct frame *fr;
	uint32_t i;

	out->n = 0;
	for (i = e->user_depth; i-- > 0;) {
		fr = &out->f[out->n++];
		fr->ip = uips[i];
		fr->type = FRAME_MARKER_NATIVE;
		symbolizer_user(s, e->tgid, fr->ip, i > 0, &fr->sym);
		fr->name = symbolizer_frame_name(s, &fr->sym, fr->ip, fr->buf, sizeof(fr->buf));
	}
	for (i = e->kernel_depth; i-- > 0;) {
		fr = &out->f[out->n++];
		fr->ip = kips[i];
		fr->type = FRAME_MARKER_KERNEL;
		symbolizer_kernel(s, fr->ip, i > 0, &fr->sym);
		fr->name = symbolizer_frame_name(s, &fr->sym, fr->ip, fr->buf, sizeof(fr->buf));
	}
}

const char *stack_error_name(int err)
{
	const char *name;

	if (err == 0)
		return NULL;
	if (err == -ENOENT)
		return "lost";
	name = strerrorname_np(-err);
	return name ? name : "error";
}
