/*
 * What libanalyzer's files share (internal to the library): the handle,
 * and the steps analyzer_open takes in each of them. Loader order as in
 * libbpf-bootstrap: open (open.c), set rodata (settings.c), load, find the
 * maps and rings (rings.c, unwind-maps.c), attach (attach.c), poll
 * (rings.c), drain (stacks.c), and one cleanup path.
 */
#ifndef LIBANALYZER_INTERNAL_H
#define LIBANALYZER_INTERNAL_H

#include <bpf/libbpf.h>
#include <stddef.h>
#include <stdint.h>

#include "analyzer.h"
#include "analyzer_shared.h"

#define DEFAULT_FREQUENCY_HZ 19

struct analyzer {
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct bpf_link *fork_link, *free_link, *exec_link; /* see attach_tracepoints */
	int *pids;                              /* the chosen processes; NULL: every process */
	size_t npids;
	int tracked_fd;
	int counts_fd;
	int stacks_fd;
	int ustacks_fd;
	int stats_fd;
	struct ring_buffer *rb;        /* debug_events, stack_copies: those there are */
	struct perf_buffer *process_pb; /* NULL without a process_cb */
	int poll_fd;                    /* epoll over rb and process_pb */
	analyzer_copy_fn copy_cb;
	void *copy_ctx;
	int copy_ret;                   /* copy_cb's non-zero return, for analyzer_poll */
	analyzer_process_fn process_cb;
	void *process_ctx;
	unsigned long process_records;
	struct bpf_link **links;
	int *perf_fds;
	int nr_cpus;
	unsigned int frequency_hz;
	analyzer_debug_fn debug_cb;
	void *debug_ctx;
	struct analyzer_object_info info;
	int rules_fd, procs_fd;         /* `unwind_rules`, `unwind_procs` */
	size_t max_rules;
	struct analyzer_unwind_rule *rules; /* `unwind_rules`, mapped; NULL when it cannot be */
	uint64_t kips[ANALYZER_MAX_STACK_DEPTH]; /* drain's scratch stacks */
	struct analyzer_user_stack ustack;
};

/* a field of opts that the caller's version of the struct has */
#define OPT(o, field) ((o)->sz >= offsetof(struct analyzer_opts, field) + sizeof((o)->field) ? (o)->field : 0)

/* analyzer_fail formats the reason into err and returns -1. */
int analyzer_fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* analyzer_perm_hint names what is missing when e is EPERM or EACCES, else "". */
const char *analyzer_perm_hint(int e);

/*
 * analyzer_apply_settings copies o's processes into a and sets the opened
 * object's `.rodata` and map sizes from o (settings.c). Returns 0, or -1
 * with the reason in err.
 */
int analyzer_apply_settings(struct analyzer *a, const struct analyzer_opts *o, char *err, size_t errlen);

/*
 * analyzer_open_rings opens the loaded object's ring and perf buffers the
 * callbacks need, and the epoll set over them (rings.c). Returns 0, or -1
 * with the reason in err; analyzer_close frees what it opened.
 */
int analyzer_open_rings(struct analyzer *a, char *err, size_t errlen);

/*
 * analyzer_open_unwind_maps finds the unwind maps of the loaded object and
 * maps `unwind_rules` when the kernel lets it (unwind-maps.c); an object
 * without them is no error (the unwind calls then fail with -ENOENT).
 */
void analyzer_open_unwind_maps(struct analyzer *a);

/* analyzer_close_unwind_maps unmaps what analyzer_open_unwind_maps mapped. */
void analyzer_close_unwind_maps(struct analyzer *a);

#endif /* LIBANALYZER_INTERNAL_H */
