/*
 * The agent's run (see session.h): choose and load the analyzer, attach,
 * then poll its debug records and drain its counts into the aggregate once
 * a second, so its maps never fill; on the end, detach, drain what is
 * left, symbolize and write.
 */
#include "session.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aggregate.h"
#include "analyzer.h"
#include "clock.h"
#include "analyzer_shared.h"
#include "debug-line.h"
#include "log.h"
#include "output.h"
#include "proc/stat.h"
#include "proc/table.h"
#include "symbolize/symbolize.h"
#include "unwind/loader.h"
#include "export/sink.h"
#include "agent-version.h"

#define DRAIN_INTERVAL_S 1.0

struct session {
	const struct agent_options *o;
	struct analyzer *a;
	struct aggregate ag;
	struct symbolizer *sym;
	struct proc_table *procs; /* mappings read once, for the symbolizer and the unwind loader */
	struct unwind_loader *unwind;
	struct output out;
	struct sink *sink;         /* continuous mode */
	double window_start;       /* monotonic */
	long long window_start_ns; /* wall clock */
	struct analyzer_object_info release_info;
	enum analyzer_flavor flavor;
	unsigned long debug_records;
	int drain_failed;
	int learn_failed; /* out of memory reading a new process's mappings */
	int debug_unwinds; /* the debug analyzer runs, and reports failed unwinds */
	double deadline;   /* --duration's end: past it, new processes are not read (the run ends on time) */
};

static volatile sig_atomic_t stop_signal, hup_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static void on_hup(int sig)
{
	hup_signal = sig;
}

static int catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESETHAND; /* a second signal kills, should writing hang */
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) < 0 || sigaction(SIGTERM, &sa, NULL) < 0)
		return log_error("cannot catch SIGINT and SIGTERM: %s", strerror(errno));
	sa.sa_handler = on_hup;
	sa.sa_flags = 0;
	if (sigaction(SIGHUP, &sa, NULL) < 0)
		return log_error("cannot catch SIGHUP: %s", strerror(errno));
	return 0;
}

static long long wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * which slot to load; EXIT_USAGE when this build lacks what was asked.
 * A debug release (its release slot holds the debug analyzer) says so.
 */
static int choose_flavor(struct session *ss)
{
	const struct agent_options *o = ss->o;
	char err[256];
	int debug_release;

	if (analyzer_slot_info(ANALYZER_RELEASE, &ss->release_info, err, sizeof(err)) < 0) {
		log_error("%s", err);
		return EXIT_FAILED;
	}
	debug_release = !strcmp(ss->release_info.flavor, "debug");
	ss->flavor = ANALYZER_RELEASE;
	if (o->debug_analyzer) {
		if (!analyzer_has_slot(ANALYZER_DEBUG)) {
			if (debug_release)
				log_error("--debug-analyzer: this build has only the release slot, and it holds the "
					  "debug analyzer (a debug release): run without --debug-analyzer");
			else
				log_error("--debug-analyzer: this build has only the release slot (built without "
					  "the debug-analyzer feature): use a build that has it");
			return EXIT_USAGE;
		}
		ss->flavor = ANALYZER_DEBUG;
	} else if (debug_release) {
		log_note("a debug release: its release slot holds the debug analyzer, whose records "
			 "follow on stderr");
	} else if (o->debug_level >= 0) {
		log_error("--debug-level needs the debug analyzer: add --debug-analyzer");
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/* a debug record's line, its mapping named by the unwind loader */
static const char *debug_line_unwind(struct session *ss, const struct analyzer_debug_event *ev, char *line,
				     size_t len)
{
	const char *path = NULL, *build_id = NULL;

	if (ev->event == ANALYZER_EVENT_UNWIND && ss->unwind)
		unwind_loader_file(ss->unwind, ev->file_id, &path, &build_id);
	return debug_line_format_mapping(ev, path, build_id, line, len);
}

static void on_debug(const struct analyzer_debug_event *ev, void *ctx)
{
	struct session *ss = ctx;
	char line[1024];

	ss->debug_records++;
	fprintf(stderr, "%s\n", debug_line_unwind(ss, ev, line, sizeof(line)));
}

/*
 * load the unwind rules of the sample's process when first seen (or when
 * its stack left the mappings loaded): later samples unwind with them
 */
static int unwind_track(struct session *ss, const struct analyzer_sample *s)
{
	/* past --duration no sample is to come: rules loaded then would serve none */
	if (!ss->unwind || !s->tgid || !s->user_depth || now() >= ss->deadline)
		return 0;
	return unwind_loader_track(ss->unwind, s->tgid, s->user_ips, s->user_depth);
}

/*
 * a process was sampled for the first time (or since it exec'd): read its
 * mappings while it runs, as it may be gone by the next drain, and load
 * its unwind rules for its next samples
 */
static void on_process(uint32_t tgid, void *ctx)
{
	struct session *ss = ctx;

	if (now() >= ss->deadline)
		return;
	if (proc_table_read(ss->procs, tgid) < 0)
		ss->learn_failed = 1;
}

static int on_sample(const struct analyzer_sample *s, void *ctx)
{
	struct session *ss = ctx;

	if (aggregate_add(&ss->ag, s) < 0 || unwind_track(ss, s) < 0 ||
	    (s->user_depth && symbolizer_track(ss->sym, s->tgid, s->user_ips, s->user_depth) < 0)) {
		ss->drain_failed = 1;
		return -ENOMEM;
	}
	return 0;
}

/*
 * a sample of a process whose rules were not loaded yet, as a stack copy:
 * unwound here with the rules loaded since (on_process ran first); with
 * the debug analyzer, a stack that is not complete gets the record the
 * analyzer would have printed
 */
static int on_copy(const struct analyzer_sample *ks, const struct analyzer_user_copy *c, void *ctx)
{
	struct session *ss = ctx;
	struct analyzer_sample s = *ks;
	struct analyzer_debug_event ev;
	uint64_t ips[ANALYZER_MAX_STACK_DEPTH];
	struct unwind_result res;

	unwind_loader_unwind(ss->unwind, s.tgid, c, ips, ANALYZER_MAX_STACK_DEPTH, &res);
	s.user_depth = (uint32_t)res.depth;
	s.user_ips = ips;
	if (ss->debug_unwinds && res.depth && res.reason != ANALYZER_UNWIND_OK) {
		ev = (struct analyzer_debug_event){ .pid = s.pid, .tgid = s.tgid, .cpu = c->cpu,
			.event = ANALYZER_EVENT_UNWIND, .pc = res.pc, .map_offset = res.offset, .file_id = res.file_id,
			.depth = (uint32_t)res.depth, .unwind_reason = res.reason, .unwind_how = res.how };
		memcpy(ev.comm, s.comm, sizeof(ev.comm));
		on_debug(&ev, ss);
	}
	return on_sample(&s, ss);
}

static int drain(struct session *ss)
{
	int r = analyzer_drain(ss->a, on_sample, ss);

	if (r < 0 && ss->drain_failed)
		return log_error("out of memory while collecting samples");
	if (r < 0)
		return log_error("cannot read the analyzer's samples: %s", strerror(-r));
	if (ss->unwind)
		unwind_loader_forget_exited(ss->unwind);
	log_info("drained: %zu stacks, %llu samples so far", ss->ag.n, (unsigned long long)ss->ag.samples);
	return 0;
}

/* entries of `unwind_rules` in --unwind-table MiB */
static size_t unwind_rules(const struct agent_options *o)
{
	return (size_t)o->unwind_mib * 1024 * 1024 / sizeof(struct analyzer_unwind_rule);
}

/*
 * the unwind rules' loader, on the loaded analyzer's maps; the --pid
 * process's rules are loaded before sampling starts
 */
static int unwind_setup(struct session *ss)
{
	struct unwind_sink sink;
	int i;

	if (unwind_sink_analyzer(&sink, ss->a) < 0)
		return log_error("the analyzer object has no unwind maps: use matching builds");
	ss->unwind = unwind_loader_new(&sink, ss->procs);
	if (!ss->unwind)
		return log_error("out of memory");
	for (i = 0; i < ss->o->npids; i++)
		if (unwind_loader_track(ss->unwind, (uint32_t)ss->o->pids[i], NULL, 0) < 0)
			return log_error("out of memory while loading unwind rules");
	return 0;
}

static void unwind_report(struct session *ss)
{
	struct unwind_loader_stats st;

	if (!ss->unwind)
		return;
	unwind_loader_read_stats(ss->unwind, &st);
	log_info("unwind rules: %zu processes, %zu files, %zu of %zu rules (%zu KiB), %lu files without CFI, "
		 "%lu without room, %lu processes without room, %lu files evicted; %lu files read, %zu KiB kept; "
		 "%lu processes not read past --duration", st.processes, st.files, st.rules, st.max_rules,
		 st.rules * sizeof(struct analyzer_unwind_rule) / 1024, st.no_cfi, st.no_room, st.procs_full,
		 st.evicted, st.reads, st.kept_bytes / 1024, st.late);
}

static int open_analyzer(struct session *ss)
{
	const struct agent_options *o = ss->o;
	struct analyzer_opts ao;
	char err[512];

	memset(&ao, 0, sizeof(ao));
	ao.sz = sizeof(ao);
	ao.flavor = ss->flavor;
	ao.frequency_hz = o->frequency_hz;
	ao.pids = o->pids;
	ao.npids = (size_t)o->npids;
	ao.debug_level = o->debug_level < 0 ? ANALYZER_DEBUG_LEVEL_DEFAULT
			 : o->debug_level == 0 ? ANALYZER_DEBUG_LEVEL_OFF : o->debug_level;
	ao.debug_cb = on_debug;
	ao.debug_ctx = ss;
	ao.process_cb = on_process;
	ao.process_ctx = ss;
	ao.copy_cb = on_copy;
	ao.copy_ctx = ss;
	ao.unwind_rules = unwind_rules(o);
	ao.verbose = o->verbose;
	ss->a = analyzer_open(&ao, err, sizeof(err));
	if (!ss->a)
		return log_error("%s", err);
	ss->debug_unwinds = !strcmp(analyzer_info(ss->a)->flavor, "debug") &&
			    ao.debug_level != ANALYZER_DEBUG_LEVEL_OFF;
	if (unwind_setup(ss) < 0)
		return -1;
	if (analyzer_start(ss->a, err, sizeof(err)) < 0)
		return log_error("%s", err);
	log_info("loaded the %s analyzer from the %s slot (abi %d, source %s), sampling %s at %u Hz",
		 analyzer_info(ss->a)->flavor, ss->flavor == ANALYZER_DEBUG ? "debug" : "release",
		 analyzer_info(ss->a)->abi, analyzer_info(ss->a)->source,
		 o->npids ? "the chosen processes and their descendants" : "every process", o->frequency_hz);
	return 0;
}

/*
 * every --pid process exited (descendants still running are not waited
 * for); 0 when profiling every process
 */
static int targets_gone(const struct agent_options *o)
{
	int i;

	for (i = 0; i < o->npids; i++)
		if (!proc_exited(o->pids[i]))
			return 0;
	return o->npids > 0;
}

static void fill_meta(struct session *ss, double elapsed, struct profile_meta *meta)
{
	const struct agent_options *o = ss->o;

	memset(meta, 0, sizeof(*meta));
	meta->agent_version = agent_version();
	meta->analyzer = analyzer_info(ss->a);
	meta->frequency_hz = o->frequency_hz;
	meta->pids = o->pids;
	meta->npids = o->npids;
	meta->duration_s = elapsed;
	if (analyzer_read_stats(ss->a, &meta->stats) < 0)
		memset(&meta->stats, 0, sizeof(meta->stats));
}

/* continuous mode: the window so far to the sink, then a new window */
static int flush_window(struct session *ss)
{
	struct profile_meta meta;
	double t = now();
	long long wall = wall_ns();

	fill_meta(ss, t - ss->window_start, &meta);
	if (sink_flush(ss->sink, &ss->ag, ss->sym, &meta, ss->window_start_ns) < 0)
		return -1;
	aggregate_release(&ss->ag);
	if (aggregate_init(&ss->ag) < 0)
		return log_error("out of memory");
	ss->window_start = t; /* the next window starts where this one's samples end */
	ss->window_start_ns = wall;
	return 0;
}

/* poll and drain until the end; returns 0, or -1 after printing why */
static int sample(struct session *ss, double *elapsed)
{
	const struct agent_options *o = ss->o;
	double start = now(), t = start, next_drain = start + DRAIN_INTERVAL_S;
	double deadline = o->duration_s > 0 ? start + o->duration_s : INFINITY;
	double next_flush = ss->sink ? start + o->interval_s : INFINITY;
	int r;

	ss->window_start = start;
	ss->window_start_ns = wall_ns();
	ss->deadline = deadline;
	if (ss->unwind)
		unwind_loader_set_deadline(ss->unwind, deadline);
	while (!stop_signal && t < deadline) {
		if (hup_signal) {
			hup_signal = 0;
			sink_reopen(ss->sink);
		}
		if (t >= next_flush) {
			if (drain(ss) < 0 || flush_window(ss) < 0)
				return -1;
			next_flush += o->interval_s;
			if (next_flush <= t)
				next_flush = t + o->interval_s;
		}
		if (t >= next_drain) {
			if (drain(ss) < 0)
				return -1;
			next_drain = t + DRAIN_INTERVAL_S;
			if (targets_gone(o)) {
				if (o->npids > 1)
					log_info("the %d chosen processes exited", o->npids);
				else
					log_info("process %d exited", o->pids[0]);
				break;
			}
		}
		r = analyzer_poll(ss->a, (int)ceil((fmin(fmin(next_drain, next_flush), deadline) - t) * 1000));
		if (r < 0 && ss->drain_failed)
			return log_error("out of memory while collecting samples");
		if (r < 0 && r != -EINTR)
			return log_error("cannot read the analyzer's records: %s", strerror(-r));
		if (ss->learn_failed)
			return log_error("out of memory while reading the mappings of new processes");
		t = now();
	}
	if (stop_signal)
		log_info("%s: stopping", strsignal(stop_signal));
	*elapsed = now() - start;
	return 0;
}

static int write_profile(struct session *ss, double elapsed)
{
	const struct agent_options *o = ss->o;
	struct profile_meta meta;

	fill_meta(ss, elapsed, &meta);
	log_info("%lu samples seen, %lu recorded (%lu as stack copies, %lu more without room), %lu filtered, "
		 "%lu stack errors, %lu lost to a full map; %lu debug records (%lu lost); %zu stacks",
		 (unsigned long)meta.stats.samples, (unsigned long)meta.stats.recorded,
		 (unsigned long)meta.stats.copied, (unsigned long)meta.stats.copy_lost,
		 (unsigned long)meta.stats.filtered,
		 (unsigned long)(meta.stats.kstack_err + meta.stats.ustack_err),
		 (unsigned long)meta.stats.map_full, ss->debug_records, (unsigned long)meta.stats.debug_lost,
		 ss->ag.n);
	if (ss->sink)
		return flush_window(ss);
	return export_write(ss->out.f, o->format, &ss->ag, ss->sym, &meta, !o->no_demangle);
}

static int run(struct session *ss)
{
	double elapsed = 0, t0 = now(), t1, t2;

	if (open_analyzer(ss) < 0 || sample(ss, &elapsed) < 0)
		return -1;
	t1 = now();
	analyzer_stop(ss->a);
	while (analyzer_poll(ss->a, 0) > 0)
		;
	if (drain(ss) < 0 || (t2 = now(), write_profile(ss, elapsed)) < 0)
		return -1;
	log_info("timing: %.2f s starting, %.2f s sampling, %.2f s reading the last records, %.2f s writing",
		 t1 - t0 - elapsed, elapsed, t2 - t1, now() - t2);
	unwind_report(ss);
	if (ss->sink) {
		struct sink *sk = ss->sink;

		ss->sink = NULL;
		return sink_close(sk);
	}
	return output_commit(&ss->out);
}

/* every --pid names a process; -1 after naming one that does not exist */
static int check_pids(const struct agent_options *o)
{
	int i;

	for (i = 0; i < o->npids; i++)
		if (kill(o->pids[i], 0) < 0 && errno == ESRCH)
			return log_error("no process with pid %d: check the pid", o->pids[i]);
	return 0;
}

int session_run(const struct agent_options *o)
{
	struct session ss;
	int code;

	memset(&ss, 0, sizeof(ss));
	ss.o = o;
	ss.deadline = INFINITY;
	code = choose_flavor(&ss);
	if (code != EXIT_OK)
		return code;
	if (check_pids(o) < 0)
		return EXIT_FAILED;
	if (options_continuous(o) && sink_open(&ss.sink, o) < 0)
		return EXIT_USAGE;
	code = EXIT_FAILED;
	if (!ss.sink && output_open(&ss.out, o->output) < 0)
		return EXIT_FAILED;
	ss.sym = symbolizer_new(NULL);
	ss.procs = proc_table_new();
	if (aggregate_init(&ss.ag) < 0 || !ss.sym || !ss.procs || symbolizer_set_proc_table(ss.sym, ss.procs) < 0) {
		log_error("out of memory");
		goto cleanup;
	}
	symbolizer_set_demangle(ss.sym, !o->no_demangle);
	if (catch_signals() < 0 || run(&ss) < 0)
		goto cleanup;
	code = EXIT_OK;
cleanup:
	sink_close(ss.sink);
	output_abort(&ss.out);
	unwind_loader_free(ss.unwind);
	analyzer_close(ss.a);
	symbolizer_free(ss.sym);
	proc_table_free(ss.procs);
	aggregate_release(&ss.ag);
	return code;
}
