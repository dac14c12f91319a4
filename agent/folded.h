/*
 * The folded output format, as flamegraph.pl, inferno and speedscope read
 * it: one line per distinct stack, "comm;root;...;leaf count", kernel
 * frames suffixed "_[k]".
 */
#ifndef AGENT_FOLDED_H
#define AGENT_FOLDED_H

#include <stdint.h>
#include <stdio.h>

#include "aggregate.h"
#include "symbolize/symbolize.h"

/*
 * folded_append adds one frame to the malloc'd line *line of length *len
 * (both 0/NULL to start): ";" unless first, name with ';' and control
 * characters replaced by '_', then "_[k]" for a kernel frame.
 * Returns 0 or -1 when out of memory (*line is then freed and NULL).
 */
int folded_append(char **line, size_t *len, const char *name, int kernel);

/*
 * folded_write symbolizes every stack of ag with s and writes the folded
 * lines to f, sorted, identical stacks (of different processes) merged.
 * Returns 0, or -1 after printing why (out of memory, write error).
 */
int folded_write(FILE *f, const struct aggregate *ag, struct symbolizer *s);

#endif /* AGENT_FOLDED_H */
