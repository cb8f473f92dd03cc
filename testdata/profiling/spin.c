/* A known CPU-bound workload for the profiling receiver's tests: `spin SECONDS` burns CPU in
 * ottl_spin_inner (called from ottl_spin_outer) until the time is up. The tests compile it with
 * frame pointers and without optimization (so the leaf function keeps its frame too) and look
 * for these function names among the top frames of the profile. */
#include <stdlib.h>
#include <time.h>

volatile unsigned long sink;

__attribute__((noinline)) void ottl_spin_inner(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		sink += i * i;
}

__attribute__((noinline)) void ottl_spin_outer(double seconds)
{
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	do {
		ottl_spin_inner(1000000);
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while ((now.tv_sec - start.tv_sec) + (now.tv_nsec - start.tv_nsec) / 1e9 < seconds);
}

int main(int argc, char **argv)
{
	ottl_spin_outer(argc > 1 ? atof(argv[1]) : 5.0);
	return 0;
}
