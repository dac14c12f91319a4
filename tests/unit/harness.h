/*
 * A tiny unit-test harness. Each tests/unit/test-<suite>.c defines cases
 * with TEST(suite__case), lists them in a table and calls test_main(); the
 * output is one "ok N - name" / "not ok N - name" line per case, which
 * tests/run.sh counts.
 *
 *	TEST(frames__parse) { check(parse("x") == 0); check_str(buf, "x"); }
 *	int main(void) { static const struct test_case cases[] = { CASE(frames__parse) };
 *			 return test_main(cases, sizeof(cases) / sizeof(cases[0])); }
 */
#ifndef TEST_HARNESS_H
#define TEST_HARNESS_H

#include <stdio.h>
#include <string.h>

struct test_case {
	const char *name;
	void (*fn)(void);
};

static int test_failed_now;

#define TEST(name) static void test_##name(void)
#define CASE(name) { #name, test_##name }

#define check(cond)                                                                  \
	do {                                                                         \
		if (!(cond)) {                                                       \
			printf("#   %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			test_failed_now = 1;                                         \
			return;                                                      \
		}                                                                    \
	} while (0)

#define check_str(got, want)                                                         \
	do {                                                                         \
		const char *g_ = (got), *w_ = (want);                                \
		if (!g_ || strcmp(g_, w_)) {                                         \
			printf("#   %s:%d: got \"%s\", want \"%s\"\n", __FILE__, __LINE__, \
			       g_ ? g_ : "(null)", w_);                              \
			test_failed_now = 1;                                         \
			return;                                                      \
		}                                                                    \
	} while (0)

static inline int test_main(const struct test_case *cases, size_t n)
{
	size_t i;
	int failed = 0;

	for (i = 0; i < n; i++) {
		test_failed_now = 0;
		cases[i].fn();
		printf("%s %zu - test_%s\n", test_failed_now ? "not ok" : "ok", i + 1, cases[i].name);
		fflush(stdout);
		failed += test_failed_now;
	}
	return failed ? 1 : 0;
}

#endif /* TEST_HARNESS_H */
