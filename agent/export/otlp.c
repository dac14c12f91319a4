/*
 * The OTLP sender (see otlp.h): a bounded queue of encoded requests and a
 * thread that posts them through libcurl, loaded with dlopen.
 */
#include "otlp.h"

#include <curl/curl.h>
#include <dlfcn.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gzip.h"
#include "log.h"
#include "utf8.h"

#define BACKOFF_MAX_S 30.0

/* the libcurl functions the sender uses, from libcurl.so.4 */
struct curl_api {
	void *lib;
	CURLcode (*global_init)(long);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode (*easy_perform)(CURL *);
	CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
	void (*easy_cleanup)(CURL *);
	const char *(*easy_strerror)(CURLcode);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void (*slist_free_all)(struct curl_slist *);
};

struct request {
	uint8_t *body;   /* gzipped ExportProfilesServiceRequest */
	size_t len;
	uint64_t samples;
};

struct otlp {
	struct curl_api api;
	const char *url;
	struct curl_slist *headers;
	double timeout_s;
	char *service_name;  /* UTF-8, NULL: each process's comm */
	char *host_name;     /* UTF-8 */
	int demangle;
	pthread_t thread;
	int started;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct request queue[OTLP_QUEUE_MAX]; /* a ring: head, n */
	size_t head, n;
	int busy;      /* the sender is delivering a request */
	int stopping;  /* deliver what is queued, then stop */
	int abort;     /* stop now: the close deadline passed */
	/* counts, under lock */
	unsigned long sent, sent_samples;
	unsigned long dropped, dropped_samples; /* the queue was full */
	unsigned long failed, failed_samples;   /* refused, or out of tries */
	unsigned long retries;
};

static int load_curl(struct curl_api *c)
{
	c->lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
	if (!c->lib)
		return log_error("--otlp-endpoint needs libcurl (libcurl.so.4): install libcurl4 (%s)", dlerror());
	*(void **)&c->global_init = dlsym(c->lib, "curl_global_init");
	*(void **)&c->easy_init = dlsym(c->lib, "curl_easy_init");
	*(void **)&c->easy_setopt = dlsym(c->lib, "curl_easy_setopt");
	*(void **)&c->easy_perform = dlsym(c->lib, "curl_easy_perform");
	*(void **)&c->easy_getinfo = dlsym(c->lib, "curl_easy_getinfo");
	*(void **)&c->easy_cleanup = dlsym(c->lib, "curl_easy_cleanup");
	*(void **)&c->easy_strerror = dlsym(c->lib, "curl_easy_strerror");
	*(void **)&c->slist_append = dlsym(c->lib, "curl_slist_append");
	*(void **)&c->slist_free_all = dlsym(c->lib, "curl_slist_free_all");
	if (!c->global_init || !c->easy_init || !c->easy_setopt || !c->easy_perform || !c->easy_getinfo ||
	    !c->easy_cleanup || !c->easy_strerror || !c->slist_append || !c->slist_free_all)
		return log_error("--otlp-endpoint: libcurl.so.4 lacks curl_easy_*: install libcurl4 7.66 or later");
	if (c->global_init(CURL_GLOBAL_ALL) != CURLE_OK)
		return log_error("--otlp-endpoint: libcurl failed to initialize");
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* the response body is not needed */
static size_t discard(char *p, size_t size, size_t n, void *ctx)
{
	(void)p;
	(void)ctx;
	return size * n;
}

/* curl's progress callback: a nonzero return aborts the transfer */
static int progress(void *ctx, curl_off_t a, curl_off_t b, curl_off_t c, curl_off_t d)
{
	struct otlp *x = ctx;
	int stop;

	(void)a;
	(void)b;
	(void)c;
	(void)d;
	pthread_mutex_lock(&x->lock);
	stop = x->abort;
	pthread_mutex_unlock(&x->lock);
	return stop;
}

enum outcome { SENT, RETRY, REFUSED };

/*
 * one POST of r; *status the HTTP status (0 when none), *retry_after the
 * seconds the server asked to wait (0 when it did not); err says why not
 */
static enum outcome post(struct otlp *x, CURL *h, const struct request *r, long *status, double *retry_after,
			 char *err, size_t errlen)
{
	curl_off_t ra = 0;
	CURLcode rc;

	*status = 0;
	*retry_after = 0;
	x->api.easy_setopt(h, CURLOPT_URL, x->url);
	x->api.easy_setopt(h, CURLOPT_POST, 1L);
	x->api.easy_setopt(h, CURLOPT_POSTFIELDS, (const char *)r->body);
	x->api.easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->len);
	x->api.easy_setopt(h, CURLOPT_HTTPHEADER, x->headers);
	x->api.easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)(x->timeout_s * 1000));
	x->api.easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)(x->timeout_s * 1000));
	x->api.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	x->api.easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
	x->api.easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	x->api.easy_setopt(h, CURLOPT_XFERINFOFUNCTION, progress);
	x->api.easy_setopt(h, CURLOPT_XFERINFODATA, x);
	x->api.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	x->api.easy_setopt(h, CURLOPT_USERAGENT, "profiling-agent");
	rc = x->api.easy_perform(h);
	if (rc != CURLE_OK) {
		snprintf(err, errlen, "%s", x->api.easy_strerror(rc));
		return RETRY;
	}
	x->api.easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
	if (x->api.easy_getinfo(h, CURLINFO_RETRY_AFTER, &ra) == CURLE_OK && ra > 0)
		*retry_after = (double)ra;
	snprintf(err, errlen, "HTTP %ld", *status);
	if (*status >= 200 && *status < 300)
		return SENT;
	if (*status == 429 || *status == 502 || *status == 503 || *status == 504)
		return RETRY;
	return REFUSED;
}

/* waits up to seconds, or until abort; returns 1 when aborted */
static int wait_or_abort(struct otlp *x, double seconds)
{
	struct timespec until;
	double t;
	int aborted;

	clock_gettime(CLOCK_REALTIME, &until);
	t = (double)until.tv_nsec / 1e9 + seconds;
	until.tv_sec += (time_t)t;
	until.tv_nsec = (long)((t - floor(t)) * 1e9);
	pthread_mutex_lock(&x->lock);
	while (!x->abort && pthread_cond_timedwait(&x->cond, &x->lock, &until) != ETIMEDOUT)
		;
	aborted = x->abort;
	pthread_mutex_unlock(&x->lock);
	return aborted;
}

/* sends r, trying again on 429/502/503/504 and network errors */
static void deliver(struct otlp *x, CURL *h, struct request *r)
{
	double backoff = 1.0, retry_after;
	enum outcome out = RETRY;
	char err[CURL_ERROR_SIZE + 32] = "";
	long status;
	int tries;

	for (tries = 1; tries <= OTLP_TRIES; tries++) {
		out = post(x, h, r, &status, &retry_after, err, sizeof(err));
		if (out != RETRY || tries == OTLP_TRIES)
			break;
		log_info("otlp: %s: trying again in %.0f s", err, retry_after > 0 ? retry_after : backoff);
		pthread_mutex_lock(&x->lock);
		x->retries++;
		pthread_mutex_unlock(&x->lock);
		if (wait_or_abort(x, fmin(retry_after > 0 ? retry_after : backoff, 60.0)))
			break;
		backoff = fmin(backoff * 2, BACKOFF_MAX_S);
	}
	pthread_mutex_lock(&x->lock);
	if (out == SENT) {
		x->sent++;
		x->sent_samples += r->samples;
	} else {
		x->failed++;
		x->failed_samples += r->samples;
	}
	pthread_mutex_unlock(&x->lock);
	if (out == SENT)
		log_info("otlp: sent %llu samples (%zu bytes): %s", (unsigned long long)r->samples, r->len, err);
	else if (out == REFUSED)
		log_error("otlp: the endpoint refused a request (%s): %llu samples dropped", err,
			  (unsigned long long)r->samples);
	else
		log_error("otlp: cannot send a request (%s, %d tries): %llu samples dropped", err, tries,
			  (unsigned long long)r->samples);
}

static void *sender(void *ctx)
{
	struct otlp *x = ctx;
	CURL *h = x->api.easy_init();
	struct request r;

	for (;;) {
		pthread_mutex_lock(&x->lock);
		while (!x->n && !x->stopping && !x->abort)
			pthread_cond_wait(&x->cond, &x->lock);
		if (x->abort || !x->n) {
			pthread_mutex_unlock(&x->lock);
			break;
		}
		r = x->queue[x->head];
		x->head = (x->head + 1) % OTLP_QUEUE_MAX;
		x->n--;
		x->busy = 1;
		pthread_mutex_unlock(&x->lock);
		if (h)
			deliver(x, h, &r);
		else {
			pthread_mutex_lock(&x->lock);
			x->failed++;
			x->failed_samples += r.samples;
			pthread_mutex_unlock(&x->lock);
		}
		free(r.body);
		pthread_mutex_lock(&x->lock);
		x->busy = 0;
		pthread_cond_broadcast(&x->cond);
		pthread_mutex_unlock(&x->lock);
	}
	if (h)
		x->api.easy_cleanup(h);
	return NULL;
}

static int add_header(struct otlp *x, const char *line)
{
	struct curl_slist *l = x->api.slist_append(x->headers, line);

	if (!l)
		return log_error("out of memory");
	x->headers = l;
	return 0;
}

int otlp_open(struct otlp **out, const struct agent_options *o)
{
	struct otlp *x = calloc(1, sizeof(*x));
	char host[256];
	int i;

	*out = NULL;
	if (!x)
		return log_error("out of memory");
	pthread_mutex_init(&x->lock, NULL);
	pthread_cond_init(&x->cond, NULL);
	x->url = o->otlp_endpoint;
	x->timeout_s = o->otlp_timeout_s;
	x->demangle = !o->no_demangle;
	if (gethostname(host, sizeof(host) - 1) < 0)
		strcpy(host, "unknown");
	host[sizeof(host) - 1] = '\0';
	x->host_name = utf8_text(host, strlen(host));
	if (o->service_name)
		x->service_name = utf8_text(o->service_name, strlen(o->service_name));
	if (!x->host_name || (o->service_name && !x->service_name)) {
		log_error("out of memory");
		goto fail;
	}
	if (load_curl(&x->api) < 0)
		goto fail;
	/* the OpenTelemetry Collector's OTLP receiver checks the profiles
	 * schema's development version in this header (absent means 1) and
	 * answers 400 to one it was not built for: named, not implied */
	if (add_header(x, "Content-Type: application/x-protobuf") < 0 || add_header(x, "Content-Encoding: gzip") < 0 ||
	    add_header(x, "OTLP-Profiles-Development-Version: " OTLP_PROFILES_DEVELOPMENT_VERSION) < 0 ||
	    add_header(x, "Expect:") < 0)
		goto fail;
	for (i = 0; i < o->notlp_headers; i++)
		if (add_header(x, o->otlp_headers[i]) < 0)
			goto fail;
	if (pthread_create(&x->thread, NULL, sender, x) != 0) {
		log_error("cannot start the OTLP sender: %s", strerror(errno));
		goto fail;
	}
	x->started = 1;
	*out = x;
	return 0;
fail:
	otlp_close(x);
	return -1;
}

/* queues r, dropping the oldest when full */
static void enqueue(struct otlp *x, struct request *r)
{
	pthread_mutex_lock(&x->lock);
	if (x->n == OTLP_QUEUE_MAX) {
		struct request *old = &x->queue[x->head];

		x->dropped++;
		x->dropped_samples += old->samples;
		free(old->body);
		x->head = (x->head + 1) % OTLP_QUEUE_MAX;
		x->n--;
		log_error("otlp: the queue is full (%d requests): dropped the oldest, %llu samples", OTLP_QUEUE_MAX,
			  (unsigned long long)old->samples);
	}
	x->queue[(x->head + x->n) % OTLP_QUEUE_MAX] = *r;
	x->n++;
	pthread_cond_broadcast(&x->cond);
	pthread_mutex_unlock(&x->lock);
}

int otlp_submit(struct otlp *x, const struct aggregate *ag, struct symbolizer *s, const struct profile_meta *meta,
		long long start_unix_ns)
{
	struct otlp_window w = { meta, start_unix_ns, x->service_name, x->host_name };
	struct export_model m;
	struct request r = { NULL, 0, ag->samples };
	uint8_t *packed = NULL;
	size_t len = 0;
	int ret = -1;

	if (export_model_build(&m, ag, s, x->demangle) < 0)
		goto cleanup;
	packed = otlp_encode(&m, &w, &len);
	if (!packed || gzip_buffer(packed, len, &r.body, &r.len) < 0) {
		log_error("otlp: out of memory encoding a request: %llu samples dropped",
			  (unsigned long long)ag->samples);
		goto cleanup;
	}
	enqueue(x, &r);
	ret = 0;
cleanup:
	if (ret < 0) {
		pthread_mutex_lock(&x->lock);
		x->failed++;
		x->failed_samples += ag->samples;
		pthread_mutex_unlock(&x->lock);
	}
	free(packed);
	export_model_release(&m);
	return 0; /* a window not encoded is counted, not fatal */
}

/* the summary line; -1 when something was not delivered */
static int report(struct otlp *x)
{
	unsigned long lost = x->dropped + x->failed;

	log_info("otlp: %lu requests sent (%lu samples), %lu tries again", x->sent, x->sent_samples, x->retries);
	if (!lost)
		return 0;
	log_error("otlp: %lu of %lu requests not delivered (%lu samples): %lu dropped from the full queue, "
		  "%lu refused or out of tries",
		  lost, lost + x->sent, x->dropped_samples + x->failed_samples, x->dropped, x->failed);
	return -1;
}

int otlp_close(struct otlp *x)
{
	double deadline;
	int ret = 0;
	size_t i;

	if (!x)
		return 0;
	if (x->started) {
		pthread_mutex_lock(&x->lock);
		x->stopping = 1;
		pthread_cond_broadcast(&x->cond);
		pthread_mutex_unlock(&x->lock);
		/* the queue gets one request timeout; then what is in flight is aborted */
		deadline = now() + x->timeout_s;
		for (;;) {
			int idle;

			pthread_mutex_lock(&x->lock);
			idle = x->n == 0 && !x->busy;
			if (!idle && now() >= deadline) {
				x->abort = 1;
				pthread_cond_broadcast(&x->cond);
			}
			pthread_mutex_unlock(&x->lock);
			if (idle || x->abort)
				break;
			usleep(20000);
		}
		pthread_join(x->thread, NULL);
		for (i = 0; i < x->n; i++) {
			struct request *r = &x->queue[(x->head + i) % OTLP_QUEUE_MAX];

			x->failed++;
			x->failed_samples += r->samples;
			free(r->body);
		}
		x->n = 0;
		ret = report(x);
	}
	if (x->headers)
		x->api.slist_free_all(x->headers);
	pthread_mutex_destroy(&x->lock);
	pthread_cond_destroy(&x->cond);
	free(x->host_name);
	free(x->service_name);
	free(x);
	return ret;
}
