/*
 * The releaser's door to jansson: building values without checking every
 * call (allocation failures die), printing and writing documents the same
 * way everywhere (2-space indent, keys in insertion order, final newline),
 * and reading them back with one message on failure.
 */
#ifndef RELEASER_JSON_H
#define RELEASER_JSON_H

#include <jansson.h>
#include <stddef.h>

/* jset sets obj[key] = value (stealing value; NULL value stores null). */
void jset(json_t *obj, const char *key, json_t *value);

/* jstr returns a JSON string of s, or null when s is NULL; bytes of s that
 * are not UTF-8 become U+FFFD (utf8_fix), so outside text never fails. */
json_t *jstr(const char *s);

/* jpush appends value (stolen) to array. */
void jpush(json_t *array, json_t *value);

/*
 * json_text renders doc as the releaser writes it (caller frees).
 * Returns NULL after a message.
 */
char *json_text(const json_t *doc);

/*
 * json_line renders doc compactly on one line, with a final newline, as
 * JSON Lines files hold it (caller frees). Returns NULL after a message.
 */
char *json_line(const json_t *doc);

/* json_print writes doc to stdout. Returns 0 or -1 after a message. */
int json_print(const json_t *doc);

/*
 * json_parse reads a JSON object from text[len]. Returns the value
 * (json_decref it), or NULL with the reason in why (no message).
 */
json_t *json_parse(const char *text, size_t len, char *why, size_t why_len);

/*
 * json_load reads a JSON object from path (at most 16 MiB). Returns the
 * value (json_decref it) or NULL after a message naming the file.
 */
json_t *json_load(const char *path);

#endif /* RELEASER_JSON_H */
