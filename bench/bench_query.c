/* bench_query: how long tracuu takes to answer, against plain Xapian and FTS5.
 *
 *   bench_query [--shared DIR] [--reuse DIR] [--reindex] [--skip-fts5]
 *
 * Indexes phapdien (27,121 articles) and congbao (414 gazette documents)
 * with tracuu, plain Xapian BM25 and SQLite FTS5 (searchers.h says how each
 * is built and asked), then times, in this process, each engine answering
 * three sets of queries for its top 10:
 *   questions  the 520 ALQAC 2022 questions, as written (about 20 words);
 *   numbers    legal numbers cited in phapdien's source citations (vbqppl),
 *              as text_find_refs writes them ("19/2018/NĐ-CP"): the distinct
 *              ones in byte order, 500 of them evenly spaced;
 *   short      the first 2 or 3 words (alternately) of phapdien's article
 *              headings, after "Điều N." and any opening bracket: distinct,
 *              500 evenly spaced.
 * tracuu runs twice: with the default sort (blend: relevance times recency,
 * from a pool of 200 candidates) and with sort = relevance. Its time is
 * query_run's: parsing, the search, the records and snippets of the hits.
 * The anchors' time is parsing, the search and the ids of the hits.
 * The first 20 queries of each set run once untimed first (warm caches).
 *
 * Figures per engine and set: median (p50), p99 (nearest rank) and mean in
 * milliseconds, and the share of queries with at least one hit; once by the
 * wall clock, once by the CPU time of the process (which a busy machine
 * does not inflate; the load average is printed too).
 * Goals (the issue): tracuu questions p50 <= 3 ms, p99 <= 15 ms; numbers and
 * short queries p50 <= 0.5 ms.
 *
 * Indexes go to a temporary directory removed at the end, or with --reuse
 * DIR to DIR, where later runs find and keep them (delete DIR or pass
 * --reindex after changing the indexer). --skip-fts5 leaves FTS5 out (it
 * takes about 2 minutes over the questions).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/corpus.h"
#include "bench/searchers.h"
#include "bench/stats.h"
#include "text/text.h"

#ifndef TRACUU_SHARED_DIR
#define TRACUU_SHARED_DIR "../shared"
#endif

#define TOP_K 10
#define WARMUP 20
/* About this many number and short queries. */
#define SAMPLE 500

typedef struct {
  const char *shared;
  const char *reuse;
  int reindex;
  int skip_fts5;
} options;

static void usage(FILE *f) {
  fprintf(f,
          "usage: bench_query [--shared DIR] [--reuse DIR] [--reindex] [--skip-fts5]\n"
          "  --shared DIR  the shared data folder (default %s)\n"
          "  --reuse DIR   keep the indexes in DIR and reuse them on the next run\n"
          "  --reindex     rebuild the indexes in DIR even if they look current\n"
          "  --skip-fts5   leave SQLite FTS5 out (its questions take minutes)\n",
          TRACUU_SHARED_DIR);
}

/* Returns 0 to run, 1 to exit successfully (--help), -1 on a usage error. */
static int parse_args(int argc, char **argv, options *o) {
  *o = (options){.shared = TRACUU_SHARED_DIR};
  for (int i = 1; i < argc; i++) {
    const char **slot = strcmp(argv[i], "--shared") == 0  ? &o->shared
                        : strcmp(argv[i], "--reuse") == 0 ? &o->reuse
                                                          : NULL;
    if (slot && i + 1 < argc) {
      *slot = argv[++i];
    } else if (strcmp(argv[i], "--reindex") == 0) {
      o->reindex = 1;
    } else if (strcmp(argv[i], "--skip-fts5") == 0) {
      o->skip_fts5 = 1;
    } else if (strcmp(argv[i], "--help") == 0) {
      usage(stdout);
      return 1;
    } else {
      fprintf(stderr, "bench_query: bad argument \"%s\"\n", argv[i]);
      usage(stderr);
      return -1;
    }
  }
  return 0;
}

/* ------------------------------------------------------------------ */
/* Query sets                                                           */
/* ------------------------------------------------------------------ */

/* A list of owned strings. */
typedef struct {
  char **v;
  size_t n, cap;
} strings;

static void strings_free(strings *s) {
  for (size_t i = 0; i < s->n; i++) free(s->v[i]);
  free(s->v);
  *s = (strings){0};
}

/* Appends a copy of p[0..len); 0 or -1 (out of memory). */
static int strings_add(strings *s, const char *p, size_t len) {
  if (s->n == s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 256;
    char **v = cap > s->cap ? realloc(s->v, cap * sizeof *v) : NULL;
    if (!v) return -1;
    s->v = v;
    s->cap = cap;
  }
  char *copy = strndup(p, len);
  if (!copy) return -1;
  s->v[s->n++] = copy;
  return 0;
}

static int by_string(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorts s, drops duplicates, then keeps `keep` of them (all if fewer) evenly
 * spaced: a spread over the whole set, the same on every run. */
static void sample_distinct(strings *s, size_t keep) {
  qsort(s->v, s->n, sizeof *s->v, by_string);
  size_t u = 0;
  for (size_t i = 0; i < s->n; i++) {
    if (u > 0 && strcmp(s->v[u - 1], s->v[i]) == 0)
      free(s->v[i]);
    else
      s->v[u++] = s->v[i];
  }
  size_t kept = 0;
  for (size_t i = 0; i < u; i++) {
    /* i is kept when it is the first of its share: floor(j * u / keep) */
    if (u <= keep || (kept < keep && i == kept * u / keep))
      s->v[kept++] = s->v[i];
    else
      free(s->v[i]);
  }
  s->n = kept;
}

static int add_ref(void *ctx, const text_ref *ref) {
  return strings_add(ctx, ref->canonical, strlen(ref->canonical)) != 0; /* stop when out of memory */
}

/* The legal numbers of phapdien's citations: corpus.h puts the vbqppl column
 * after the last blank line of the body. */
static int number_queries(const corpus_docs *docs, size_t n_phapdien, strings *out) {
  for (size_t i = 0; i < n_phapdien && i < docs->count; i++) {
    const char *body = docs->docs[i].rec.body, *cite = NULL;
    for (const char *p = body ? strstr(body, "\n\n") : NULL; p; p = strstr(p + 1, "\n\n"))
      cite = p + 2;
    if (cite && text_find_refs(cite, strlen(cite), add_ref, out) != TEXT_OK) return -1;
  }
  sample_distinct(out, SAMPLE);
  return 0;
}

/* "Điều 40.1.LQ.1. Phạm vi điều chỉnh" -> "Phạm vi" or "Phạm vi điều";
 * "Điều 1.1.LQ.5. (bị bãi bỏ)" -> "bị bãi". */
static int short_queries(const corpus_docs *docs, size_t n_phapdien, strings *out) {
  static const char space[] = " \t\r\n", brackets[] = "([\"'", ends[] = ",;:.)]\"'";
  for (size_t i = 0; i < n_phapdien && i < docs->count; i++) {
    const char *p = docs->docs[i].rec.title;
    if (!p) continue;
    p += strspn(p, space);
    if (strncmp(p, "Điều ", strlen("Điều ")) == 0) { /* skip "Điều" and its code */
      p += strlen("Điều ");
      p += strspn(p, space);
      p += strcspn(p, space);
      p += strspn(p, space);
    }
    p += strspn(p, brackets);
    size_t want = 2 + i % 2, words = 0, len = 0;
    while (words < want && p[len]) {
      len += strcspn(p + len, space);
      words++;
      if (words < want) len += strspn(p + len, space);
    }
    while (len > 0 && strchr(space, p[len - 1])) len--;
    while (len > 0 && strchr(ends, p[len - 1])) len--;
    if (words == want && len > 0 && strings_add(out, p, len) != 0) return -1;
  }
  sample_distinct(out, SAMPLE);
  return 0;
}

enum { SET_QUESTIONS, SET_NUMBERS, SET_SHORT, N_SETS };
static const char *const set_names[N_SETS] = {"questions", "numbers", "short"};

static int make_sets(const char *shared, const corpus_docs *docs, size_t n_phapdien,
                     strings sets[N_SETS]) {
  char err[512];
  corpus_questions qs;
  corpus_questions_init(&qs);
  int rc = corpus_load_alqac_questions(shared, CORPUS_ALQAC_2022, &qs, err, sizeof err);
  if (rc != 0) fprintf(stderr, "bench_query: cannot load the ALQAC 2022 questions: %s\n", err);
  for (size_t i = 0; rc == 0 && i < qs.count; i++)
    rc = strings_add(&sets[SET_QUESTIONS], qs.items[i].text, strlen(qs.items[i].text));
  corpus_questions_free(&qs);
  if (rc == 0) rc = number_queries(docs, n_phapdien, &sets[SET_NUMBERS]);
  if (rc == 0) rc = short_queries(docs, n_phapdien, &sets[SET_SHORT]);
  return rc;
}

/* ------------------------------------------------------------------ */
/* Timing                                                               */
/* ------------------------------------------------------------------ */

typedef struct {
  stats_samples ms;     /* wall clock */
  stats_samples cpu_ms; /* CPU time of this process */
  size_t found;   /* queries with at least one hit */
  size_t refused; /* queries the engine would not run */
} timing;

/* Runs every query of set (the first WARMUP once untimed before). */
static int time_set(searcher *s, const strings *set, timing *t) {
  size_t hits[TOP_K], n_hits;
  char err[512];
  for (size_t i = 0; i < set->n && i < WARMUP; i++)
    if (searcher_run(s, set->v[i], TOP_K, hits, &n_hits, err, sizeof err) < 0) {
      fprintf(stderr, "bench_query: \"%s\": %s\n", set->v[i], err);
      return -1;
    }
  for (size_t i = 0; i < set->n; i++) {
    double t0 = stats_now(), c0 = stats_cpu_now();
    int rc = searcher_run(s, set->v[i], TOP_K, hits, &n_hits, err, sizeof err);
    double ms = (stats_now() - t0) * 1e3, cpu_ms = (stats_cpu_now() - c0) * 1e3;
    if (rc < 0) {
      fprintf(stderr, "bench_query: \"%s\": %s\n", set->v[i], err);
      return -1;
    }
    if (stats_samples_add(&t->ms, ms) != 0 || stats_samples_add(&t->cpu_ms, cpu_ms) != 0) {
      fprintf(stderr, "bench_query: out of memory\n");
      return -1;
    }
    t->refused += rc == 1;
    t->found += n_hits > 0;
  }
  return 0;
}

/* The rows of the table: an index and how it is asked. */
typedef struct {
  const char *name;
  searcher_kind kind;
  query_sort sort;
} row;

static const row rows[] = {
    {"tracuu (blend, default)", SEARCHER_TRACUU, QUERY_SORT_BLEND},
    {"tracuu (relevance)", SEARCHER_TRACUU, QUERY_SORT_RELEVANCE},
    {"plain Xapian BM25", SEARCHER_XAPIAN, QUERY_SORT_RELEVANCE},
    {"SQLite FTS5", SEARCHER_FTS5, QUERY_SORT_RELEVANCE},
};
enum { N_ROWS = sizeof rows / sizeof rows[0] };

static int time_row(const row *r, const char *path, const corpus_docs *docs,
                    const strings sets[N_SETS], timing t[N_SETS]) {
  char err[512];
  searcher_opts so;
  searcher_opts_init(&so);
  so.sort = r->sort;
  searcher *s;
  if (searcher_open(r->kind, path, docs, &so, &s, err, sizeof err) != 0) {
    fprintf(stderr, "bench_query: opening %s: %s\n", path, err);
    return -1;
  }
  printf("  timing %s ...\n", r->name);
  fflush(stdout);
  int rc = 0;
  for (int k = 0; rc == 0 && k < N_SETS; k++) rc = time_set(s, &sets[k], &t[k]);
  searcher_close(s);
  return rc;
}

enum { CLOCK_WALL, CLOCK_CPU, N_CLOCKS };
static const char *const clock_names[N_CLOCKS] = {"wall clock", "CPU time of the process"};

static stats_samples *samples(timing *t, int clock) {
  return clock == CLOCK_WALL ? &t->ms : &t->cpu_ms;
}

static void print_table(const strings sets[N_SETS], timing t[N_ROWS][N_SETS], int n_rows,
                        int clock) {
  printf("\nmilliseconds per query (%s), top %d, in-process; found = share of queries with "
         "a hit\n",
         clock_names[clock], TOP_K);
  printf("%-24s", "");
  for (int k = 0; k < N_SETS; k++) {
    char head[48];
    snprintf(head, sizeof head, "%s (%zu)", set_names[k], sets[k].n);
    printf(" | %-27s", head);
  }
  printf("\n%-24s", "");
  for (int k = 0; k < N_SETS; k++) printf(" | %6s %6s %6s %6s", "p50", "p99", "mean", "found");
  printf("\n");
  for (int r = 0; r < n_rows; r++) {
    printf("%-24s", rows[r].name);
    for (int k = 0; k < N_SETS; k++) {
      stats_samples *ms = samples(&t[r][k], clock);
      printf(" | %6.2f %6.2f %6.2f %5.0f%%", stats_quantile(ms, 0.5), stats_quantile(ms, 0.99),
             stats_mean(ms), sets[k].n ? 100.0 * (double)t[r][k].found / (double)sets[k].n : 0.0);
    }
    size_t refused = 0;
    for (int k = 0; k < N_SETS; k++) refused += t[r][k].refused;
    if (refused) printf("  (%zu refused)", refused);
    printf("\n");
  }
}

static const char *meets(double v, double goal) { return v <= goal ? "met" : "MISSED"; }

static void print_goals(timing t[N_ROWS][N_SETS], int n_rows, int clock) {
  printf("goals (%s):\n", clock_names[clock]);
  for (int r = 0; r < n_rows && rows[r].kind == SEARCHER_TRACUU; r++) {
    double qp50 = stats_quantile(samples(&t[r][SET_QUESTIONS], clock), 0.5),
           qp99 = stats_quantile(samples(&t[r][SET_QUESTIONS], clock), 0.99),
           np50 = stats_quantile(samples(&t[r][SET_NUMBERS], clock), 0.5),
           sp50 = stats_quantile(samples(&t[r][SET_SHORT], clock), 0.5);
    printf("  %s: questions p50 %.2f <= 3 %s, p99 %.2f <= 15 %s; numbers p50 %.2f <= 0.5 %s; "
           "short p50 %.2f <= 0.5 %s\n",
           rows[r].name, qp50, meets(qp50, 3), qp99, meets(qp99, 15), np50, meets(np50, 0.5), sp50,
           meets(sp50, 0.5));
  }
  double tr = stats_quantile(samples(&t[0][SET_QUESTIONS], clock), 0.5);
  for (int r = 1; r < n_rows; r++) {
    double a = stats_quantile(samples(&t[r][SET_QUESTIONS], clock), 0.5);
    if (rows[r].kind != SEARCHER_TRACUU && a > 0 && tr > 0)
      printf("  questions p50, %s / %s: %.1fx\n", rows[r].name, rows[0].name, a / tr);
  }
}

/* ------------------------------------------------------------------ */

/* Latency means little on a busy machine: the 1-minute load average (Linux),
 * printed before and after the timings. */
static void print_load(const char *when) {
  double load = -1;
  FILE *f = fopen("/proc/loadavg", "r");
  if (f) {
    if (fscanf(f, "%lf", &load) != 1) load = -1;
    fclose(f);
  }
  if (load >= 0) printf("  load average %s: %.2f\n", when, load);
}

static void show_examples(const strings sets[N_SETS]) {
  for (int k = 0; k < N_SETS; k++) {
    printf("  %-9s %zu, e.g.", set_names[k], sets[k].n);
    for (size_t i = 0; i < sets[k].n && i < 3; i++) {
      const char *q = sets[k].v[i];
      size_t cut = strlen(q);
      if (cut > 60) /* on a character boundary */
        for (cut = 60; cut > 0 && ((unsigned char)q[cut] & 0xC0) == 0x80; cut--) {}
      printf("%s \"%.*s%s\"", i ? "," : "", (int)cut, q, q[cut] ? "..." : "");
    }
    printf("\n");
  }
}

static int run(const options *o, const char *base, const corpus_docs *docs,
               const strings sets[N_SETS]) {
  static const struct {
    searcher_kind kind;
    const char *file;
  } indexes[] = {/* in searcher_kind order: path[kind] */
                 {SEARCHER_TRACUU, "tracuu"},
                 {SEARCHER_XAPIAN, "xapian"},
                 {SEARCHER_FTS5, "fts5.db"}};
  char path[3][1100], err[512];
  for (int i = 0; i < 3; i++) {
    snprintf(path[i], sizeof path[i], "%s/%s", base, indexes[i].file);
    if (indexes[i].kind == SEARCHER_FTS5 && o->skip_fts5) continue;
    int built = 0;
    double t0 = stats_now();
    printf("  indexing with %s ...\n", searcher_name(indexes[i].kind));
    fflush(stdout);
    if (searcher_build(indexes[i].kind, path[i], docs, o->reuse && !o->reindex, &built, err,
                       sizeof err) != 0) {
      fprintf(stderr, "bench_query: indexing into %s: %s\n", path[i], err);
      return -1;
    }
    if (built) printf("  indexed with %s in %.1f s\n", searcher_name(indexes[i].kind), stats_now() - t0);
    else printf("  reused %s\n", path[i]);
  }
  timing t[N_ROWS][N_SETS] = {0};
  int n_rows = o->skip_fts5 ? N_ROWS - 1 : N_ROWS, rc = 0;
  print_load("before the timings");
  for (int r = 0; rc == 0 && r < n_rows; r++)
    rc = time_row(&rows[r], path[rows[r].kind], docs, sets, t[r]);
  print_load("after them");
  for (int clock = 0; rc == 0 && clock < N_CLOCKS; clock++) {
    print_table(sets, t, n_rows, clock);
    print_goals(t, n_rows, clock);
  }
  for (int r = 0; r < N_ROWS; r++)
    for (int k = 0; k < N_SETS; k++) {
      stats_samples_free(&t[r][k].ms);
      stats_samples_free(&t[r][k].cpu_ms);
    }
  return rc;
}

int main(int argc, char **argv) {
  options o;
  int rc = parse_args(argc, argv, &o);
  if (rc != 0) return rc > 0 ? 0 : 2;

  char err[512], base[1024];
  corpus_docs docs;
  corpus_docs_init(&docs);
  strings sets[N_SETS] = {{0}};
  rc = corpus_load_phapdien(o.shared, &docs, err, sizeof err);
  size_t n_phapdien = docs.count;
  if (rc == 0) rc = corpus_load_congbao(o.shared, &docs, err, sizeof err);
  if (rc != 0) fprintf(stderr, "bench_query: cannot load the documents: %s\n", err);
  if (rc == 0 && make_sets(o.shared, &docs, n_phapdien, sets) != 0) {
    fprintf(stderr, "bench_query: cannot make the query sets\n");
    rc = -1;
  }
  if (rc == 0 && searcher_workdir(o.reuse, "tracuu-query", base, sizeof base, err, sizeof err) != 0) {
    fprintf(stderr, "bench_query: %s\n", err);
    rc = -1;
  }
  if (rc == 0) {
    printf("%zu records (phapdien %zu, congbao %zu); indexes in %s%s\nqueries:\n", docs.count,
           n_phapdien, docs.count - n_phapdien, base,
           o.reuse ? " (reused when current)" : " (removed at the end)");
    show_examples(sets);
    rc = run(&o, base, &docs, sets);
    if (!o.reuse) searcher_remove(base);
  }
  for (int k = 0; k < N_SETS; k++) strings_free(&sets[k]);
  corpus_docs_free(&docs);
  return rc == 0 ? 0 : 1;
}
