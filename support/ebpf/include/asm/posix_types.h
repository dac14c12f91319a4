/* Generic UAPI posix types, valid for both target arches (see types.h). */
#include <asm-generic/posix_types.h>
