/* stats: the clock and the summary figures of a benchmark's samples.
 *
 * Shared by the benchmarks in bench/ so that every latency figure is taken
 * and summarized the same way: a monotonic clock in seconds, and quantiles by
 * nearest rank (the p99 of 520 samples is the 515th smallest: a real sample,
 * never an interpolation between two).
 *
 * Ownership. A stats_samples owns its array; stats_samples_free releases it
 * and leaves the collection empty and usable (NULL is ok).
 */
#ifndef TRACUU_BENCH_STATS_H
#define TRACUU_BENCH_STATS_H

#include <stddef.h>

/* Seconds on the monotonic clock (only differences mean anything). */
double stats_now(void);

/* CPU seconds this process has used (all threads). On a busy machine the
 * wall clock also counts the time others had the CPU; this does not. */
double stats_cpu_now(void);

typedef struct {
  double *v;
  size_t n, cap;
  int sorted; /* v is in ascending order (kept by stats_quantile) */
} stats_samples;

/* An empty collection (allocates nothing; a zeroed struct is the same). */
void stats_samples_init(stats_samples *s);
void stats_samples_free(stats_samples *s);

/* Appends x. Returns 0, or -1 when out of memory (s is left as it was). */
int stats_samples_add(stats_samples *s, double x);

/* The p-quantile, 0 <= p <= 1, by nearest rank: the smallest sample that at
 * least p * n samples are less than or equal to. Sorts the samples in place
 * (so it is not const). 0 when there are none. */
double stats_quantile(stats_samples *s, double p);

/* The arithmetic mean; 0 when there are no samples. */
double stats_mean(const stats_samples *s);

#endif
