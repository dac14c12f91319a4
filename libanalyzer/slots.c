/*
 * The embedded analyzer slots. embed.S pulls the objects in at build time;
 * the Makefile defines ANALYZER_HAVE_DEBUG_SLOT when AGENT_FEATURES holds
 * debug-analyzer. On a debug branch the release slot holds the debug object
 * (fake-release), which the object's own info section tells.
 */
#include "slots.h"

extern const unsigned char analyzer_embedded_release[];
extern const unsigned char analyzer_embedded_release_end[];
#ifdef ANALYZER_HAVE_DEBUG_SLOT
extern const unsigned char analyzer_embedded_debug[];
extern const unsigned char analyzer_embedded_debug_end[];
#endif

int analyzer_slot(enum analyzer_flavor flavor, const void **data, size_t *size)
{
	switch (flavor) {
	case ANALYZER_RELEASE:
		*data = analyzer_embedded_release;
		*size = (size_t)(analyzer_embedded_release_end - analyzer_embedded_release);
		return 0;
#ifdef ANALYZER_HAVE_DEBUG_SLOT
	case ANALYZER_DEBUG:
		*data = analyzer_embedded_debug;
		*size = (size_t)(analyzer_embedded_debug_end - analyzer_embedded_debug);
		return 0;
#endif
	default:
		return -1;
	}
}
