/* artifact.c: which names and leading bytes are build outputs or keys. */
#include <string.h>

#include "lib/classify.h"
#include "harness.h"

#define CONTENT(s) classify_by_content((const unsigned char *)(s), sizeof(s) - 1)

TEST(classify__names)
{
	/* analyzer artifacts, wherever they are */
	check_str(classify_by_name("analyzer.ebpf.release.amd64"), "analyzer artifact name");
	check_str(classify_by_name("share/analyzer/analyzer.ebpf.debug.arm64"), "analyzer artifact name");
	/* objects, archives, keys */
	check_str(classify_by_name("build/obj/x.o"), "object file name");
	check_str(classify_by_name("lib/libanalyzer.so.1"), "object file name");
	check_str(classify_by_name("dist/profiling-agent-v1.0.0-linux-amd64.tar.gz"), "archive name");
	check_str(classify_by_name("release.key"), "key file name");
	check_str(classify_by_name("keys/id_ed25519"), "key file name");
	/* sources and public keys are fine */
	check(classify_by_name("libanalyzer/analyzer.c") == NULL);
	check(classify_by_name("support/ebpf/analyzer.bpf.c") == NULL);
	check(classify_by_name("keys/release.pub") == NULL);
	check(classify_by_name("docs/id_ed25519.pub") == NULL);
	check(classify_by_name("Makefile.o.txt") == NULL);
}

TEST(classify__magic)
{
	unsigned char elf[64], tar[512];

	/* ELF, and BPF objects by their machine */
	memset(elf, 0, sizeof(elf));
	memcpy(elf, "\x7f" "ELF\x02\x01", 6);
	elf[18] = 62; /* x86-64 */
	check_str(classify_by_content(elf, sizeof(elf)), "ELF file");
	elf[18] = 247; /* BPF */
	check_str(classify_by_content(elf, sizeof(elf)), "BPF object");
	elf[5] = 2; /* big-endian: the machine is read the other way */
	elf[18] = 0;
	elf[19] = 247;
	check_str(classify_by_content(elf, sizeof(elf)), "BPF object");
	check_str(classify_by_content(elf, 4), "ELF file");
	/* archives and compressed data */
	check_str(CONTENT("!<arch>\nfoo.o/"), "ar archive");
	check_str(CONTENT("\x1f\x8b\x08\x00\x00"), "gzip data");
	check_str(CONTENT("BZh91AY&SYxx"), "bzip2 data");
	check_str(CONTENT("\xfd" "7zXZ\0\0"), "xz data");
	check_str(CONTENT("\x28\xb5\x2f\xfd\x00"), "zstd data");
	check_str(CONTENT("PK\x03\x04rest"), "zip archive");
	memset(tar, 0, sizeof(tar));
	memcpy(tar + 257, "ustar", 5);
	check_str(classify_by_content(tar, sizeof(tar)), "tar archive");
	/* keys */
	check_str(CONTENT("-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl\n"), "private key");
	check_str(CONTENT("-----BEGIN PRIVATE KEY-----\nMC4C\n"), "private key");
	check_str(CONTENT("untrusted comment: minisign encrypted secret key\nRWRTY0IyAAAA\n"), "secret key");
	check_str(CONTENT("untrusted comment: a key\nRWQAAEIyAAAA\n"), "secret key");
	check_str(CONTENT("untrusted comment: signify secret key\nRWRCSwAAAA\n"), "secret key");
	/* text, public keys and near misses are fine */
	check(CONTENT("int main(void) { return 0; }\n") == NULL);
	check(CONTENT("untrusted comment: minisign public key\nRWQBAAAA\n") == NULL);
	check(CONTENT("-----BEGIN PUBLIC KEY-----\nMCow\n") == NULL);
	check(CONTENT("BZh is a prefix of this text") == NULL);
	check(CONTENT("\x1f\x8b") == NULL);
	check(CONTENT("") == NULL);
}

int main(void)
{
	static const struct test_case cases[] = {
		CASE(classify__names),
		CASE(classify__magic),
	};

	return test_main(cases, sizeof(cases) / sizeof(cases[0]));
}
