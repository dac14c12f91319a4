/* Generic UAPI errno values, the same on both target arches (see types.h). */
#include <asm-generic/errno.h>
