/*
 * Text from outside (git history, the environment, file names) as data:
 * checked and decoded as UTF-8 here, then escaped for its destination by
 * the one function for that destination (JSON in lib/json.c, Markdown in
 * release/notes.c, the terminal here).
 */
#ifndef RELEASER_TEXT_H
#define RELEASER_TEXT_H

#include <stddef.h>

/* utf8_valid tells whether s[len] is well-formed UTF-8 (no overlongs,
 * no surrogates, nothing above U+10FFFF; NUL bytes count as invalid). */
int utf8_valid(const char *s, size_t len);

/*
 * utf8_fix returns a NUL-terminated copy of s[len] (caller frees) in
 * which every byte that does not start a well-formed UTF-8 sequence, and
 * every NUL byte, is replaced by U+FFFD. *replaced (when not NULL) gets
 * the number of replacements.
 */
char *utf8_fix(const char *s, size_t len, size_t *replaced);

/*
 * term_escape returns a copy of s (caller frees) fit to print on a
 * terminal or in a CI log: control characters (C0, DEL, C1) and bytes
 * that are not valid UTF-8 are written as \xNN; printable UTF-8,
 * backslashes included, stays as is. So the output is one line that
 * cannot drive a terminal, and escaping twice changes nothing
 * (term_escape(term_escape(s)) == term_escape(s)): a message that
 * quotes an escaped name shows it once, not \x5cxNN.
 */
char *term_escape(const char *s);

#endif /* RELEASER_TEXT_H */
