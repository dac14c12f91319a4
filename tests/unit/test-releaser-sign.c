/*
 * Unit tests of the signing code: BLAKE2b, scrypt parameters, base64, the
 * key file format, checksum lists, signature files and signing a checksum
 * list in memory (releaser/sign/: hash.c, kdf.c, ossl.c, key.c, sigfile.c,
 * sign.c; releaser/lib/sums.c). Signatures made in memory are checked here
 * with the real minisign, signify and sha256sum; key files and the commands
 * are tested from the shell (tests/cli/t21xx).
 */
#include "harness.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "sign/dsse.h"
#include "sign/hash.h"
#include "sign/kdf.h"
#include "sign/key.h"
#include "sign/ossl.h"
#include "sign/sigfile.h"
#include "sign/sign.h"
#include "sign/sigstore.h"
#include "lib/common.h"
#include "lib/sums.h"

/* small scrypt limits for tests: N = 1024, r = 8, p = 1 */
#define TEST_OPSLIMIT 32768
#define TEST_MEMLIMIT 16777216

/* expected error messages are many in loops: hide stderr there (1), restore (0) */
static void quiet_stderr(int on)
{
	static int saved = -1;
	int null;

	fflush(stderr);
	if (on && saved < 0) {
		saved = dup(2);
		null = open("/dev/null", O_WRONLY);
		dup2(null, 2);
		close(null);
	} else if (!on && saved >= 0) {
		dup2(saved, 2);
		close(saved);
		saved = -1;
	}
}

static const char *hex(const unsigned char *p, size_t len)
{
	static char buf[2 * 128 + 1];
	size_t i;

	for (i = 0; i < len && i < 128; i++)
		snprintf(buf + 2 * i, 3, "%02x", p[i]);
	buf[2 * i] = '\0';
	return buf;
}

TEST(blake2b__512_matches_openssl)
{
	static const size_t lengths[] = { 0, 1, 3, 64, 127, 128, 129, 255, 256, 257, 1000 };
	unsigned char in[1000], ours[64], theirs[64];
	size_t i;

	for (i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)(i * 7 + 3);
	for (i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
		blake2b(ours, 64, in, lengths[i]);
		check(EVP_Digest(in, lengths[i], theirs, NULL, EVP_blake2b512(), NULL) == 1);
		check(memcmp(ours, theirs, 64) == 0);
	}
}

TEST(blake2b__256_known_answers)
{
	unsigned char out[32];

	/* `b2sum -l 256` */
	blake2b(out, 32, "", 0);
	check_str(hex(out, 32), "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
	blake2b(out, 32, "abc", 3);
	check_str(hex(out, 32), "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
}

TEST(kdf__libsodium_parameter_choice)
{
	struct scrypt_params sp;

	/* minisign's default (libsodium's "sensitive"): 1 GiB */
	scrypt_pick_params(33554432, 1073741824, &sp);
	check(sp.n == 1 << 20 && sp.r == 8 && sp.p == 1);
	check(scrypt_memory(&sp) == 128ULL * 8 * ((1 << 20) + 2) + 128 * 8);
	/* libsodium's "interactive" */
	scrypt_pick_params(524288, 16777216, &sp);
	check(sp.n == 1 << 14 && sp.r == 8 && sp.p == 1);
	/* few operations for much memory: N from opslimit, p = 1 */
	scrypt_pick_params(32768, 1073741824, &sp);
	check(sp.n == 1024 && sp.r == 8 && sp.p == 1);
	/* below libsodium's floor, opslimit counts as 32768 */
	scrypt_pick_params(1, 1073741824, &sp);
	check(sp.n == 1024 && sp.p == 1);
	/* many operations for little memory: N from memlimit, p from opslimit */
	scrypt_pick_params(1ULL << 30, 16777216, &sp);
	check(sp.n == 1 << 14 && sp.r == 8 && sp.p == 2048);
}

TEST(kdf__scrypt_rfc7914_vectors)
{
	struct scrypt_params a = { 16, 1, 1 }, b = { 1024, 8, 16 };
	unsigned char out[64];

	check(scrypt_derive("", (const unsigned char *)"", 0, &a, out, sizeof(out), "test") == 0);
	check_str(hex(out, 64), "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442"
				"fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906");
	check(scrypt_derive("password", (const unsigned char *)"NaCl", 4, &b, out, sizeof(out), "test") == 0);
	check_str(hex(out, 64), "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
				"2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640");
}

TEST(kdf__refuses_huge_memory)
{
	struct scrypt_params sp = { 1ULL << 40, 8, 1 };
	unsigned char out[8];

	check(scrypt_derive("pw", (const unsigned char *)"salt", 4, &sp, out, sizeof(out), "test") < 0);
}

TEST(b64__round_trip)
{
	unsigned char in[5] = { 0xff, 0x00, 0x10, 0x80, 0x7f }, out[5];
	char *t;
	size_t n;

	for (n = 1; n <= 5; n++) {
		t = b64_encode(in, n);
		check(strlen(t) == 4 * ((n + 2) / 3));
		check(b64_decode(t, strlen(t), out, n) == 0);
		check(memcmp(in, out, n) == 0);
		free(t);
	}
}

TEST(b64__refuses_non_canonical)
{
	unsigned char out[4];

	check(b64_decode("QQ==", 4, out, 1) == 0 && out[0] == 'A');
	check(b64_decode("QR==", 4, out, 1) < 0);   /* unused bits set */
	check(b64_decode("QQ", 2, out, 1) < 0);     /* no padding */
	check(b64_decode("QUI=", 4, out, 1) < 0);   /* another length */
	check(b64_decode("QUJD", 4, out, 2) < 0);
	check(b64_decode("Q Q=", 4, out, 1) < 0);   /* a space */
	check(b64_decode("QQ=A", 4, out, 1) < 0);   /* padding inside */
	check(b64_decode("QUJ*", 4, out, 3) < 0);   /* not base64 */
	check(b64_decode("QUJD", 4, out, 3) == 0 && !memcmp(out, "ABC", 3));
}

/* the base64 line of a key text, as a writable copy */
static char *b64_line(const char *text)
{
	const char *p = strchr(text, '\n') + 1;

	return strndup(p, strcspn(p, "\n"));
}

TEST(key__plain_round_trip)
{
	struct sign_key *k = key_new(), *back;
	char *text;

	check(k);
	text = key_encode(k, NULL, 0, 0);
	check(text && !strncmp(text, "untrusted comment: ", 19));
	back = key_decode(text, strlen(text), NULL, "test key");
	check(back && !memcmp(back, k, sizeof(*k)));
	sign_key_free(back);
	/* the base64 line alone, as $RELEASER_SIGNING_KEY may hold it */
	back = key_decode(strchr(text, '\n') + 1, strlen(strchr(text, '\n') + 1), NULL, "test key");
	check(back && !memcmp(back, k, sizeof(*k)));
	sign_key_free(back);
	key_text_free(text);
	sign_key_free(k);
}

TEST(key__encrypted_round_trip_and_wrong_password)
{
	struct sign_key *k = key_new(), *back;
	unsigned char raw[KEY_SECRET_LEN];
	char *text, *line;

	check(k);
	text = key_encode(k, "secret", TEST_OPSLIMIT, TEST_MEMLIMIT);
	check(text);
	line = b64_line(text);
	check(b64_decode(line, strlen(line), raw, sizeof(raw)) == 0);
	check(!memcmp(raw, "EdScB2", 6));
	check(memmem(raw, sizeof(raw), k->seed, sizeof(k->seed)) == NULL); /* not in the clear */
	back = key_decode(text, strlen(text), "secret", "test key");
	check(back && !memcmp(back, k, sizeof(*k)));
	sign_key_free(back);
	check(key_decode(text, strlen(text), "Secret", "test key") == NULL);
	check(key_decode(text, strlen(text), NULL, "test key") == NULL);
	check(key_decode(text, strlen(text), "", "test key") == NULL);
	free(line);
	key_text_free(text);
	sign_key_free(k);
}

TEST(key__every_changed_secret_byte_is_detected)
{
	struct sign_key *k = key_new(), *k2;
	unsigned char raw[KEY_SECRET_LEN];
	char *text, *line, *changed;
	size_t i;

	check(k);
	text = key_encode(k, NULL, 0, 0);
	line = b64_line(text);
	check(b64_decode(line, strlen(line), raw, sizeof(raw)) == 0);
	/* algorithm bytes, then keynum, seed, public key and checksum (the salt
	 * and limits of an unencrypted key are unused) */
	for (i = 0; i < sizeof(raw); i++) {
		if (i >= 6 && i < 54)
			continue;
		raw[i] ^= 0x01;
		changed = b64_encode(raw, sizeof(raw));
		quiet_stderr(1);
		k2 = key_decode(changed, strlen(changed), NULL, "test key");
		quiet_stderr(0);
		check(k2 == NULL);
		raw[i] ^= 0x01;
		free(changed);
	}
	free(line);
	key_text_free(text);
	sign_key_free(k);
}

TEST(key__minisign_unencrypted_zero_checksum)
{
	struct sign_key *k = key_new(), *back;
	unsigned char raw[KEY_SECRET_LEN];
	char *text, *line, *zeroed;

	check(k);
	text = key_encode(k, NULL, 0, 0);
	line = b64_line(text);
	check(b64_decode(line, strlen(line), raw, sizeof(raw)) == 0);
	memset(raw + KEY_SECRET_LEN - KEY_CHECKSUM_LEN, 0, KEY_CHECKSUM_LEN); /* as `minisign -G -W` */
	zeroed = b64_encode(raw, sizeof(raw));
	back = key_decode(zeroed, strlen(zeroed), NULL, "test key");
	check(back && !memcmp(back, k, sizeof(*k)));
	sign_key_free(back);
	raw[54 + 8] ^= 0x01; /* the seed: the halves no longer match */
	free(zeroed);
	zeroed = b64_encode(raw, sizeof(raw));
	check(key_decode(zeroed, strlen(zeroed), NULL, "test key") == NULL);
	free(zeroed);
	free(line);
	key_text_free(text);
	sign_key_free(k);
}

TEST(key__truncated_and_garbage_refused)
{
	struct sign_key *k = key_new();
	struct sign_pubkey pk;
	char *text, *pub;
	size_t len;

	check(k);
	text = key_encode(k, NULL, 0, 0);
	len = strlen(text);
	check(key_decode(text, len - 10, NULL, "test key") == NULL);
	check(key_decode(text, 30, NULL, "test key") == NULL);
	check(key_decode("", 0, NULL, "test key") == NULL);
	check(key_decode("untrusted comment: x\n", 21, NULL, "test key") == NULL);
	text[len - 1] = 'x'; /* something after the key line */
	check(key_decode(text, len, NULL, "test key") == NULL);
	sign_key_public(k, &pk);
	pub = pubkey_encode(&pk);
	check(key_decode(pub, strlen(pub), NULL, "test key") == NULL); /* a public key */
	free(pub);
	key_text_free(text);
	sign_key_free(k);
}

TEST(key__public_round_trip_and_id)
{
	struct sign_pubkey pk = { { 0x7a, 0x8d, 0x47, 0xf4, 0xc9, 0x17, 0xd7, 0x17 }, { 1, 2, 3 } }, back;
	char id[SIGN_KEY_ID_LEN + 1], *text;
	const char *want = "untrusted comment: releaser public key 17D717C9F4478D7A\nRWR6jUf0yRfXFw";

	sign_key_id(&pk, id);
	check_str(id, "17D717C9F4478D7A"); /* as minisign prints it: little-endian */
	text = pubkey_encode(&pk);
	check(!strncmp(text, want, strlen(want)));
	check(pubkey_decode(text, strlen(text), &back, "test key") == 0);
	check(!memcmp(&back, &pk, sizeof(pk)));
	strchr(text, '\n')[1] = 'S'; /* "Ed" becomes "Id" */
	check(pubkey_decode(text, strlen(text), &back, "test key") < 0);
	pk.keynum[7] = 0x07; /* minisign drops leading zeros */
	sign_key_id(&pk, id);
	check_str(id, "7D717C9F4478D7A");
	*strchr(text, '\n') = 'x'; /* one line: no key line after the comment */
	check(pubkey_decode(text, strlen(text), &back, "test key") < 0);
	free(text);
}

TEST(sums__gnu_list_and_bsd_twin)
{
	static const char list[] =
		"5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03  a.tar.gz\n"
		"CA3D163BAB055381827226140568F3BEF7EAAC187CEBD76878E0B63E9E442356 *manifest.json\n";
	struct sums s;
	char why[128], *bsd;
	size_t len;

	check(sums_parse(list, strlen(list), &s, why, sizeof(why)) == 0);
	check(s.n == 2);
	check(sums_find(&s, "manifest.json") && !sums_find(&s, "a.tar"));
	bsd = sums_bsd(&s, &len);
	check_str(bsd, "SHA256 (a.tar.gz) = 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03\n"
		       "SHA256 (manifest.json) = ca3d163bab055381827226140568f3bef7eaac187cebd76878e0b63e9e442356\n");
	check(len == strlen(bsd));
	free(bsd);
	sums_release(&s);
}

TEST(sums__refuses_bad_lists)
{
	static const char *const bad[] = {
		"",
		"5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03 a\n",
		"5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be0  a\n",
		"5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be0g  a\n",
		"5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03  ../a\n",
		"5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03  .hidden\n",
		"5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03  a b\n",
		"5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03  \\a\n",
		"5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03  a\n\n",
		"5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03  a\n"
		"5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03  a\n",
	};
	struct sums s;
	char why[128];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		check(sums_parse(bad[i], strlen(bad[i]), &s, why, sizeof(why)) < 0);
	check(sums_parse(bad[9], strlen(bad[9]), &s, why, sizeof(why)) < 0);
	check_str(why, "line 2: 'a' is listed twice");
}

TEST(sigfile__minisig_signs_and_detects_changes)
{
	struct sign_key *k = key_new(), *other = key_new();
	struct sign_pubkey pk, opk;
	char why[256], *text, *tc = NULL;
	size_t len, i;

	check(k && other);
	sign_key_public(k, &pk);
	sign_key_public(other, &opk);
	text = minisig_encode(k, "list\n", 5, "untrusted", "timestamp:1\tfile:x");
	check(text);
	len = strlen(text);
	check(minisig_check(&pk, text, len, "list\n", 5, "x", &tc, why, sizeof(why)) == 1);
	check_str(tc, "timestamp:1\tfile:x");
	free(tc);
	check(minisig_check(&pk, text, len, "list!", 5, "x", &tc, why, sizeof(why)) == 0);
	check_str(why, "the signature does not match x");
	check(minisig_check(&opk, text, len, "list\n", 5, "x", &tc, why, sizeof(why)) == 0);
	check(strstr(why, "signed by key"));
	/* every byte after the untrusted comment counts */
	for (i = strlen("untrusted comment: untrusted\n"); i < len; i++) {
		text[i] ^= 0x01;
		check(minisig_check(&pk, text, len, "list\n", 5, "x", &tc, why, sizeof(why)) == 0);
		text[i] ^= 0x01;
	}
	check(minisig_check(&pk, text, len - 1, "list\n", 5, "x", &tc, why, sizeof(why)) == 1); /* no last newline */
	free(tc);
	check(minisig_encode(k, "m", 1, "u", "two\nlines") == NULL);
	free(text);
	sign_key_free(k);
	sign_key_free(other);
}

TEST(sigfile__signify_embeds_and_detects_changes)
{
	struct sign_key *k = key_new();
	struct sign_pubkey pk;
	char why[256], *text;
	size_t len, off = 0, i;

	check(k);
	sign_key_public(k, &pk);
	text = signify_encode(k, "SHA256 (a) = 00\n", 16, "signed", &len);
	check(text);
	check(signify_check(&pk, text, len, &off, why, sizeof(why)) == 1);
	check(len - off == 16 && !memcmp(text + off, "SHA256 (a) = 00\n", 16));
	for (i = strlen("untrusted comment: signed\n"); i < len; i++) {
		text[i] ^= 0x01;
		check(signify_check(&pk, text, len, &off, why, sizeof(why)) == 0);
		text[i] ^= 0x01;
	}
	free(text);
	sign_key_free(k);
}

TEST(sums__lists_from_pairs)
{
	static const char a[] = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";
	static const char b[] = "ca3d163bab055381827226140568f3bef7eaac187cebd76878e0b63e9e442356";
	struct sums_lists l = { 0 };
	struct sums s;
	char why[128], *bsd;
	size_t len;

	sums_lists_add(&l, "a.tar.gz", a);
	sums_lists_add(&l, "manifest.json", b);
	/* what sha256sum and sha256sum --tag print */
	check_str(l.gnu, "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03  a.tar.gz\n"
			 "ca3d163bab055381827226140568f3bef7eaac187cebd76878e0b63e9e442356  manifest.json\n");
	check(l.gnu_len == strlen(l.gnu));
	check_str(l.bsd, "SHA256 (a.tar.gz) = 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03\n"
			 "SHA256 (manifest.json) = ca3d163bab055381827226140568f3bef7eaac187cebd76878e0b63e9e442356\n");
	check(l.bsd_len == strlen(l.bsd));
	/* the GNU list reads back, and its twin is the BSD list */
	check(sums_parse(l.gnu, l.gnu_len, &s, why, sizeof(why)) == 0);
	bsd = sums_bsd(&s, &len);
	check(len == l.bsd_len && !memcmp(bsd, l.bsd, len));
	free(bsd);
	sums_release(&s);
	sums_lists_release(&l);
	check(l.gnu == NULL && l.bsd == NULL && l.gnu_len == 0);
}

/* a new directory under $TMPDIR (caller removes it with remove_dir and frees) */
static char *temp_dir(void)
{
	const char *tmp = getenv("TMPDIR");
	char *dir = xasprintf("%s/test-releaser-sign.XXXXXX", tmp && *tmp ? tmp : "/tmp");

	if (!mkdtemp(dir)) {
		free(dir);
		return NULL;
	}
	return dir;
}

/* runs a shell command line; its exit status, or -1 when it did not exit */
static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	fflush(NULL);
	st = system(cmd);
	return st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void remove_dir(char *dir)
{
	if (dir)
		run("rm -rf '%s'", dir);
	free(dir);
}

/* writes DIR/NAME; 0 or -1 after a message */
static int put(const char *dir, const char *name, const void *buf, size_t len)
{
	char *path = xasprintf("%s/%s", dir, name);
	int rc = write_file_atomic(path, buf, len, 0644);

	free(path);
	return rc;
}

#define TRUSTED_COMMENT "timestamp:1700000000 file:SHA256SUMS version:v1.2.3 channel:release"

/* a release directory in dir: two artifacts, listed in l by their sha256 */
static int fill_release(const char *dir, struct sums_lists *l)
{
	static const char *const names[] = { "profiling-agent-v1.2.3-linux-amd64.tar.gz", "manifest.json" };
	static const char *const bodies[] = { "agent for amd64\n", "{\"artifacts\": []}\n" };
	char hex[SHA256_HEX_LEN + 1], *path;
	size_t i;
	int rc;

	for (i = 0; i < 2; i++) {
		if (put(dir, names[i], bodies[i], strlen(bodies[i])) < 0)
			return -1;
		path = xasprintf("%s/%s", dir, names[i]);
		rc = sha256_file(path, hex, NULL);
		free(path);
		if (rc < 0)
			return -1;
		sums_lists_add(l, names[i], hex);
	}
	return 0;
}

TEST(sign__in_memory_verified_by_minisign_and_signify)
{
	struct sign_key *k = key_new();
	struct sums_lists l = { 0 };
	struct sign_output out = { 0 };
	char *dir = temp_dir(), *pub, *tc;
	size_t len;

	check(k && dir);
	check(fill_release(dir, &l) == 0);
	check(sign_sums_text(k, l.gnu, l.gnu_len, l.bsd, l.bsd_len, TRUSTED_COMMENT, &out) == 0);
	check(out.minisig && out.minisig_len == strlen(out.minisig) && out.sig && out.sig_len > l.bsd_len);
	pub = xasprintf("%s/k.pub", dir);
	check(sign_key_write_pubkey(k, pub) == 0);
	free(pub);
	check(put(dir, SUMS_FILE, l.gnu, l.gnu_len) == 0);
	check(put(dir, SUMS_MINISIG_FILE, out.minisig, out.minisig_len) == 0);
	check(put(dir, SUMS_SIG_FILE, out.sig, out.sig_len) == 0);
	/* the GNU list is sha256sum's; minisign and signify accept the signatures */
	check(run("cd '%s' && sha256sum --quiet -c SHA256SUMS", dir) == 0);
	check(run("cd '%s' && minisign -V -Q -p k.pub -m SHA256SUMS -x SHA256SUMS.minisig >tc", dir) == 0);
	pub = xasprintf("%s/tc", dir);
	tc = read_file(pub, 4096, &len);
	free(pub);
	check(tc);
	check_str(tc, TRUSTED_COMMENT "\n");
	free(tc);
	check(run("cd '%s' && signify-openbsd -C -q -p k.pub -x SHA256SUMS.sig", dir) == 0);
	/* and they notice a change: an artifact, then the list */
	check(put(dir, "manifest.json", "{}\n", 3) == 0);
	check(run("cd '%s' && signify-openbsd -C -q -p k.pub -x SHA256SUMS.sig 2>/dev/null", dir) != 0);
	check(put(dir, SUMS_FILE, l.gnu, l.gnu_len - 1) == 0);
	check(run("cd '%s' && minisign -V -q -p k.pub -m SHA256SUMS -x SHA256SUMS.minisig 2>/dev/null", dir) != 0);
	sign_output_release(&out);
	check(out.minisig == NULL && out.sig == NULL);
	sums_lists_release(&l);
	sign_key_free(k);
	remove_dir(dir);
}

TEST(sign__changed_list_rejected_by_sign_check_sums)
{
	struct sign_key *k = key_new(), *other = key_new();
	struct sums_lists l = { 0 };
	struct sign_output out = { 0 };
	struct sign_pubkey pk, opk;
	struct sign_check c;
	char *changed;

	check(k && other);
	sign_key_public(k, &pk);
	sign_key_public(other, &opk);
	sums_lists_add(&l, "a.tar.gz", "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03");
	sums_lists_add(&l, "b.tar.gz", "ca3d163bab055381827226140568f3bef7eaac187cebd76878e0b63e9e442356");
	check(sign_sums_text(k, l.gnu, l.gnu_len, l.bsd, l.bsd_len, TRUSTED_COMMENT, &out) == 0);
	check(sign_check_sums(&pk, l.gnu, l.gnu_len, out.minisig, out.minisig_len, out.sig, out.sig_len, &c) == 0);
	check(c.minisig_ok && c.sig_ok);
	check_str(c.trusted_comment, TRUSTED_COMMENT);
	sign_check_release(&c);
	/* one digit of the list changed: both signatures are refused */
	changed = xstrdup(l.gnu);
	changed[10] = changed[10] == '0' ? '1' : '0';
	check(sign_check_sums(&pk, changed, l.gnu_len, out.minisig, out.minisig_len, out.sig, out.sig_len, &c) == 1);
	check(!c.minisig_ok && !c.sig_ok && !c.trusted_comment);
	check_str(c.minisig_why, "the signature does not match " SUMS_FILE);
	check_str(c.sig_why, "its embedded list differs from " SUMS_FILE);
	sign_check_release(&c);
	free(changed);
	/* a file dropped from the list */
	check(sign_check_sums(&pk, l.gnu, l.gnu_len / 2, out.minisig, out.minisig_len, out.sig, out.sig_len, &c) == 1);
	check(!c.minisig_ok && !c.sig_ok);
	sign_check_release(&c);
	/* another key */
	check(sign_check_sums(&opk, l.gnu, l.gnu_len, out.minisig, out.minisig_len, out.sig, out.sig_len, &c) == 1);
	check(!c.minisig_ok && !c.sig_ok && strstr(c.minisig_why, "signed by key"));
	sign_check_release(&c);
	sign_output_release(&out);
	sums_lists_release(&l);
	sign_key_free(k);
	sign_key_free(other);
}

TEST(sign__refuses_lists_that_differ_and_bad_comments)
{
	struct sign_key *k = key_new();
	struct sums_lists l = { 0 }, l2 = { 0 };
	struct sign_output out = { 0 }, again = { 0 };
	int rc;

	check(k);
	sums_lists_add(&l, "a.tar.gz", "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03");
	sums_lists_add(&l2, "b.tar.gz", "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03");
	quiet_stderr(1);
	/* a BSD list that is not the GNU list's twin never leaves sign_sums_text */
	rc = sign_sums_text(k, l.gnu, l.gnu_len, l2.bsd, l2.bsd_len, TRUSTED_COMMENT, &out);
	quiet_stderr(0);
	check(rc < 0 && !out.minisig && !out.sig && !out.minisig_len && !out.sig_len);
	quiet_stderr(1);
	rc = sign_sums_text(k, l.gnu, l.gnu_len, l.bsd, l.bsd_len, "two\nlines", &out);
	quiet_stderr(0);
	check(rc < 0 && !out.minisig && !out.sig);
	quiet_stderr(1);
	rc = sign_sums_text(k, l.gnu, l.gnu_len, l.bsd, l.bsd_len, NULL, &out);
	quiet_stderr(0);
	check(rc < 0 && !out.minisig && !out.sig);
	/* the same lists and comment give the same bytes */
	check(sign_sums_text(k, l.gnu, l.gnu_len, l.bsd, l.bsd_len, "same", &out) == 0);
	check(sign_sums_text(k, l.gnu, l.gnu_len, l.bsd, l.bsd_len, "same", &again) == 0);
	check(again.minisig_len == out.minisig_len && !memcmp(again.minisig, out.minisig, out.minisig_len));
	check(again.sig_len == out.sig_len && !memcmp(again.sig, out.sig, out.sig_len));
	sign_output_release(&again);
	sign_output_release(&out);
	sums_lists_release(&l);
	sums_lists_release(&l2);
	sign_key_free(k);
}

TEST(dsse__pae_is_dssev1_lengths_type_body)
{
	static const char want[] = "DSSEv1 28 application/vnd.in-toto+json 11 hello\0world";
	unsigned char *pae;
	size_t len;

	/* the lengths are in bytes, and the body may hold any byte */
	pae = dsse_pae("application/vnd.in-toto+json", "hello\0world", 11, &len);
	check(len == sizeof(want) - 1);
	check(!memcmp(pae, want, len));
	free(pae);
	pae = dsse_pae("t", "", 0, &len);
	check(len == strlen("DSSEv1 1 t 0 "));
	check(!memcmp(pae, "DSSEv1 1 t 0 ", len));
	free(pae);
}

TEST(sigstore__bundle_of_the_envelope_verifies_with_the_key)
{
	static const char body[] = "{\"_type\":\"x\"}\n";
	struct sign_key *k = key_new();
	struct sign_pubkey pk;
	char id[SIGN_KEY_ID_LEN + 1];
	unsigned char payload[64], sig[ED25519_SIG_LEN], *pae;
	const char *sig64 = NULL, *type = NULL, *media = NULL, *hint = NULL, *keyid = NULL, *p64 = NULL;
	size_t pae_len;
	json_t *b, *tlog;

	check(k != NULL);
	sign_key_public(k, &pk);
	sign_key_id(&pk, id);
	b = sigstore_bundle(k, "application/vnd.in-toto+json", body, strlen(body));
	check(b != NULL);
	check(json_unpack(b, "{s:s, s:{s:{s:s}, s:o}, s:{s:s, s:s, s:[{s:s, s:s}]}}", "mediaType", &media,
			  "verificationMaterial", "publicKey", "hint", &hint, "tlogEntries", &tlog, "dsseEnvelope",
			  "payloadType", &type, "payload", &p64, "signatures", "keyid", &keyid, "sig", &sig64) == 0);
	check(!strcmp(media, SIGSTORE_BUNDLE_MEDIA_TYPE));
	check(!strcmp(hint, id) && !strcmp(keyid, id));
	check(json_is_array(tlog) && json_array_size(tlog) == 0);
	check(!strcmp(type, "application/vnd.in-toto+json"));
	check(b64_decode(p64, strlen(p64), payload, strlen(body)) == 0 && !memcmp(payload, body, strlen(body)));
	check(b64_decode(sig64, strlen(sig64), sig, sizeof(sig)) == 0);
	pae = dsse_pae(type, body, strlen(body), &pae_len);
	check(ed25519_verify(pk.pk, pae, pae_len, sig) == 1);
	pae[pae_len - 2] ^= 1;
	check(ed25519_verify(pk.pk, pae, pae_len, sig) == 0);
	free(pae);
	json_decref(b);
	sign_key_free(k);
}

int main(void)
{
	static const struct test_case cases[] = {
		CASE(blake2b__512_matches_openssl),
		CASE(blake2b__256_known_answers),
		CASE(kdf__libsodium_parameter_choice),
		CASE(kdf__scrypt_rfc7914_vectors),
		CASE(kdf__refuses_huge_memory),
		CASE(b64__round_trip),
		CASE(b64__refuses_non_canonical),
		CASE(key__plain_round_trip),
		CASE(key__encrypted_round_trip_and_wrong_password),
		CASE(key__every_changed_secret_byte_is_detected),
		CASE(key__minisign_unencrypted_zero_checksum),
		CASE(key__truncated_and_garbage_refused),
		CASE(key__public_round_trip_and_id),
		CASE(sums__gnu_list_and_bsd_twin),
		CASE(sums__refuses_bad_lists),
		CASE(sigfile__minisig_signs_and_detects_changes),
		CASE(sigfile__signify_embeds_and_detects_changes),
		CASE(sums__lists_from_pairs),
		CASE(sign__in_memory_verified_by_minisign_and_signify),
		CASE(sign__changed_list_rejected_by_sign_check_sums),
		CASE(sign__refuses_lists_that_differ_and_bad_comments),
		CASE(dsse__pae_is_dssev1_lengths_type_body),
		CASE(sigstore__bundle_of_the_envelope_verifies_with_the_key),
	};
	return test_main(cases, sizeof(cases) / sizeof(cases[0]));
}
