/* bench_index: how fast tracuu indexes real documents, against SQLite FTS5
 * and plain Xapian, sequentially and as a parallel bulk build.
 *
 *   bench_index [--shared DIR] [--out DIR] [--limit N] [--count] [--export FILE]
 *               [--jobs N] [--flush SIZE] [--commit N] [--no-sequential] [--bulk-only]
 *
 * Loads the phapdien articles and the congbao documents into memory first
 * (not timed), then, in one process and on the same records:
 *   1. tracuu bulk builds (indexer/bulk.h, what `tracuu index` does for a
 *      new index) with N jobs (default: the number of cores, at least 2)
 *      and with 1 job: bulk_open on a fresh directory, bulk_add of every
 *      record, bulk_finish (merge, fsync, publish);
 *   2. tracuu sequential: indexer_open, indexer_add of every record,
 *      indexer_close (what `tracuu index --incremental` does);
 *   3. the documents alone: indexer_build_document + engine_doc_free;
 *   4. plain Xapian (TermGenerator, no Vietnamese: what omindex gives);
 *   5. SQLite FTS5 (unicode61 remove_diacritics 2), one transaction.
 * Then the same top 10 check between the sequential index and the N-job
 * bulk index: the 520 ALQAC 2022 questions and 500 legal numbers cited by
 * phapdien, default sort, ids and order equal and scores within 1e-9.
 *
 * Figures: wall seconds, CPU seconds of the whole process (every thread,
 * user + system), docs/s wall and docs per CPU-second; for bulk builds the
 * CPU of the calling thread and of the workers apart, the merge's share,
 * and the peak RSS (getrusage: the corpus in memory is part of it); disk
 * usage as du counts it; the load average before and after (other work on
 * the machine slows every wall-clock figure, not the CPU ones).
 *
 * --out DIR keeps the indexes (DIR/bulk-N, DIR/bulk-1, DIR/tracuu-index,
 * DIR/xapian, DIR/fts5.db; earlier ones there are removed first); without
 * it they go to a temporary directory removed at the end. --limit N
 * indexes only the first N records. --count only loads every data set
 * (ALQAC too) and prints the counts. --export FILE writes the records
 * (after --limit) as the JSON Lines `tracuu index` reads, and indexes
 * nothing. --no-sequential skips 2 and the check (a quick run).
 * --commit N makes the bulk runs commit every N documents (the curve of
 * docs per CPU-second against it); --bulk-only runs the N-job bulk build
 * alone (for such curves and for profiles).
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench/corpus.h"
#include "bench/searchers.h"
#include "indexer/bulk.h"
#include "indexer/indexer.h"
#include "query/query.h"
#include "text/text.h"

#ifndef TRACUU_SHARED_DIR
#define TRACUU_SHARED_DIR "../shared"
#endif

typedef struct {
  const char *shared;
  const char *out;   /* NULL: a temporary directory */
  const char *limit; /* NULL: every record */
  const char *export_to; /* --export FILE */
  int count_only;
  unsigned jobs;      /* --jobs N: the parallel run (0: cores, at least 2) */
  size_t flush;       /* --flush SIZE (0: the default) */
  unsigned commit;    /* --commit N (0: the default) */
  int no_sequential;
  int bulk_only;      /* --bulk-only: the N-job bulk build alone */
} options;

/* What one engine did with the records. */
typedef struct {
  double seconds;      /* wall clock */
  double cpu_seconds;  /* this process's CPU, every thread: the gap to seconds is waiting */
  uint64_t disk_bytes; /* 0 when not measured */
  int ran;
  /* bulk builds only */
  double main_cpu;     /* the calling thread (bulk_add) */
  bulk_stats bulk;
  double peak_rss_mib; /* the process's peak so far, after this run */
} result;

static double clock_seconds(clockid_t id) {
  struct timespec ts;
  clock_gettime(id, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now(void) { return clock_seconds(CLOCK_MONOTONIC); }

/* Starts timing a run; result_stop fills in the elapsed times. */
static void result_start(result *r) {
  r->seconds = now();
  r->cpu_seconds = clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
}

static void result_stop(result *r) {
  r->seconds = now() - r->seconds;
  r->cpu_seconds = clock_seconds(CLOCK_PROCESS_CPUTIME_ID) - r->cpu_seconds;
}

static void usage(FILE *f) {
  fprintf(f, "usage: bench_index [--shared DIR] [--out DIR] [--limit N] [--count] [--export FILE]\n"
             "                   [--jobs N] [--flush SIZE] [--commit N] [--no-sequential]\n"
             "                   [--bulk-only]\n"
             "  --shared DIR  the shared data folder (default %s)\n"
             "  --out DIR     keep the indexes in DIR (default: a temporary directory)\n"
             "  --limit N     index only the first N records\n"
             "  --count       only load every data set and print the counts\n"
             "  --export FILE write the records as JSON Lines into FILE, index nothing\n"
             "  --jobs N      workers of the parallel bulk run (default: cores, at least 2)\n"
             "  --flush SIZE  bytes per batch of the bulk runs (default 8m)\n"
             "  --commit N    bulk runs commit every N documents (default %u)\n"
             "  --no-sequential  skip the sequential run and the top 10 check\n"
             "  --bulk-only   only the bulk build with --jobs workers\n",
          TRACUU_SHARED_DIR, BULK_COMMIT_DOCS);
}

/* Returns 0 to run, 1 to exit successfully (--help), -1 on a usage error. */
static int parse_args(int argc, char **argv, options *o) {
  *o = (options){.shared = TRACUU_SHARED_DIR};
  for (int i = 1; i < argc; i++) {
    const char **slot = strcmp(argv[i], "--shared") == 0 ? &o->shared
                        : strcmp(argv[i], "--out") == 0    ? &o->out
                        : strcmp(argv[i], "--limit") == 0  ? &o->limit
                        : strcmp(argv[i], "--export") == 0 ? &o->export_to
                                                           : NULL;
    if (slot && i + 1 < argc) {
      *slot = argv[++i];
    } else if (strcmp(argv[i], "--jobs") == 0 && i + 1 < argc) {
      o->jobs = (unsigned)strtoul(argv[++i], NULL, 10);
      if (o->jobs == 0 || o->jobs > BULK_JOBS_MAX) {
        fprintf(stderr, "bench_index: --jobs wants 1 .. %d\n", BULK_JOBS_MAX);
        return -1;
      }
    } else if (strcmp(argv[i], "--flush") == 0 && i + 1 < argc) {
      char *end;
      unsigned long long v = strtoull(argv[++i], &end, 10);
      if (*end == 'k') v *= 1024, end++;
      else if (*end == 'm') v *= 1024 * 1024, end++;
      if (*end || v < BULK_FLUSH_MIN) {
        fprintf(stderr, "bench_index: --flush wants a size of at least 64k (e.g. 16m)\n");
        return -1;
      }
      o->flush = (size_t)v;
    } else if (strcmp(argv[i], "--commit") == 0 && i + 1 < argc) {
      o->commit = (unsigned)strtoul(argv[++i], NULL, 10);
      if (o->commit == 0) {
        fprintf(stderr, "bench_index: --commit wants a positive number of documents\n");
        return -1;
      }
    } else if (strcmp(argv[i], "--bulk-only") == 0) {
      o->bulk_only = 1;
    } else if (strcmp(argv[i], "--no-sequential") == 0) {
      o->no_sequential = 1;
    } else if (strcmp(argv[i], "--count") == 0) {
      o->count_only = 1;
    } else if (strcmp(argv[i], "--help") == 0) {
      usage(stdout);
      return 1;
    } else {
      fprintf(stderr, "bench_index: bad argument \"%s\"\n", argv[i]);
      usage(stderr);
      return -1;
    }
  }
  return 0;
}

/* ------------------------------------------------------------------ */
/* Files: disk usage and removal, by one post-order walk                */
/* ------------------------------------------------------------------ */

/* Not nftw: it has no context pointer, so its callbacks would need a global. */
typedef int (*visit_fn)(const char *path, const struct stat *st, void *ctx);

/* Visits path and everything under it, children before their directory.
 * A missing path is not an error (nothing to visit). */
static int walk(const char *path, visit_fn fn, void *ctx) {
  struct stat st;
  if (lstat(path, &st) != 0) return errno == ENOENT ? 0 : -1;
  if (S_ISDIR(st.st_mode)) {
    DIR *d = opendir(path);
    if (!d) return -1;
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d)) != NULL) {
      if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
      char child[4096];
      int n = snprintf(child, sizeof child, "%s/%s", path, e->d_name);
      rc = n < 0 || (size_t)n >= sizeof child ? -1 : walk(child, fn, ctx);
    }
    closedir(d);
    if (rc != 0) return rc;
  }
  return fn(path, &st, ctx);
}

static int add_usage(const char *path, const struct stat *st, void *ctx) {
  (void)path;
  *(uint64_t *)ctx += (uint64_t)st->st_blocks * 512; /* st_blocks is in 512-byte units */
  return 0;
}

static int remove_one(const char *path, const struct stat *st, void *ctx) {
  (void)st;
  (void)ctx;
  return remove(path);
}

static uint64_t disk_usage(const char *path) {
  uint64_t bytes = 0;
  walk(path, add_usage, &bytes);
  return bytes;
}

/* ------------------------------------------------------------------ */
/* The data                                                             */
/* ------------------------------------------------------------------ */

static int load(const char *what, int rc, const char *err) {
  if (rc != 0) fprintf(stderr, "bench_index: cannot load %s: %s\n", what, err);
  return rc;
}

/* --count: every data set the benchmarks use, loaded and counted. */
static int print_counts(const char *shared) {
  static const struct {
    const char *name;
    corpus_alqac_year year;
  } alqac[] = {{"alqac 2022", CORPUS_ALQAC_2022}, {"alqac 2023", CORPUS_ALQAC_2023}};
  char err[512];
  corpus_docs docs;
  corpus_docs_init(&docs);
  int rc = load("phapdien", corpus_load_phapdien(shared, &docs, err, sizeof err), err);
  if (rc == 0) printf("phapdien    %zu records\n", docs.count);
  corpus_docs_free(&docs);
  if (rc == 0) rc = load("congbao", corpus_load_congbao(shared, &docs, err, sizeof err), err);
  if (rc == 0) printf("congbao     %zu records\n", docs.count);
  corpus_docs_free(&docs);
  for (size_t i = 0; rc == 0 && i < sizeof alqac / sizeof alqac[0]; i++) {
    corpus_questions qs;
    corpus_questions_init(&qs);
    rc = load(alqac[i].name, corpus_load_alqac_articles(shared, alqac[i].year, &docs, err,
                                                        sizeof err), err);
    if (rc == 0)
      rc = load(alqac[i].name, corpus_load_alqac_questions(shared, alqac[i].year, &qs, err,
                                                           sizeof err), err);
    if (rc == 0) printf("%s  %zu articles, %zu questions\n", alqac[i].name, docs.count, qs.count);
    corpus_docs_free(&docs);
    corpus_questions_free(&qs);
  }
  return rc;
}

static uint64_t input_bytes(const corpus_docs *docs) {
  uint64_t n = 0;
  for (size_t i = 0; i < docs->count; i++) {
    const record *r = &docs->docs[i].rec;
    n += (r->title ? strlen(r->title) : 0) + (r->body ? strlen(r->body) : 0);
  }
  return n;
}

/* ------------------------------------------------------------------ */
/* The runs                                                             */
/* ------------------------------------------------------------------ */

static double peak_rss_mib(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)ru.ru_maxrss / 1024.0; /* Linux: KiB */
}

static int bench_tracuu(const char *dir, const corpus_docs *docs, result *res) {
  char *errmsg = NULL;
  indexer *ix;
  result_start(res);
  engine_status st = indexer_open(dir, &ix, &errmsg);
  if (st != ENGINE_OK) {
    fprintf(stderr, "bench_index: %s: %s\n", dir, errmsg ? errmsg : engine_strerror(st));
    free(errmsg);
    return -1;
  }
  size_t i;
  for (i = 0; st == ENGINE_OK && i < docs->count; i++) st = indexer_add(ix, &docs->docs[i].rec);
  if (st != ENGINE_OK)
    fprintf(stderr, "bench_index: tracuu: record %s: %s\n", docs->docs[i - 1].rec.id,
            indexer_errmsg(ix));
  engine_status cst = indexer_close(ix);
  result_stop(res);
  if (st == ENGINE_OK && cst != ENGINE_OK)
    fprintf(stderr, "bench_index: tracuu: closing: %s\n", engine_strerror(cst));
  res->disk_bytes = disk_usage(dir);
  res->ran = 1;
  res->peak_rss_mib = peak_rss_mib();
  return st == ENGINE_OK && cst == ENGINE_OK ? 0 : -1;
}

/* A bulk build of every record with `jobs` workers (what `tracuu index`
 * runs for a new index). */
static int bench_bulk(const char *dir, const corpus_docs *docs, unsigned jobs, size_t flush,
                      unsigned commit, result *res) {
  bulk_opts bo = {.jobs = jobs, .flush_bytes = flush, .commit_docs = commit};
  bulk *b = NULL;
  char *msg = NULL;
  result_start(res);
  double main0 = clock_seconds(CLOCK_THREAD_CPUTIME_ID);
  engine_status st = bulk_open(dir, &bo, &b, &msg);
  for (size_t i = 0; st == ENGINE_OK && i < docs->count; i++) st = bulk_add(b, &docs->docs[i].rec);
  res->main_cpu = clock_seconds(CLOCK_THREAD_CPUTIME_ID) - main0;
  if (st != ENGINE_OK && b) {
    fprintf(stderr, "bench_index: bulk: %s\n", bulk_errmsg(b));
    bulk_abort(b);
  } else if (st == ENGINE_OK) {
    st = bulk_finish(b, &res->bulk, &msg);
  }
  result_stop(res);
  res->main_cpu = res->cpu_seconds - res->bulk.worker_cpu_seconds;
  if (st != ENGINE_OK) {
    fprintf(stderr, "bench_index: bulk build of %s: %s\n", dir, msg ? msg : engine_strerror(st));
    free(msg);
    return -1;
  }
  res->disk_bytes = disk_usage(dir);
  res->ran = 1;
  res->peak_rss_mib = peak_rss_mib();
  return 0;
}

/* The documents alone: our share of the indexing time. */
static int bench_build(const corpus_docs *docs, result *res) {
  engine_status st = ENGINE_OK;
  result_start(res);
  for (size_t i = 0; st == ENGINE_OK && i < docs->count; i++) {
    engine_doc *doc;
    st = indexer_build_document(&docs->docs[i].rec, &doc);
    if (st != ENGINE_OK)
      fprintf(stderr, "bench_index: building %s: %s\n", docs->docs[i].rec.id,
              engine_strerror(st));
    else
      engine_doc_free(doc);
  }
  result_stop(res);
  res->disk_bytes = 0;
  res->ran = 1;
  return st == ENGINE_OK ? 0 : -1;
}

/* Plain Xapian (TermGenerator), built by the searchers' own code. */
static int bench_xapian(const char *dir, const corpus_docs *docs, result *res) {
  char err[512];
  int built;
  result_start(res);
  int rc = searcher_build(SEARCHER_XAPIAN, dir, docs, 0, &built, err, sizeof err);
  result_stop(res);
  if (rc != 0) fprintf(stderr, "bench_index: plain Xapian: %s\n", err);
  res->disk_bytes = disk_usage(dir);
  res->ran = rc == 0;
  return rc;
}

static int sql_ok(sqlite3 *db, int rc, const char *what) {
  if (rc == SQLITE_OK || rc == SQLITE_DONE) return 0;
  fprintf(stderr, "bench_index: FTS5: %s: %s\n", what, sqlite3_errmsg(db));
  return -1;
}

/* Binds one record and steps the prepared insert. SQLITE_STATIC: the
 * records outlive the statement's use of them. */
static int fts5_insert(sqlite3 *db, sqlite3_stmt *ins, const record *r) {
  sqlite3_bind_text(ins, 1, r->title, -1, SQLITE_STATIC);
  sqlite3_bind_text(ins, 2, r->body, -1, SQLITE_STATIC);
  int rc = sql_ok(db, sqlite3_step(ins), "insert");
  sqlite3_reset(ins);
  return rc;
}

static int fts5_rows(sqlite3 *db, const corpus_docs *docs) {
  sqlite3_stmt *ins = NULL;
  int rc = sql_ok(db, sqlite3_exec(db,
                                   "CREATE VIRTUAL TABLE t USING fts5(title, body, "
                                   "tokenize='unicode61 remove_diacritics 2');"
                                   "BEGIN",
                                   NULL, NULL, NULL),
                  "create");
  if (rc == 0)
    rc = sql_ok(db, sqlite3_prepare_v2(db, "INSERT INTO t(title, body) VALUES (?, ?)", -1, &ins,
                                       NULL),
                "prepare");
  for (size_t i = 0; rc == 0 && i < docs->count; i++) rc = fts5_insert(db, ins, &docs->docs[i].rec);
  sqlite3_finalize(ins);
  if (rc == 0) rc = sql_ok(db, sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), "commit");
  return rc;
}

static int bench_fts5(const char *file, const corpus_docs *docs, result *res) {
  sqlite3 *db = NULL;
  result_start(res);
  int rc = sql_ok(db, sqlite3_open_v2(file, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL),
                  file);
  if (rc == 0) rc = fts5_rows(db, docs);
  if (sqlite3_close(db) != SQLITE_OK && rc == 0) {
    fprintf(stderr, "bench_index: FTS5: cannot close %s\n", file);
    rc = -1;
  }
  result_stop(res);
  res->disk_bytes = disk_usage(file);
  res->ran = rc == 0;
  return rc;
}

/* ------------------------------------------------------------------ */
/* The same top 10 from the sequential and the bulk index               */
/* ------------------------------------------------------------------ */

typedef struct {
  char **items;
  size_t n, cap;
} strings;

static int strings_add(strings *s, const char *p, size_t len) {
  for (size_t i = 0; i < s->n; i++)
    if (strlen(s->items[i]) == len && memcmp(s->items[i], p, len) == 0) return 0; /* distinct */
  if (s->n == s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 64;
    char **items = realloc(s->items, cap * sizeof *items);
    if (!items) return -1;
    s->items = items;
    s->cap = cap;
  }
  if (!(s->items[s->n] = strndup(p, len))) return -1;
  s->n++;
  return 0;
}

static void strings_free(strings *s) {
  for (size_t i = 0; i < s->n; i++) free(s->items[i]);
  free(s->items);
}

#define SAME_NUMBERS 500

static int add_ref(void *ctx, const text_ref *ref) {
  strings *s = ctx;
  return s->n >= SAME_NUMBERS || strings_add(s, ref->canonical, strlen(ref->canonical)) != 0;
}

/* The first 500 distinct legal numbers of phapdien's citations (corpus.h
 * puts the vbqppl column after the last blank line of the body). */
static void number_queries(const corpus_docs *docs, size_t n_phapdien, strings *out) {
  for (size_t i = 0; i < n_phapdien && i < docs->count && out->n < SAME_NUMBERS; i++) {
    const char *body = docs->docs[i].rec.body, *cite = NULL;
    for (const char *p = body ? strstr(body, "\n\n") : NULL; p; p = strstr(p + 1, "\n\n")) cite = p + 2;
    if (cite) text_find_refs(cite, strlen(cite), add_ref, out);
  }
}

/* Runs q on both; counts it as the same when the ids, their order and the
 * scores (within 1e-9) agree. */
static int same_top10(engine_db *a, engine_db *b, const char *q, double *max_diff) {
  query_request req;
  query_request_init(&req);
  req.text = q;
  req.limit = 10;
  query_result *ra = NULL, *rb = NULL;
  char err[512];
  engine_status sa = query_run(a, &req, &ra, err, sizeof err);
  engine_status sb = query_run(b, &req, &rb, err, sizeof err);
  int same = sa == sb && (!ra) == (!rb);
  if (same && ra) {
    same = ra->n_hits == rb->n_hits;
    for (size_t i = 0; same && i < ra->n_hits; i++) {
      double d = ra->hits[i].score - rb->hits[i].score;
      if (d < 0) d = -d;
      if (d > *max_diff) *max_diff = d;
      same = strcmp(ra->hits[i].rec.id, rb->hits[i].rec.id) == 0 && d <= 1e-9;
    }
  }
  query_result_free(ra);
  query_result_free(rb);
  return same;
}

static int check_same(const char *shared, const corpus_docs *docs, size_t n_phapdien,
                      const char *seq, const char *bulk_dir) {
  char err[512];
  corpus_questions qs;
  corpus_questions_init(&qs);
  if (corpus_load_alqac_questions(shared, CORPUS_ALQAC_2022, &qs, err, sizeof err) != 0) {
    fprintf(stderr, "bench_index: %s\n", err);
    return -1;
  }
  strings nums = {0};
  number_queries(docs, n_phapdien, &nums);
  engine_db *a = NULL, *b = NULL;
  const char *na[1] = {seq}, *nb[1] = {bulk_dir};
  int rc = engine_db_open(na, 1, 0, &a, NULL) == ENGINE_OK && engine_db_open(nb, 1, 0, &b, NULL) == ENGINE_OK ? 0 : -1;
  size_t same_q = 0, same_n = 0;
  double diff = 0;
  for (size_t i = 0; rc == 0 && i < qs.count; i++) same_q += (size_t)same_top10(a, b, qs.items[i].text, &diff);
  for (size_t i = 0; rc == 0 && i < nums.n; i++) same_n += (size_t)same_top10(a, b, nums.items[i], &diff);
  if (rc == 0)
    printf("\nsame top 10 (ids, order, scores within 1e-9), sequential vs bulk: %zu of %zu ALQAC 2022 "
           "questions, %zu of %zu legal numbers; largest score difference %.3g\n",
           same_q, qs.count, same_n, nums.n, diff);
  else
    fprintf(stderr, "bench_index: cannot open the indexes to compare\n");
  engine_db_close(a);
  engine_db_close(b);
  strings_free(&nums);
  corpus_questions_free(&qs);
  return rc == 0 && same_q == qs.count && same_n == nums.n ? 0 : -1;
}

/* ------------------------------------------------------------------ */
/* The report                                                           */
/* ------------------------------------------------------------------ */

/* Other processes on the machine skew every figure: say how busy it was. */
static void print_load(const char *when) {
  FILE *f = fopen("/proc/loadavg", "r");
  double l1, l5, l15;
  if (f && fscanf(f, "%lf %lf %lf", &l1, &l5, &l15) == 3)
    printf("load average %s: %.2f %.2f %.2f on %ld cores\n", when, l1, l5, l15,
           sysconf(_SC_NPROCESSORS_ONLN));
  if (f) fclose(f);
}

static void print_row(const char *name, const result *r, size_t ndocs, uint64_t bytes) {
  if (!r->ran) return;
  printf("%-28s %8.2f %8.2f %9.0f %9.0f %7.1f", name, r->seconds, r->cpu_seconds,
         (double)ndocs / r->seconds, (double)ndocs / r->cpu_seconds,
         (double)bytes / 1e6 / r->seconds);
  if (r->disk_bytes)
    printf(" %9.1f\n", (double)r->disk_bytes / 1e6);
  else
    printf(" %9s\n", "-");
}

static void print_bulk(const char *name, const result *r) {
  if (!r->ran) return;
  const bulk_stats *b = &r->bulk;
  printf("  %-24s %u jobs: CPU caller %.2f s, workers %.2f s; build %.2f s wall, merge %.2f s, "
         "publish %.2f s; %llu runs, %.1f MB before the merge, %.1f MB after; peak RSS %.0f MiB\n",
         name, b->jobs, r->main_cpu, b->worker_cpu_seconds, b->build_seconds, b->merge_seconds,
         b->publish_seconds, (unsigned long long)b->runs, (double)b->runs_bytes / 1e6,
         (double)b->index_bytes / 1e6, r->peak_rss_mib);
}

typedef struct {
  result bulk_n, bulk_1, seq, build, xapian, fts;
} results;

static void print_report(const corpus_docs *docs, size_t n_phapdien, const results *x, unsigned jobs) {
  uint64_t bytes = input_bytes(docs);
  char name[64];
  printf("\n%zu records (phapdien %zu, congbao %zu), %.1f MB of title+body (MB = 10^6 bytes)\n\n",
         docs->count, n_phapdien, docs->count - n_phapdien, (double)bytes / 1e6);
  printf("%-28s %8s %8s %9s %9s %7s %9s\n", "", "seconds", "cpu s", "docs/s", "docs/cpu-s", "MB/s",
         "disk MB");
  snprintf(name, sizeof name, "tracuu bulk, %u jobs", jobs);
  print_row(name, &x->bulk_n, docs->count, bytes);
  print_row("tracuu bulk, 1 job", &x->bulk_1, docs->count, bytes);
  print_row("tracuu sequential", &x->seq, docs->count, bytes);
  print_row("  build documents only", &x->build, docs->count, bytes);
  print_row("plain Xapian (TermGenerator)", &x->xapian, docs->count, bytes);
  print_row("SQLite FTS5", &x->fts, docs->count, bytes);
  printf("\n");
  print_bulk(name, &x->bulk_n);
  print_bulk("tracuu bulk, 1 job", &x->bulk_1);
  const result *best = &x->bulk_n;
  printf("\n%u jobs / 1 job: docs/s %.2fx (CPU %.2fx)\n", jobs, x->bulk_1.seconds / best->seconds,
         best->cpu_seconds / x->bulk_1.cpu_seconds);
  if (x->seq.ran)
    printf("bulk %u jobs / sequential: docs/s %.2fx, CPU %.2fx\n", jobs, x->seq.seconds / best->seconds,
           best->cpu_seconds / x->seq.cpu_seconds);
  printf("tracuu bulk %u jobs / FTS5: docs/s %.2fx (by CPU time %.2fx), index size %.2fx\n", jobs,
         x->fts.seconds / best->seconds, x->fts.cpu_seconds / best->cpu_seconds,
         (double)best->disk_bytes / (double)x->fts.disk_bytes);
  printf("tracuu bulk %u jobs / plain Xapian: docs/s %.2fx (by CPU time %.2fx), index size %.2fx\n",
         jobs, x->xapian.seconds / best->seconds, x->xapian.cpu_seconds / best->cpu_seconds,
         (double)best->disk_bytes / (double)x->xapian.disk_bytes);
  printf("building documents is %.0f%% of the bulk build's CPU time (the rest: Xapian's writer in "
         "the workers, the merge, reading the records)\n",
         100.0 * x->build.cpu_seconds / best->cpu_seconds);
  printf("goals: >= 2200 docs/s wall (%s), index <= 1.6x FTS5 (%s)\n",
         (double)docs->count / best->seconds >= 2200 ? "met" : "NOT met",
         (double)best->disk_bytes <= 1.6 * (double)x->fts.disk_bytes ? "met" : "NOT met");
}

/* ------------------------------------------------------------------ */

/* Where the indexes go. The sizes leave room for the file names. */
typedef struct {
  char dir[1024];
  char bulk_n[1100], bulk_1[1100]; /* dir/bulk-N, dir/bulk-1 */
  char index[1100];                /* dir/tracuu-index (sequential) */
  char xapian[1100];               /* dir/xapian */
  char db[1100];                   /* dir/fts5.db */
} out_paths;

/* --out DIR (created if needed, earlier indexes removed), or a new
 * temporary directory. */
static int prepare_out(const options *o, out_paths *p) {
  const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
  int n = o->out ? snprintf(p->dir, sizeof p->dir, "%s", o->out)
                 : snprintf(p->dir, sizeof p->dir, "%s/tracuu-bench-XXXXXX", tmp);
  if (n < 0 || (size_t)n >= sizeof p->dir) {
    fprintf(stderr, "bench_index: output directory name too long\n");
    return -1;
  }
  if (o->out ? mkdir(p->dir, 0777) != 0 && errno != EEXIST : !mkdtemp(p->dir)) {
    fprintf(stderr, "bench_index: %s: %s\n", p->dir, strerror(errno));
    return -1;
  }
  snprintf(p->bulk_n, sizeof p->bulk_n, "%s/bulk-n", p->dir);
  snprintf(p->bulk_1, sizeof p->bulk_1, "%s/bulk-1", p->dir);
  snprintf(p->index, sizeof p->index, "%s/tracuu-index", p->dir);
  snprintf(p->xapian, sizeof p->xapian, "%s/xapian", p->dir);
  snprintf(p->db, sizeof p->db, "%s/fts5.db", p->dir);
  const char *all[] = {p->bulk_n, p->bulk_1, p->index, p->xapian, p->db};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
    if (walk(all[i], remove_one, NULL) != 0) {
      fprintf(stderr, "bench_index: cannot remove the earlier indexes in %s\n", p->dir);
      return -1;
    }
  return 0;
}

static void say(const char *what, const char *where) {
  printf("%s into %s ...\n", what, where);
  fflush(stdout);
}

static int run(const options *o, const corpus_docs *docs, size_t n_phapdien) {
  out_paths p;
  if (prepare_out(o, &p) != 0) return -1;
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  unsigned jobs = o->jobs ? o->jobs : cores > 2 ? (unsigned)cores : 2;
  results x;
  memset(&x, 0, sizeof x);
  print_load("at the start");
  char what[64];
  snprintf(what, sizeof what, "tracuu bulk build, %u jobs", jobs);
  say(what, p.bulk_n);
  int rc = bench_bulk(p.bulk_n, docs, jobs, o->flush, o->commit, &x.bulk_n);
  if (rc == 0 && o->bulk_only) {
    uint64_t bytes = input_bytes(docs);
    printf("\n%-28s %8s %8s %9s %9s %7s %9s\n", "", "seconds", "cpu s", "docs/s", "docs/cpu-s",
           "MB/s", "disk MB");
    print_row(what, &x.bulk_n, docs->count, bytes);
    print_bulk(what, &x.bulk_n);
    print_load("at the end");
    if (!o->out) walk(p.dir, remove_one, NULL);
    return 0;
  }
  if (rc == 0) say("tracuu bulk build, 1 job", p.bulk_1);
  if (rc == 0) rc = bench_bulk(p.bulk_1, docs, 1, o->flush, o->commit, &x.bulk_1);
  if (rc == 0 && !o->no_sequential) say("tracuu sequential (indexer_add)", p.index);
  if (rc == 0 && !o->no_sequential) rc = bench_tracuu(p.index, docs, &x.seq);
  if (rc == 0) rc = bench_build(docs, &x.build);
  if (rc == 0) say("plain Xapian", p.xapian);
  if (rc == 0) rc = bench_xapian(p.xapian, docs, &x.xapian);
  if (rc == 0) say("SQLite FTS5", p.db);
  if (rc == 0) rc = bench_fts5(p.db, docs, &x.fts);
  if (rc == 0) print_report(docs, n_phapdien, &x, jobs);
  print_load("at the end");
  if (rc == 0 && !o->no_sequential) rc = check_same(o->shared, docs, n_phapdien, p.index, p.bulk_n);
  if (!o->out) walk(p.dir, remove_one, NULL);
  return rc;
}

/* --export FILE: the records as JSON Lines. */
static int export_jsonl(const char *path, const corpus_docs *docs) {
  FILE *f = fopen(path, "w");
  if (!f) {
    fprintf(stderr, "bench_index: %s: %s\n", path, strerror(errno));
    return -1;
  }
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < docs->count; i++) {
    char *json = record_to_json(&docs->docs[i].rec);
    rc = json && fprintf(f, "%s\n", json) > 0 ? 0 : -1;
    free(json);
  }
  if (fclose(f) != 0) rc = -1;
  if (rc != 0) fprintf(stderr, "bench_index: cannot write %s\n", path);
  return rc;
}

/* --limit N: keeps the first N records (the rest are freed). */
static int apply_limit(const char *arg, corpus_docs *docs, size_t *n_phapdien) {
  char *end;
  errno = 0;
  unsigned long long n = strtoull(arg, &end, 10);
  if (errno || end == arg || *end || arg[0] == '-' || n == 0) {
    fprintf(stderr, "bench_index: --limit wants a positive number, not \"%s\"\n", arg);
    return -1;
  }
  while (docs->count > n) {
    corpus_doc *d = &docs->docs[--docs->count];
    record_clear(&d->rec); /* phapdien and congbao records have no ALQAC pair */
  }
  if (*n_phapdien > docs->count) *n_phapdien = docs->count;
  return 0;
}

int main(int argc, char **argv) {
  options o;
  int rc = parse_args(argc, argv, &o);
  if (rc != 0) return rc > 0 ? 0 : 2;
  if (o.count_only) return print_counts(o.shared) == 0 ? 0 : 1;

  char err[512];
  corpus_docs docs;
  corpus_docs_init(&docs);
  double t0 = now();
  rc = load("phapdien", corpus_load_phapdien(o.shared, &docs, err, sizeof err), err);
  size_t n_phapdien = docs.count;
  if (rc == 0) rc = load("congbao", corpus_load_congbao(o.shared, &docs, err, sizeof err), err);
  if (rc == 0)
    printf("loaded %zu records from %s in %.2f s (not counted)\n", docs.count, o.shared,
           now() - t0);
  if (rc == 0 && o.limit) rc = apply_limit(o.limit, &docs, &n_phapdien);
  if (rc == 0 && o.export_to) rc = export_jsonl(o.export_to, &docs);
  else if (rc == 0) rc = run(&o, &docs, n_phapdien);
  corpus_docs_free(&docs);
  return rc == 0 ? 0 : 1;
}
