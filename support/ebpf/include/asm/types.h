/* Both target arches (amd64, arm64) use the generic UAPI integer types; this
 * keeps BPF builds independent of the build machine's arch headers. */
#include <asm-generic/types.h>
