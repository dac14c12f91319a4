/* The analyzer objects embedded in libanalyzer (internal to the library). */
#ifndef ANALYZER_SLOTS_H
#define ANALYZER_SLOTS_H

#include <stddef.h>

#include "analyzer.h"

/*
 * analyzer_slot points *data and *size at the object embedded for flavor.
 * Returns 0, or -1 when this build has no such slot.
 */
int analyzer_slot(enum analyzer_flavor flavor, const void **data, size_t *size);

#endif /* ANALYZER_SLOTS_H */
