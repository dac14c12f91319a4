/* Both target arches are 64-bit (see types.h). */
#define __BITS_PER_LONG 64
#include <asm-generic/bitsperlong.h>
