/* The releaser's own version (see self.h); releaser/build.mk defines RELEASER_VERSION. */
#include "lib/self.h"

#ifndef RELEASER_VERSION
#error "RELEASER_VERSION is not defined: build the releaser with make"
#endif

const char *releaser_version(void)
{
	return RELEASER_VERSION;
}
