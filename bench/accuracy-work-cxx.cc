/*
 * accuracy-work-cxx: a C++ workload for bench/accuracy, built at -O2
 * twice (bench/build.mk): linked dynamically, and statically.
 *
 *   accuracy-work-cxx throw SECONDS   main -> work::catch_one ->
 *                                     work::Thrower::fail, which throws:
 *                                     __cxa_throw, the unwinder
 *                                     (libgcc_s) and its lookups in ld.so
 *                                     (_dl_find_object)
 *
 * Prints "ready" on stdout once started, and exits after SECONDS.
 */
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <stdexcept>
#include <vector>

namespace work {

struct Thrower {
	__attribute__((noinline)) void fail(int n)
	{
		if (n >= 0)
			throw std::runtime_error("caught at once");
	}
};

/* one throw, caught here: the catch keeps the vector's work in the frame */
__attribute__((noinline)) int catch_one(std::vector<int> &seen, int n)
{
	Thrower t;

	try {
		t.fail(n);
	} catch (const std::exception &) {
		seen.push_back(n);
		return 1;
	}
	return 0;
}

} // namespace work

static double now()
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	std::vector<int> seen;
	unsigned long caught = 0;
	double end;
	int i;

	if (argc != 3 || std::strcmp(argv[1], "throw") != 0) {
		std::fprintf(stderr, "usage: accuracy-work-cxx throw SECONDS\n");
		return 2;
	}
	end = now() + std::atof(argv[2]);
	std::printf("ready\n");
	std::fflush(stdout);
	while (now() < end) {
		for (i = 0; i < 1000; i++)
			caught += (unsigned long)work::catch_one(seen, i);
		seen.clear();
	}
	return caught ? 0 : 1;
}
