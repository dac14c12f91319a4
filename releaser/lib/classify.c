/* Recognizing build outputs and keys by name and magic bytes (see classify.h). */
#include "lib/classify.h"

#include <fnmatch.h>
#include <string.h>

struct pattern {
	const char *glob; /* matched against the file's base name */
	const char *why;
};

static const struct pattern names[] = {
	{ "analyzer.ebpf.*", "analyzer artifact name" },
	{ "*.o", "object file name" },   { "*.a", "object file name" },
	{ "*.so", "object file name" },  { "*.so.[0-9]*", "object file name" },
	{ "*.ko", "object file name" },
	{ "*.tar", "archive name" },     { "*.tar.*", "archive name" },
	{ "*.tgz", "archive name" },     { "*.txz", "archive name" },
	{ "*.zip", "archive name" },     { "*.7z", "archive name" },
	{ "*.key", "key file name" },    { "*.sec", "key file name" },
	{ "id_rsa", "key file name" },   { "id_ecdsa", "key file name" },
	{ "id_ed25519", "key file name" },
	{ NULL, NULL },
};

const char *classify_by_name(const char *path)
{
	const char *base = strrchr(path, '/');
	const struct pattern *p;

	base = base ? base + 1 : path;
	for (p = names; p->glob; p++)
		if (fnmatch(p->glob, base, 0) == 0)
			return p->why;
	return NULL;
}

struct magic {
	size_t off;         /* where bytes[0..len) must be */
	const char *bytes;
	size_t len;
	const char *prefix; /* and what the file must start with, or NULL */
	const char *why;
};

static const struct magic magics[] = {
	{ 0, "!<arch>\n", 8, NULL, "ar archive" },
	{ 0, "\x1f\x8b\x08", 3, NULL, "gzip data" },
	{ 4, "1AY&SY", 6, "BZh", "bzip2 data" }, /* after "BZh" and the block size digit */
	{ 0, "\xfd" "7zXZ\0", 6, NULL, "xz data" },
	{ 0, "\x28\xb5\x2f\xfd", 4, NULL, "zstd data" },
	{ 0, "\x04\x22\x4d\x18", 4, NULL, "lz4 data" },
	{ 0, "PK\x03\x04", 4, NULL, "zip archive" },
	{ 0, "7z\xbc\xaf\x27\x1c", 6, NULL, "7z archive" },
	{ 257, "ustar", 5, NULL, "tar archive" },
	{ 0, NULL, 0, NULL, NULL },
};

/* the base64 openings of secret keys: minisign ("Ed" "Sc"|"\0\0" "B2") and signify ("Ed" "BK") */
static const char *const secret_key_b64[] = { "RWRTY0Iy", "RWQAAEIy", "RWRCSw", NULL };

#define EM_BPF_MACHINE 247

static const char *elf_kind(const unsigned char *h, size_t len)
{
	unsigned int machine;

	if (len < 20)
		return "ELF file";
	machine = h[5] == 2 ? (unsigned int)h[18] << 8 | h[19] : (unsigned int)h[19] << 8 | h[18];
	return machine == EM_BPF_MACHINE ? "BPF object" : "ELF file";
}

/* where the line of h[0..len) that starts at start ends (its '\n', or len) */
static size_t line_end(const unsigned char *h, size_t len, size_t start)
{
	const unsigned char *nl = memchr(h + start, '\n', len - start);

	return nl ? (size_t)(nl - h) : len;
}

static int contains(const unsigned char *h, size_t len, const char *needle)
{
	return memmem(h, len, needle, strlen(needle)) != NULL;
}

static const char *key_kind(const unsigned char *h, size_t len)
{
	size_t first = line_end(h, len, 0), second;
	const char *const *p;

	if (len >= 11 && !memcmp(h, "-----BEGIN ", 11) && contains(h, first, "PRIVATE KEY-----"))
		return "private key";
	if (len < 18 || memcmp(h, "untrusted comment:", 18) || first >= len)
		return NULL;
	second = line_end(h, len, first + 1);
	for (p = secret_key_b64; *p; p++)
		if (second - (first + 1) >= strlen(*p) && !memcmp(h + first + 1, *p, strlen(*p)))
			return "secret key";
	return NULL;
}

const char *classify_by_content(const unsigned char *head, size_t len)
{
	const struct magic *m;

	if (len >= 4 && !memcmp(head, "\x7f" "ELF", 4))
		return elf_kind(head, len);
	for (m = magics; m->bytes; m++) {
		if (len < m->off + m->len || memcmp(head + m->off, m->bytes, m->len))
			continue;
		if (m->prefix && memcmp(head, m->prefix, strlen(m->prefix)))
			continue;
		return m->why;
	}
	return key_kind(head, len);
}
