/*
 * OTLP/HTTP export of continuous mode's windows: each window becomes one
 * ExportProfilesServiceRequest (otlp-profiles.proto: opentelemetry-proto
 * v1.11.0's wire format), gzipped and posted to the endpoint by a sender
 * thread through libcurl, which is loaded at start (dlopen of
 * libcurl.so.4: the agent is a static binary, and libcurl with its TLS
 * and resolver cannot be linked statically from Debian).
 *
 * A request the endpoint answers 429, 502, 503 or 504 (or that fails to
 * connect or times out) is sent again after 1, 2, 4, 8 s (or the
 * Retry-After it gives), five tries in all; the queue holds
 * OTLP_QUEUE_MAX requests and drops the oldest when full. Every request
 * not delivered is counted and reported at the end.
 */
#ifndef AGENT_EXPORT_OTLP_H
#define AGENT_EXPORT_OTLP_H

#include <stddef.h>
#include <stdint.h>

#include "aggregate.h"
#include "json.h"
#include "model.h"
#include "options.h"
#include "symbolize/symbolize.h"

#define OTLP_QUEUE_MAX 8
/* the value of the OTLP-Profiles-Development-Version header: the
 * Collector's number for the profiles schema of opentelemetry-proto
 * v1.11.0, which otlp-profiles.proto follows */
#define OTLP_PROFILES_DEVELOPMENT_VERSION "1"
#define OTLP_TRIES 5

struct otlp;

/* what a request says besides the model */
struct otlp_window {
	const struct profile_meta *meta;
	long long start_unix_ns;
	const char *service_name; /* NULL: each process's comm */
	const char *host_name;
};

/*
 * otlp_encode turns m (one window) into an ExportProfilesServiceRequest:
 * a ResourceProfiles per process (host.name, service.name, process.pid,
 * process.executable.path while /proc tells it), its one Profile with
 * sample type samples/count, period cpu/nanoseconds, samples with
 * thread.id and thread.name; the dictionary shared by all, its index 0
 * entries the zero values the spec asks for; mappings carry
 * process.executable.build_id.gnu. Returns the packed message (malloc'd,
 * *len bytes; the caller frees), or NULL when out of memory.
 */
uint8_t *otlp_encode(struct export_model *m, const struct otlp_window *w, size_t *len);

/*
 * otlp_open loads libcurl and starts the sender for o's endpoint and
 * headers. Returns 0 with *out set, or -1 after printing one line (no
 * libcurl: the caller exits with EXIT_USAGE).
 */
int otlp_open(struct otlp **out, const struct agent_options *o);

/*
 * otlp_submit encodes the window (ag symbolized with s) and queues it,
 * dropping the oldest queued request when the queue is full. Returns 0:
 * a window that cannot be encoded (out of memory) is counted as not
 * delivered, and sampling goes on.
 */
int otlp_submit(struct otlp *x, const struct aggregate *ag, struct symbolizer *s, const struct profile_meta *meta,
		long long start_unix_ns);

/*
 * otlp_close lets the sender deliver what is queued for at most the
 * request timeout, stops it, prints what was delivered and what was not,
 * and frees x (NULL is accepted). Returns 0, or -1 when a window was not
 * delivered.
 */
int otlp_close(struct otlp *x);

#endif /* AGENT_EXPORT_OTLP_H */
