/* Unit tests of the in-memory profile (agent/aggregate.c). */
#include "harness.h"

#include <stdint.h>

#include "aggregate.h"

static struct analyzer_sample sample(uint32_t tgid, const char *comm, const uint64_t *k, uint32_t kd,
				     const uint64_t *u, uint32_t ud, uint64_t count)
{
	static const uint64_t none[1];
	struct analyzer_sample s;

	memset(&s, 0, sizeof(s));
	s.pid = tgid + 1; /* a thread of tgid */
	s.tgid = tgid;
	snprintf(s.comm, sizeof(s.comm), "%s", comm);
	s.kernel_ips = kd ? k : none;
	s.kernel_depth = kd;
	s.user_ips = ud ? u : none;
	s.user_depth = ud;
	s.count = count;
	return s;
}

TEST(aggregate__same_stack_adds_up)
{
	uint64_t k[2] = { 1, 2 }, u[3] = { 10, 20, 30 };
	struct analyzer_sample s1 = sample(7, "a", k, 2, u, 3, 4), s2 = sample(7, "a", k, 2, u, 3, 5);
	struct aggregate ag;

	check(aggregate_init(&ag) == 0);
	check(aggregate_add(&ag, &s1) == 0);
	check(aggregate_add(&ag, &s2) == 0);
	check(ag.n == 1);
	check(ag.entries[0]->tid == 8);
	check(ag.entries[0]->count == 9);
	check(ag.samples == 9);
	check(ag.entries[0]->kernel_depth == 2 && ag.entries[0]->user_depth == 3);
	check(ag.entries[0]->ips[1] == 2 && ag.entries[0]->ips[2] == 10 && ag.entries[0]->ips[4] == 30);
	aggregate_release(&ag);
}

TEST(aggregate__differences_make_entries)
{
	uint64_t k[2] = { 1, 2 }, u[2] = { 10, 20 }, k2[2] = { 1, 3 };
	struct analyzer_sample v[7];
	struct aggregate ag;
	size_t i;

	v[0] = sample(7, "a", k, 2, u, 2, 1);
	v[1] = sample(8, "a", k, 2, u, 2, 1);  /* other process */
	v[2] = sample(7, "b", k, 2, u, 2, 1);  /* other comm */
	v[3] = sample(7, "a", k2, 2, u, 2, 1); /* other kernel stack */
	v[4] = sample(7, "a", k, 1, u, 2, 1);  /* shorter */
	v[5] = sample(7, "a", k, 2, u, 2, 1);
	v[5].user_err = -17;                   /* failed user stack */
	v[6] = sample(7, "a", k, 2, u, 2, 1);
	v[6].pid = 99;                         /* other thread (the pprof output's tid label) */
	check(aggregate_init(&ag) == 0);
	for (i = 0; i < 7; i++)
		check(aggregate_add(&ag, &v[i]) == 0);
	check(ag.n == 7);
	check(ag.samples == 7);
	check(ag.entries[6]->tid == 99 && ag.entries[0]->tid == 8);
	aggregate_release(&ag);
}

TEST(aggregate__grows_past_its_buckets)
{
	struct aggregate ag;
	uint64_t u[1];
	uint32_t i;

	check(aggregate_init(&ag) == 0);
	for (i = 0; i < 5000; i++) {
		struct analyzer_sample s;

		u[0] = 0x1000 + i;
		s = sample(1, "x", NULL, 0, u, 1, 1);
		check(aggregate_add(&ag, &s) == 0);
	}
	for (i = 0; i < 5000; i += 7) {
		struct analyzer_sample s;

		u[0] = 0x1000 + i;
		s = sample(1, "x", NULL, 0, u, 1, 1);
		check(aggregate_add(&ag, &s) == 0);
	}
	check(ag.n == 5000);
	check(ag.nbuckets >= 4096);
	check(ag.entries[7]->count == 2 && ag.entries[8]->count == 1);
	check(ag.samples == 5000 + 715);
	aggregate_release(&ag);
}

int main(void)
{
	static const struct test_case cases[] = {
		CASE(aggregate__same_stack_adds_up),
		CASE(aggregate__differences_make_entries),
		CASE(aggregate__grows_past_its_buckets),
	};
	return test_main(cases, sizeof(cases) / sizeof(cases[0]));
}
