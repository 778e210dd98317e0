/* stats: the clock and the summary figures of a benchmark's samples. */
#include "bench/stats.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

double stats_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double stats_cpu_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void stats_samples_init(stats_samples *s) { *s = (stats_samples){0}; }

void stats_samples_free(stats_samples *s) {
  if (!s) return;
  free(s->v);
  stats_samples_init(s);
}

int stats_samples_add(stats_samples *s, double x) {
  if (s->n == s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 64;
    if (cap < s->cap || cap > SIZE_MAX / sizeof *s->v) return -1;
    double *v = realloc(s->v, cap * sizeof *v);
    if (!v) return -1;
    s->v = v;
    s->cap = cap;
  }
  s->v[s->n++] = x;
  s->sorted = s->n == 1 || (s->sorted && s->v[s->n - 2] <= x);
  return 0;
}

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

double stats_quantile(stats_samples *s, double p) {
  if (s->n == 0) return 0.0;
  if (!s->sorted) {
    qsort(s->v, s->n, sizeof *s->v, by_value);
    s->sorted = 1;
  }
  if (!(p > 0.0)) return s->v[0];
  if (p >= 1.0) return s->v[s->n - 1];
  size_t rank = (size_t)ceil(p * (double)s->n); /* 1-based, >= 1 since p > 0 */
  return s->v[rank - 1];
}

double stats_mean(const stats_samples *s) {
  if (s->n == 0) return 0.0;
  double sum = 0.0;
  for (size_t i = 0; i < s->n; i++) sum += s->v[i];
  return sum / (double)s->n;
}
