/* Little-endian 64-bit integers in byte arrays (key files, BLAKE2b). */
#ifndef RELEASER_LE64_H
#define RELEASER_LE64_H

#include <stdint.h>

/* load64_le reads the 8 bytes at p as a little-endian integer. */
static inline uint64_t load64_le(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

/* store64_le writes v into the 8 bytes at p, little-endian. */
static inline void store64_le(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

#endif /* RELEASER_LE64_H */
