/* Unit tests of the URL rule (releaser/lib/url.c). */
#include "harness.h"

#include <stdlib.h>

#include "lib/url.h"

static char got[1024];
static int got_stripped;

/* s normalized as kind, or "(refused: WHY)"; checks that the result is a fixed point */
static const char *norm(const char *s, enum url_kind kind)
{
	const char *why, *why2;
	char *out = url_normalize(s, kind, &why, &got_stripped), *again;
	int stripped2;

	if (!out) {
		snprintf(got, sizeof(got), "(refused: %s)", why);
		return got;
	}
	snprintf(got, sizeof(got), "%s", out);
	again = url_normalize(out, kind, &why2, &stripped2);
	if (!again || strcmp(again, out) || stripped2)
		snprintf(got, sizeof(got), "(not a fixed point: %s)", out);
	free(again);
	free(out);
	return got;
}

TEST(url__credentials_are_dropped)
{
	check_str(norm("https://user:TOKEN@host.example/o/r.git", URL_REPO), "https://host.example/o/r.git");
	check(got_stripped);
	check_str(norm("https://ghp_TOKEN@github.com/o/r", URL_REPO), "https://github.com/o/r");
	check(got_stripped);
	check_str(norm("http://a:b@c@host/o/r", URL_REPO), "http://host/o/r");
	check_str(norm("ssh://git:secret@host/o/r.git", URL_REPO), "ssh://git@host/o/r.git");
	check(got_stripped);
	check_str(norm("ssh://git@host/o/r.git", URL_REPO), "ssh://git@host/o/r.git");
	check(!got_stripped);
	check_str(norm("https://host/o/r.git?private_token=X#frag", URL_REPO), "https://host/o/r.git");
	check(got_stripped);
	check_str(norm("https://u:p@ci.example/run/7?x=1", URL_URI), "https://ci.example/run/7?x=1");
	check(got_stripped);
}

TEST(url__scp_like_remotes_become_ssh)
{
	check_str(norm("git@github.com:o/r.git", URL_REMOTE), "ssh://git@github.com/o/r.git");
	check(!got_stripped);
	check_str(norm("host:/srv/r.git", URL_REMOTE), "ssh://host/srv/r.git");
	check_str(norm("user:TOKEN@host:o/r.git", URL_REMOTE), "ssh://user@host/o/r.git");
	check(got_stripped);
	check_str(norm("git@[::1]:o/r", URL_REMOTE), "ssh://git@[::1]/o/r");
	check_str(norm("git@host:", URL_REMOTE), "(refused: it names no repository path)");
	check_str(norm(":o/r", URL_REMOTE), "(refused: it has no host)");
	check_str(norm("git@github.com:o/r.git", URL_REPO), "(refused: it does not start with a scheme such as https:)");
}

TEST(url__local_remotes)
{
	check(url_is_local("/srv/git/r.git"));
	check(url_is_local("../r"));
	check(url_is_local("./a:b"));
	check(url_is_local("file:///srv/r.git"));
	check(url_is_local("FILE:///srv/r.git"));
	check(!url_is_local("git@host:o/r"));
	check(!url_is_local("https://host/o/r"));
	check_str(norm("/srv/r.git", URL_REMOTE), "(refused: it is a local path)");
	check_str(norm("file:///srv/r.git", URL_REPO), "(refused: its scheme is not https, http, ssh or git)");
}

TEST(url__schemes_and_hosts)
{
	check_str(norm("HTTPS://GitHub.COM:443/Owner/Repo", URL_REPO), "https://github.com:443/Owner/Repo");
	check_str(norm("git+ssh://git@host/o/r", URL_REPO), "ssh://git@host/o/r");
	check_str(norm("git://host:/o/r", URL_REPO), "git://host/o/r");
	check_str(norm("ftp://host/o/r", URL_REPO), "(refused: its scheme is not https, http, ssh or git)");
	check_str(norm("https://host", URL_REPO), "(refused: it names no repository path)");
	check_str(norm("https:///o/r", URL_REPO), "(refused: it has no host)");
	check_str(norm("https:o/r", URL_REPO), "(refused: it has no host (SCHEME://HOST/PATH))");
	check_str(norm("https://host:x/o/r", URL_REPO), "(refused: its port is not a number)");
	check_str(norm("urn:example:builder", URL_URI), "urn:example:builder");
	check_str(norm("1x:runner", URL_URI), "(refused: it does not start with a scheme such as https:)");
	check_str(norm("https:", URL_URI), "(refused: nothing follows its scheme)");
}

TEST(url__bad_bytes)
{
	check_str(norm("https://host/o\nSource: x", URL_REPO), "(refused: it holds a control character)");
	check_str(norm("https://host/o\x7f", URL_REPO), "(refused: it holds a control character)");
	check_str(norm("https://host/a b", URL_REPO), "(refused: it holds a space)");
	check_str(norm("https://host/\xff\xfe", URL_REPO), "(refused: it holds bytes that are not UTF-8)");
	check_str(norm("git@ho\tst:o/r", URL_REMOTE), "(refused: it holds a control character)");
}

TEST(url__percent_encoding)
{
	check_str(norm("https://host/caf\xc3\xa9/<r>", URL_REPO), "https://host/caf%C3%A9/%3Cr%3E");
	check_str(norm("https://host/a%2Fb/100%", URL_REPO), "https://host/a%2Fb/100%25");
	check_str(norm("https://host/o/r\"x\\", URL_REPO), "https://host/o/r%22x%5C");
}

TEST(url__shown_hides_credentials)
{
	char *s = url_shown("https://user:TOKEN@host/o/r");

	check_str(s, "https://***@host/o/r");
	free(s);
	s = url_shown("user:TOKEN@host:o/r\t");
	check_str(s, "***@host:o/r\\x09");
	free(s);
}

int main(void)
{
	static const struct test_case cases[] = {
		CASE(url__credentials_are_dropped), CASE(url__scp_like_remotes_become_ssh),
		CASE(url__local_remotes),          CASE(url__schemes_and_hosts),
		CASE(url__bad_bytes),              CASE(url__percent_encoding),
		CASE(url__shown_hides_credentials),
	};

	return test_main(cases, sizeof(cases) / sizeof(cases[0]));
}
