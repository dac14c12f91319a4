/* One aggregated stack as symbolized frames, root first (for the output formats). */
#ifndef AGENT_FRAMES_H
#define AGENT_FRAMES_H

#include <stddef.h>
#include <stdint.h>

#include "aggregate.h"
#include "analyzer_shared.h"
#include "symbolize/symbolize.h"

#define FRAME_NAME_MAX 320

struct frame {
	uint64_t ip;
	uint8_t type;         /* FRAME_MARKER_NATIVE or FRAME_MARKER_KERNEL */
	struct sym_frame sym;
	const char *name;     /* printable: the symbol, or what symbolizer_frame_name gives */
	char buf[FRAME_NAME_MAX];
};

struct frames {
	struct frame f[2 * ANALYZER_MAX_STACK_DEPTH];
	size_t n;
};

/*
 * frames_resolve symbolizes e's stacks into out, root first: the user
 * frames from the outermost caller to the leaf, then the kernel frames
 * from the system call entry to the leaf. out->f[i].name may point into
 * out or s; both must outlive its use.
 */
void frames_resolve(struct symbolizer *s, const struct stack_entry *e, struct frames *out);

/*
 * stack_error_name names why a stack is missing: "lost" when it left the
 * analyzer's map before it was read (-ENOENT), else the errno's name
 * ("EEXIST"), or NULL when err is 0.
 */
const char *stack_error_name(int err);

#endif /* AGENT_FRAMES_H */
