/* The agent's messages on stderr: errors always, progress with --verbose. */
#ifndef AGENT_LOG_H
#define AGENT_LOG_H

#define AGENT_NAME "profiling-agent"

/* log_set_verbose turns log_info on (1) or off (0). */
void log_set_verbose(int on);

/* log_verbose returns 1 when --verbose is on. */
int log_verbose(void);

/*
 * log_error prints "profiling-agent: MESSAGE" on stderr, always. Returns -1,
 * so a failing function can end with `return log_error(...)`.
 */
int log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* log_note prints "profiling-agent: note: MESSAGE" on stderr, always. */
void log_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* log_info prints "profiling-agent: MESSAGE" on stderr under --verbose. */
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* AGENT_LOG_H */
