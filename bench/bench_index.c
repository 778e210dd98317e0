/* bench_index: how fast tracuu indexes real documents, against SQLite FTS5.
 *
 *   bench_index [--shared DIR] [--out DIR] [--limit N] [--count] [--export FILE]
 *
 * Loads the phapdien articles and the congbao documents into memory first
 * (not timed), then, in one process and on the same records:
 *   1. tracuu: indexer_open on a fresh directory, indexer_add of every record,
 *      indexer_close (which commits);
 *   2. the documents alone: indexer_build_document + engine_doc_free over all
 *      records, so we know how much of (1) is ours and how much is Xapian's;
 *   3. SQLite FTS5 (unicode61 remove_diacritics 2, the anchor we must beat):
 *      all rows inserted in one transaction through one prepared statement.
 * Throughput counts the bytes of title + body (MB = 10^6 bytes); sizes are
 * disk usage, as du reports it.
 *
 * --out DIR keeps the two indexes (DIR/tracuu-index, DIR/fts5.db; earlier
 * ones there are removed first); without it they go to a temporary directory
 * that is removed at the end. --limit N indexes only the first N records (a
 * quick run, e.g. under the sanitizers). --count only loads every data set
 * (ALQAC too) and prints the counts. --export FILE writes the records
 * (after --limit) as the JSON Lines `tracuu index` reads, and indexes
 * nothing: the same records through the command line.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench/corpus.h"
#include "indexer/indexer.h"

#ifndef TRACUU_SHARED_DIR
#define TRACUU_SHARED_DIR "../shared"
#endif

typedef struct {
  const char *shared;
  const char *out;   /* NULL: a temporary directory */
  const char *limit; /* NULL: every record */
  const char *export_to; /* --export FILE */
  int count_only;
} options;

/* What one engine did with the records. */
typedef struct {
  double seconds;      /* wall clock */
  double cpu_seconds;  /* this process's CPU: the gap to seconds is waiting (fsync) */
  uint64_t disk_bytes; /* 0 when not measured */
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
             "  --shared DIR  the shared data folder (default %s)\n"
             "  --out DIR     keep the indexes in DIR (default: a temporary directory)\n"
             "  --limit N     index only the first N records\n"
             "  --count       only load every data set and print the counts\n"
             "  --export FILE write the records as JSON Lines into FILE, index nothing\n",
          TRACUU_SHARED_DIR);
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
  return st == ENGINE_OK && cst == ENGINE_OK ? 0 : -1;
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
  return st == ENGINE_OK ? 0 : -1;
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
  return rc;
}

/* ------------------------------------------------------------------ */
/* The report                                                           */
/* ------------------------------------------------------------------ */

/* Other processes on the machine skew every figure: say how busy it was. */
static void print_load(void) {
  FILE *f = fopen("/proc/loadavg", "r");
  double load;
  if (f && fscanf(f, "%lf", &load) == 1)
    printf("load average (1 min) %.2f on %ld cores\n", load, sysconf(_SC_NPROCESSORS_ONLN));
  if (f) fclose(f);
}

static void print_row(const char *name, const result *r, size_t ndocs, uint64_t bytes) {
  printf("%-26s %9.2f %9.2f %10.0f %9.1f", name, r->seconds, r->cpu_seconds,
         (double)ndocs / r->seconds, (double)bytes / 1e6 / r->seconds);
  if (r->disk_bytes)
    printf(" %10.1f\n", (double)r->disk_bytes / 1e6);
  else
    printf(" %10s\n", "-");
}

static void print_report(const corpus_docs *docs, size_t n_phapdien, const result *tr,
                         const result *build, const result *fts) {
  uint64_t bytes = input_bytes(docs);
  printf("\n%zu records (phapdien %zu, congbao %zu), %.1f MB of title+body (MB = 10^6 bytes)\n\n",
         docs->count, n_phapdien, docs->count - n_phapdien, (double)bytes / 1e6);
  printf("%-26s %9s %9s %10s %9s %10s\n", "", "seconds", "cpu s", "docs/s", "MB/s", "disk MB");
  print_row("tracuu (indexer_add)", tr, docs->count, bytes);
  print_row("  build documents only", build, docs->count, bytes);
  print_row("SQLite FTS5", fts, docs->count, bytes);
  printf("\ntracuu / FTS5: docs/s %.2fx (by CPU time %.2fx), index size %.2fx\n",
         fts->seconds / tr->seconds, fts->cpu_seconds / tr->cpu_seconds,
         (double)tr->disk_bytes / (double)fts->disk_bytes);
  printf("building documents is %.0f%% of tracuu's indexing time, %.0f%% of its CPU time\n"
         "(the rest is Xapian's writer: replace_document, commits)\n",
         100.0 * build->seconds / tr->seconds, 100.0 * build->cpu_seconds / tr->cpu_seconds);
}

/* ------------------------------------------------------------------ */

/* Where the two indexes go. The sizes leave room for the file names. */
typedef struct {
  char dir[1024];
  char index[1100]; /* dir/tracuu-index */
  char db[1100];    /* dir/fts5.db */
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
  snprintf(p->index, sizeof p->index, "%s/tracuu-index", p->dir);
  snprintf(p->db, sizeof p->db, "%s/fts5.db", p->dir);
  if (walk(p->index, remove_one, NULL) != 0 || walk(p->db, remove_one, NULL) != 0) {
    fprintf(stderr, "bench_index: cannot remove the earlier indexes in %s\n", p->dir);
    return -1;
  }
  return 0;
}

static int run(const options *o, const corpus_docs *docs, size_t n_phapdien) {
  out_paths p;
  if (prepare_out(o, &p) != 0) return -1;
  result tr = {0}, build = {0}, fts = {0};
  printf("indexing %zu records with tracuu into %s ...\n", docs->count, p.index);
  fflush(stdout);
  int rc = bench_tracuu(p.index, docs, &tr);
  if (rc == 0) rc = bench_build(docs, &build);
  if (rc == 0) {
    printf("indexing them with SQLite FTS5 into %s ...\n", p.db);
    fflush(stdout);
    rc = bench_fts5(p.db, docs, &fts);
  }
  if (rc == 0) print_report(docs, n_phapdien, &tr, &build, &fts);
  if (rc == 0) print_load();
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
