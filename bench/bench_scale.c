/* bench_scale: tracuu at a million documents, on one shard, four shards,
 * and four shards behind xapian-tcpsrv.
 *
 *   bench_scale [--shared DIR] [--docs N] [--shards K] [--step N] [--out DIR]
 *               [--skip-remote] [--queries N]
 *
 * 1. Corpus. Loads phapdien (27,121 articles) and congbao (414 documents)
 *    and makes N documents (default 1,000,000) by recombining them: document
 *    i takes the title of article a(i) and the bodies of articles b(i) and
 *    c(i) (each at most BODY_PIECE bytes, cut at a space: congbao's 100 KB
 *    gazettes would otherwise be most of the text), a date in 2000-01-01 ..
 *    2026-12-31, a legal number "n/year/KIND" with its type and issuer. a, b,
 *    c and the rest come from splitmix64 seeded with i alone, so document i
 *    is the same on every run and in any order. The documents are made one
 *    at a time into reused buffers: the corpus never sits in memory.
 * 2. Indexing into K shards (default 4; indexer/shard.h places each id) as
 *    a bulk build (indexer/bulk.h, what `tracuu index --shards K` runs for
 *    a new index: --jobs workers, batches of --flush-mb), or record by
 *    record through shard_set with --sequential (what incremental indexing
 *    runs). Every STEP documents (default 100,000) a line: the documents/s
 *    of that step and overall (wall, and per CPU-second of every thread),
 *    the resident memory now and at its peak (getrusage), so one sees
 *    whether speed stays flat and memory bounded as the index grows. (A
 *    bulk build's first steps look fast: records wait in the batches handed
 *    to the workers; the "indexed" line after the merge is the true rate.)
 *    The bulk build then says its runs, merge time and the disk used before
 *    and after the merge. With --resume (and --out DIR) each STEP documents
 *    are a bulk build of their own, kept in DIR/chunks once whole: a run
 *    killed at any point loses at most the chunk in progress, and the same
 *    command run again goes on at the first chunk missing; at the end the
 *    chunks are merged shard by shard (the line says the disk used before
 *    and after). Each chunk's line says its docs/s, RSS and the load.
 * 3. Size on disk per document.
 * 4. The shards merged into one (DIR/c1) with engine_compact (timed); with
 *    --sequential, first each shard compacted alone (DIR/c4/shard-K and a
 *    stub; a bulk build's shards are compacted already and serve as c4).
 * 5. Queries, top 10 through query_run (tracuu's whole path: parsing, the
 *    search with the blend re-ranking, records and snippets of the hits):
 *      questions  the ALQAC 2022 questions as written (~20 words each);
 *      numbers    the legal numbers of Q generated documents;
 *    (--queries Q, default 520: at most Q of each set)
 *    against c1 (one shard), c4 (four local shards, one Database) and c4
 *    served by four xapian-tcpsrv on 127.0.0.1 (started here with setsid,
 *    stopped at the end). Each set runs once untimed (warm caches), then
 *    timed: p50, p99 (nearest rank) and mean in milliseconds. The untimed
 *    run keeps each query's top 10: the three configurations must give the
 *    same ids in the same order (global statistics over the shards), and
 *    the last lines count the queries where they do.
 *
 * Indexes go to --out DIR (kept), or to a temporary directory removed at
 * the end. Everything runs in this one process, single-threaded: the
 * machine has 2 cores and xapian-tcpsrv gets the second one.
 */
#define _XOPEN_SOURCE 700 /* nftw */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench/corpus.h"
#include "bench/stats.h"
#include "common/dynbuf.h"
#include "indexer/bulk.h"
#include "indexer/shard.h"
#include "query/query.h"

#ifndef TRACUU_SHARED_DIR
#define TRACUU_SHARED_DIR "../shared"
#endif

#define BODY_PIECE 2000      /* bytes of one source body in a generated document */
#define DEFAULT_DOCS 1000000u
#define DEFAULT_STEP 100000u
#define DEFAULT_QUERIES 520u
#define MAX_SHARDS 16
#define REMOTE_TIMEOUT_MS 10000
#define TOP_K 10

typedef struct {
  const char *shared;
  const char *out;
  unsigned docs, shards, step, queries;
  unsigned jobs;      /* bulk workers; 0 = cores */
  size_t flush;       /* bulk batch bytes; 0 = the default */
  int sequential;     /* --sequential: shard_set, record by record (tracuu 0.1's way) */
  int resume;         /* --resume: a bulk build per step, kept; a new run goes on from them */
  int skip_remote;
} options;

/* ------------------------------------------------------------------ */
/* Arguments                                                            */
/* ------------------------------------------------------------------ */

static void usage(FILE *f) {
  fprintf(f,
          "usage: bench_scale [--shared DIR] [--docs N] [--shards K] [--step N] [--out DIR]\n"
          "                   [--skip-remote] [--queries N] [--jobs N] [--flush-mb N] [--sequential]\n"
          "                   [--resume]\n"
          "  --docs N       documents to make and index (default %u; 100000 for a quick run)\n"
          "  --shards K     shards to index into (default 4, at most %d)\n"
          "  --step N       print indexing speed and memory every N documents (default %u,\n"
          "                 or N/10 for fewer than 1,000,000 documents)\n"
          "  --out DIR      keep the indexes in DIR (default: a temporary directory)\n"
          "  --skip-remote  no xapian-tcpsrv run\n"
          "  --queries N    at most N queries of each set (default %u)\n"
          "  --jobs N       workers of the bulk build (default: the number of cores)\n"
          "  --flush-mb N   MiB of records per batch of the bulk build (default 8)\n"
          "  --sequential   index record by record (shard_set), not as a bulk build\n"
          "  --resume       (with --out) a bulk build per step, each kept in DIR/chunks when\n"
          "                 whole; the same command run again goes on at the first one missing,\n"
          "                 and the chunks are merged into the shards at the end\n",
          DEFAULT_DOCS, MAX_SHARDS, DEFAULT_STEP, DEFAULT_QUERIES);
}

static int parse_count(const char *arg, unsigned min, unsigned max, unsigned *out) {
  char *end;
  errno = 0;
  unsigned long v = strtoul(arg, &end, 10);
  if (errno || end == arg || *end || arg[0] == '-' || v < min || v > max) return -1;
  *out = (unsigned)v;
  return 0;
}

/* Returns 0 to run, 1 after --help, -1 on a usage error. */
static int parse_args(int argc, char **argv, options *o) {
  *o = (options){.shared = TRACUU_SHARED_DIR, .docs = DEFAULT_DOCS, .shards = 4,
                 .queries = DEFAULT_QUERIES};
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    int bad = 0;
    if (strcmp(a, "--help") == 0) return usage(stdout), 1;
    else if (strcmp(a, "--skip-remote") == 0) o->skip_remote = 1;
    else if (strcmp(a, "--sequential") == 0) o->sequential = 1;
    else if (strcmp(a, "--resume") == 0) o->resume = 1;
    else if (v && strcmp(a, "--jobs") == 0) bad = parse_count(v, 1, BULK_JOBS_MAX, &o->jobs), i++;
    else if (v && strcmp(a, "--flush-mb") == 0) {
      unsigned mb = 0;
      bad = parse_count(v, 1, 4096, &mb), i++;
      o->flush = (size_t)mb * 1024 * 1024;
    }
    else if (!v) bad = 1;
    else if (strcmp(a, "--shared") == 0) o->shared = v, i++;
    else if (strcmp(a, "--out") == 0) o->out = v, i++;
    else if (strcmp(a, "--docs") == 0) bad = parse_count(v, 1, 100000000, &o->docs), i++;
    else if (strcmp(a, "--shards") == 0) bad = parse_count(v, 1, MAX_SHARDS, &o->shards), i++;
    else if (strcmp(a, "--step") == 0) bad = parse_count(v, 1, 100000000, &o->step), i++;
    else if (strcmp(a, "--queries") == 0) bad = parse_count(v, 1, 100000, &o->queries), i++;
    else bad = 1;
    if (bad) {
      fprintf(stderr, "bench_scale: bad argument \"%s\"\n", a);
      usage(stderr);
      return -1;
    }
  }
  if (!o->step) o->step = o->docs >= DEFAULT_DOCS ? DEFAULT_STEP : (o->docs + 9) / 10;
  if (o->resume && (o->sequential || !o->out)) {
    fprintf(stderr, "bench_scale: --resume needs --out DIR (where the chunks stay), and a bulk build\n");
    return -1;
  }
  return 0;
}

/* ------------------------------------------------------------------ */
/* Files and memory                                                     */
/* ------------------------------------------------------------------ */

/* nftw has no context argument: these two callbacks are its only users,
 * and the total is reset by disk_usage before each walk. */
static uint64_t walk_total;

static int add_usage(const char *path, const struct stat *st, int type, struct FTW *ftw) {
  (void)path, (void)type, (void)ftw;
  walk_total += (uint64_t)st->st_blocks * 512;
  return 0;
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw) {
  (void)st, (void)type, (void)ftw;
  return remove(path);
}

/* Bytes on disk under path, as du counts them. */
static uint64_t disk_usage(const char *path) {
  walk_total = 0;
  nftw(path, add_usage, 16, FTW_PHYS);
  return walk_total;
}

static void remove_tree(const char *path) { nftw(path, remove_one, 16, FTW_PHYS | FTW_DEPTH); }

/* Resident memory now (from /proc) and at its peak (getrusage), in MiB. */
static double rss_now_mib(void) {
  long pages = 0, resident = 0;
  FILE *f = fopen("/proc/self/statm", "r");
  if (f) {
    if (fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    fclose(f);
  }
  return (double)resident * (double)sysconf(_SC_PAGESIZE) / (1024.0 * 1024.0);
}

/* CPU seconds of this process (user + system): on a shared machine the
 * wall clock also counts the time other programs had the cores. */
static double cpu_seconds(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
         ru.ru_stime.tv_usec / 1e6;
}

static double rss_peak_mib(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)ru.ru_maxrss / 1024.0; /* Linux reports KiB */
}

/* ------------------------------------------------------------------ */
/* The generated corpus                                                 */
/* ------------------------------------------------------------------ */

/* splitmix64: a good 64-bit mix from a counter, so doc i needs nothing but i. */
static uint64_t splitmix64(uint64_t *state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static unsigned pick(uint64_t *state, unsigned n) { return (unsigned)(splitmix64(state) % n); }

/* Kinds of directive: the number's suffix, the type, who issues it. */
static const struct {
  const char *suffix, *type, *issuer;
} kinds[] = {
    {"QĐ-UBND", "Quyết định", "Ủy ban nhân dân tỉnh"}, {"NĐ-CP", "Nghị định", "Chính phủ"},
    {"TT-BTC", "Thông tư", "Bộ Tài chính"},             {"CT-UBND", "Chỉ thị", "Ủy ban nhân dân tỉnh"},
    {"QĐ-TTg", "Quyết định", "Thủ tướng Chính phủ"},   {"TB-UBND", "Thông báo", "Ủy ban nhân dân quận"},
    {"KH-UBND", "Kế hoạch", "Ủy ban nhân dân huyện"},  {"NQ-HĐND", "Nghị quyết", "Hội đồng nhân dân tỉnh"},
    {"TT-BGDĐT", "Thông tư", "Bộ Giáo dục và Đào tạo"}, {"QĐ-BYT", "Quyết định", "Bộ Y tế"},
};
#define N_KINDS (sizeof kinds / sizeof kinds[0])

/* What documents are made of: every title and every body of the sources. */
typedef struct {
  const char **titles;
  size_t n_titles;
  const char **bodies;
  size_t n_bodies;
} source_pool;

static int pool_build(const corpus_docs *docs, source_pool *p) {
  p->titles = calloc(docs->count, sizeof *p->titles);
  p->bodies = calloc(docs->count, sizeof *p->bodies);
  if (!p->titles || !p->bodies) return -1;
  for (size_t i = 0; i < docs->count; i++) {
    const record *r = &docs->docs[i].rec;
    if (r->title && *r->title) p->titles[p->n_titles++] = r->title;
    if (r->body && *r->body) p->bodies[p->n_bodies++] = r->body;
  }
  return p->n_titles && p->n_bodies ? 0 : -1;
}

static void pool_free(source_pool *p) {
  free(p->titles);
  free(p->bodies);
}

/* Appends at most BODY_PIECE bytes of body, cut after the last space (so a
 * UTF-8 sequence is never split). */
static void append_piece(dynbuf *b, const char *body) {
  size_t len = strlen(body);
  if (len > BODY_PIECE) {
    len = BODY_PIECE;
    while (len > 0 && body[len] != ' ') len--;
  }
  dynbuf_append(b, body, len);
}

/* The buffers one generated document lives in (reused from one to the next). */
typedef struct {
  char id[32], date[11], number[64];
  dynbuf body;
  record rec;   /* points into the buffers above and into the pool */
} gen_doc;

/* Makes document i. Its fields stay valid until the next call. */
static const record *make_doc(const source_pool *p, unsigned i, gen_doc *g) {
  uint64_t state = 0x7472616375750000ull ^ ((uint64_t)i * 0x100000001b3ull);
  const char *title = p->titles[pick(&state, (unsigned)p->n_titles)];
  const char *b1 = p->bodies[pick(&state, (unsigned)p->n_bodies)];
  const char *b2 = p->bodies[pick(&state, (unsigned)p->n_bodies)];
  int year = 2000 + (int)pick(&state, 27);
  int month = 1 + (int)pick(&state, 12), day = 1 + (int)pick(&state, 28);
  unsigned kind = pick(&state, N_KINDS), serial = 1 + pick(&state, 9999);
  snprintf(g->id, sizeof g->id, "scale-%08u", i);
  snprintf(g->date, sizeof g->date, "%04d-%02d-%02d", year, month, day);
  snprintf(g->number, sizeof g->number, "%u/%d/%s", serial, year, kinds[kind].suffix);
  dynbuf_reset(&g->body);
  append_piece(&g->body, b1);
  dynbuf_append_str(&g->body, "\n\n");
  append_piece(&g->body, b2);
  g->rec = (record){.id = g->id, .title = (char *)title, .date = g->date, .number = g->number,
                    .type = (char *)kinds[kind].type, .issuer = (char *)kinds[kind].issuer,
                    .body = g->body.data};
  return &g->rec;
}

/* ------------------------------------------------------------------ */
/* Indexing                                                             */
/* ------------------------------------------------------------------ */

/* Wall clock and CPU time of a stretch of indexing. */
typedef struct {
  double wall, cpu;
} span;

static span span_now(void) { return (span){stats_now(), cpu_seconds()}; }

static void print_step(unsigned done, unsigned n_step, span step, span all, uint64_t bytes) {
  printf("  %9u docs  step: %6.0f docs/s wall %6.0f docs/CPU-s  overall: %6.0f docs/s wall "
         "%6.0f docs/CPU-s %5.2f MB/CPU-s  RSS %6.1f MiB  peak %6.1f MiB\n",
         done, n_step / step.wall, n_step / step.cpu, done / all.wall, done / all.cpu,
         (double)bytes / 1e6 / all.cpu, rss_now_mib(), rss_peak_mib());
  fflush(stdout);
}

/* Where the documents go: record by record (shard_set, --sequential) or
 * a bulk build (bulk.h, what `tracuu index` does for a new index). */
typedef struct {
  shard_set *set;
  bulk *bulk;
} sink;

static engine_status sink_add(sink *k, const record *r) {
  return k->bulk ? bulk_add(k->bulk, r) : shard_set_add(k->set, r);
}

static const char *sink_errmsg(sink *k) {
  return k->bulk ? bulk_errmsg(k->bulk) : shard_set_errmsg(k->set);
}

/* Indexes the o->docs generated documents into o->shards shards at dir. */
static int index_all(const options *o, const source_pool *p, const char *dir, double *seconds) {
  sink k = {0};
  char *msg = NULL;
  bulk_opts bo = {.jobs = o->jobs, .flush_bytes = o->flush, .shards = o->shards};
  engine_status st = o->sequential ? shard_set_open(dir, o->shards, &k.set, &msg)
                                   : bulk_open(dir, &bo, &k.bulk, &msg);
  if (st != ENGINE_OK) {
    fprintf(stderr, "bench_scale: cannot open %s: %s\n", dir, msg ? msg : "?");
    free(msg);
    return -1;
  }
  gen_doc g;
  memset(&g, 0, sizeof g);
  dynbuf_init(&g.body, 2 * BODY_PIECE + 16);
  uint64_t bytes = 0;
  span t0 = span_now(), t_step = t0;
  for (unsigned i = 0; st == ENGINE_OK && i < o->docs; i++) {
    const record *r = make_doc(p, i, &g);
    bytes += strlen(r->title) + g.body.len;
    st = sink_add(&k, r);
    if ((i + 1) % o->step == 0 || i + 1 == o->docs) {
      span t = span_now();
      unsigned n_step = (i + 1) % o->step ? (i + 1) % o->step : o->step;
      print_step(i + 1, n_step, (span){t.wall - t_step.wall, t.cpu - t_step.cpu},
                 (span){t.wall - t0.wall, t.cpu - t0.cpu}, bytes);
      t_step = t;
    }
  }
  if (st != ENGINE_OK) fprintf(stderr, "bench_scale: indexing: %s\n", sink_errmsg(&k));
  engine_status cst;
  bulk_stats bs;
  if (k.bulk && st != ENGINE_OK) {
    bulk_abort(k.bulk);
    cst = st;
  } else if (k.bulk) {
    cst = bulk_finish(k.bulk, &bs, &msg);
    if (cst != ENGINE_OK) fprintf(stderr, "bench_scale: bulk build: %s\n", msg ? msg : "?");
    free(msg);
  } else {
    cst = shard_set_close(k.set);
  }
  *seconds = stats_now() - t0.wall;
  double cpu = cpu_seconds() - t0.cpu;
  dynbuf_free(&g.body);
  printf("  indexed %u documents (%.1f MB of text) in %.1f s (%.1f CPU-s): %.0f docs/s wall, "
         "%.0f docs/CPU-s, %s\n",
         o->docs, (double)bytes / 1e6, *seconds, cpu, o->docs / *seconds, o->docs / cpu,
         k.bulk ? "published (merged, fsynced, renamed)" : "after the last commit");
  if (k.bulk && cst == ENGINE_OK)
    printf("  bulk build: %u jobs, %llu runs; adding %.1f s, merge %.1f s, publish %.1f s (wall); "
           "workers %.1f CPU-s; disk %.1f MiB before the merge, %.1f MiB after\n",
           bs.jobs, (unsigned long long)bs.runs, bs.build_seconds, bs.merge_seconds,
           bs.publish_seconds, bs.worker_cpu_seconds, bs.runs_bytes / 1048576.0,
           bs.index_bytes / 1048576.0);
  return st == ENGINE_OK && cst == ENGINE_OK ? 0 : -1;
}

/* The load average now (the 1-minute figure), for the lines of a long run. */
static double load_now(void) {
  double l = -1;
  FILE *f = fopen("/proc/loadavg", "r");
  if (f && fscanf(f, "%lf", &l) != 1) l = -1;
  if (f) fclose(f);
  return l;
}

/* One chunk of --resume: documents [first, end) as a bulk build into path. */
static int index_chunk(const options *o, const source_pool *p, const char *path, unsigned first,
                       unsigned end, gen_doc *g, uint64_t *bytes) {
  bulk *b = NULL;
  char *msg = NULL;
  bulk_opts bo = {.jobs = o->jobs, .flush_bytes = o->flush, .shards = o->shards};
  engine_status st = bulk_open(path, &bo, &b, &msg);
  for (unsigned i = first; st == ENGINE_OK && i < end; i++) {
    const record *r = make_doc(p, i, g);
    *bytes += strlen(r->title) + g->body.len;
    st = bulk_add(b, r);
  }
  if (st != ENGINE_OK && b) {
    fprintf(stderr, "bench_scale: %s: %s\n", path, bulk_errmsg(b));
    bulk_abort(b);
    return -1;
  }
  if (st == ENGINE_OK) st = bulk_finish(b, NULL, &msg);
  if (st != ENGINE_OK) fprintf(stderr, "bench_scale: %s: %s\n", path, msg ? msg : engine_strerror(st));
  free(msg);
  return st == ENGINE_OK ? 0 : -1;
}

/* --resume: documents in chunks of --step, each a bulk build published
 * whole into base/chunks/NNNNN (bulk.h: a build killed at any point leaves
 * nothing there), so a run killed at any point keeps every finished chunk
 * and the same command run again starts at the first one missing. Then
 * shard k of every chunk is merged (Xapian's compactor, ids renumbered in
 * chunk order) into dir. Memory is a bulk build's, whatever the total. */
static int index_chunked(const options *o, const source_pool *p, const char *base, const char *dir,
                         double *seconds) {
  char chunks[SHARD_PATH_MAX];
  snprintf(chunks, sizeof chunks, "%s/chunks", base);
  if (mkdir(chunks, 0777) != 0 && errno != EEXIST) {
    perror(chunks);
    return -1;
  }
  unsigned n_chunks = (o->docs + o->step - 1) / o->step, made = 0;
  gen_doc g;
  memset(&g, 0, sizeof g);
  dynbuf_init(&g.body, 2 * BODY_PIECE + 16);
  span t0 = span_now();
  int rc = 0;
  for (unsigned c = 0; rc == 0 && c < n_chunks; c++) {
    char path[SHARD_PATH_MAX];
    int n = snprintf(path, sizeof path, "%s/%05u", chunks, c);
    if (n < 0 || (size_t)n >= sizeof path) {
      rc = -1;
      break;
    }
    unsigned first = c * o->step, end = first + o->step < o->docs ? first + o->step : o->docs;
    struct stat st;
    if (stat(path, &st) == 0) {
      printf("  %9u docs  chunk %u there from an earlier run (%.1f MiB)\n", end, c,
             disk_usage(path) / 1048576.0);
      continue;
    }
    span t = span_now();
    uint64_t bytes = 0;
    rc = index_chunk(o, p, path, first, end, &g, &bytes);
    span u = span_now();
    made += end - first;
    if (rc == 0)
      printf("  %9u docs  chunk: %6.0f docs/s wall %6.0f docs/CPU-s (%.1f MB of text)  this run: "
             "%6.0f docs/s wall  RSS %6.1f MiB  peak %6.1f MiB  chunk %.1f MiB  load %.1f\n",
             end, (end - first) / (u.wall - t.wall), (end - first) / (u.cpu - t.cpu), bytes / 1e6,
             made / (u.wall - t0.wall), rss_now_mib(), rss_peak_mib(), disk_usage(path) / 1048576.0,
             load_now());
    fflush(stdout);
  }
  dynbuf_free(&g.body);
  if (rc != 0) return -1;
  uint64_t before = disk_usage(chunks);
  double tm = stats_now();
  if (mkdir(dir, 0777) != 0 && errno != EEXIST) return -1;
  const char **src = calloc(n_chunks, sizeof *src);
  char (*paths)[SHARD_PATH_MAX] = calloc(n_chunks, sizeof *paths);
  for (unsigned k = 0; rc == 0 && src && paths && k < o->shards; k++) {
    char dest[SHARD_PATH_MAX];
    for (unsigned c = 0; c < n_chunks; c++) {
      char chunk[SHARD_PATH_MAX];
      int n = snprintf(chunk, sizeof chunk, "%s/%05u", chunks, c);
      if (n < 0 || (size_t)n >= sizeof chunk) rc = -1;
      else if (o->shards == 1) memcpy(paths[c], chunk, (size_t)n + 1);
      else if (shard_path(chunk, k, paths[c], sizeof paths[c]) != 0) rc = -1;
      src[c] = paths[c];
    }
    if (o->shards == 1) snprintf(dest, sizeof dest, "%s", dir);
    else if (shard_path(dir, k, dest, sizeof dest) != 0) rc = -1;
    if (o->shards == 1) remove_tree(dir);
    char *msg = NULL;
    if (rc == 0 && engine_compact_flags(src, n_chunks, dest, ENGINE_COMPACT_MULTIPASS, &msg) != ENGINE_OK) {
      fprintf(stderr, "bench_scale: merging into %s: %s\n", dest, msg ? msg : "?");
      rc = -1;
    }
    free(msg);
  }
  if (!src || !paths) rc = -1;
  free(src);
  free(paths);
  if (rc == 0 && o->shards > 1 && shard_write_stub(dir, o->shards) != 0) rc = -1;
  if (rc != 0) return -1;
  uint64_t after = disk_usage(dir);
  *seconds = stats_now() - t0.wall;
  printf("  %u chunks merged into %u shards in %.1f s: disk %.1f MiB before the merge, %.1f MiB "
         "after; peak RSS %.1f MiB; load %.1f\n", n_chunks, o->shards, stats_now() - tm,
         before / 1048576.0, after / 1048576.0, rss_peak_mib(), load_now());
  remove_tree(chunks);
  return 0;
}

/* ------------------------------------------------------------------ */
/* Compaction                                                           */
/* ------------------------------------------------------------------ */

static int compact(const char *const *src, size_t n, const char *dest, const char *what) {
  char *msg = NULL;
  double t0 = stats_now();
  engine_status st = engine_compact(src, n, dest, &msg);
  if (st != ENGINE_OK) {
    fprintf(stderr, "bench_scale: compacting into %s: %s\n", dest, msg ? msg : "?");
    free(msg);
    return -1;
  }
  printf("  %-36s %7.1f s  %8.1f MiB\n", what, stats_now() - t0,
         (double)disk_usage(dest) / (1024.0 * 1024.0));
  return 0;
}

typedef struct {
  char dir[SHARD_PATH_MAX];   /* the shards as written */
  char c4[SHARD_PATH_MAX];    /* each shard compacted, with a stub */
  char c1[SHARD_PATH_MAX];    /* all merged into one */
  char paths[MAX_SHARDS][SHARD_PATH_MAX]; /* c4's shards */
} layout;

/* A bulk build's shards are compacted already: they are c4 as they are,
 * and only c1 (all of them merged into one) is made. */
static int merge_bulk(const options *o, layout *l) {
  char src[MAX_SHARDS][SHARD_PATH_MAX];
  const char *srcp[MAX_SHARDS];
  snprintf(l->c4, sizeof l->c4, "%s", l->dir);
  if (o->shards == 1) {
    snprintf(l->c1, sizeof l->c1, "%s", l->dir);
    snprintf(l->paths[0], sizeof l->paths[0], "%s", l->dir);
    printf("  one shard: the bulk build's merge made the one index\n");
    return 0;
  }
  for (unsigned k = 0; k < o->shards; k++) {
    if (shard_path(l->dir, k, src[k], sizeof src[k]) != 0 ||
        shard_path(l->c4, k, l->paths[k], sizeof l->paths[k]) != 0)
      return -1;
    srcp[k] = src[k];
  }
  return compact(srcp, o->shards, l->c1, "all shards merged into one");
}

static int compact_all(const options *o, layout *l) {
  if (!o->sequential) return merge_bulk(o, l);
  char src[MAX_SHARDS][SHARD_PATH_MAX];
  const char *srcp[MAX_SHARDS];
  for (unsigned k = 0; k < o->shards; k++) {
    if (shard_path(l->dir, k, src[k], sizeof src[k]) != 0 ||
        shard_path(l->c4, k, l->paths[k], sizeof l->paths[k]) != 0)
      return -1;
    srcp[k] = src[k];
    char what[64];
    snprintf(what, sizeof what, "shard %u alone", k);
    if (mkdir(l->c4, 0777) != 0 && errno != EEXIST) return -1;
    if (compact(&srcp[k], 1, l->paths[k], what) != 0) return -1;
  }
  if (shard_write_stub(l->c4, o->shards) != 0) return -1;
  return compact(srcp, o->shards, l->c1, "all shards merged into one");
}

/* ------------------------------------------------------------------ */
/* xapian-tcpsrv                                                        */
/* ------------------------------------------------------------------ */

typedef struct {
  pid_t pid;
  unsigned port;
} server;

/* A port that was free a moment ago (the kernel's choice for port 0). */
static unsigned free_port(void) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t len = sizeof a;
  unsigned port = 0;
  if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
      getsockname(fd, (struct sockaddr *)&a, &len) == 0)
    port = ntohs(a.sin_port);
  if (fd >= 0) close(fd);
  return port;
}

static int accepts(unsigned port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                          .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  int ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
  if (fd >= 0) close(fd);
  return ok;
}

/* Starts xapian-tcpsrv on 127.0.0.1 for db in a session of its own (it
 * signals its whole process group when it stops) and waits until it listens. */
static int server_start(server *s, const char *db) {
  char port[16];
  s->port = free_port();
  snprintf(port, sizeof port, "%u", s->port);
  s->pid = fork();
  if (s->pid < 0) return -1;
  if (s->pid == 0) {
    setsid();
    int null = open("/dev/null", O_WRONLY);
    if (null >= 0) dup2(null, STDOUT_FILENO), dup2(null, STDERR_FILENO);
    execlp("xapian-tcpsrv", "xapian-tcpsrv", "--quiet", "--interface", "127.0.0.1", "--port", port,
           db, (char *)NULL);
    _exit(127);
  }
  for (int i = 0; i < 200; i++) {
    if (accepts(s->port)) return 0;
    if (waitpid(s->pid, NULL, WNOHANG) == s->pid) break;
    usleep(50000);
  }
  fprintf(stderr, "bench_scale: xapian-tcpsrv on port %u for %s did not start\n", s->port, db);
  return -1;
}

static void server_stop(server *s) {
  if (s->pid <= 0) return;
  kill(-s->pid, SIGTERM);
  waitpid(s->pid, NULL, 0);
  s->pid = 0;
}

/* ------------------------------------------------------------------ */
/* Queries                                                              */
/* ------------------------------------------------------------------ */

/* The configurations compared: 1 shard, K local, K remote. */
#define N_CONFIGS 3

typedef struct {
  const char *name;
  char **texts;
  size_t n;
  /* The ids of each query's top 10 (one line each) per configuration, to
   * check that they all rank alike. */
  char **top[N_CONFIGS];
} query_set;

/* The ids of res's hits, one per line, malloc'ed (NULL when out of memory). */
static char *hit_ids(const query_result *res) {
  dynbuf b;
  dynbuf_init(&b, 1 << 16);
  for (size_t i = 0; res && i < res->n_hits; i++)
    dynbuf_printf(&b, "%s\n", res->hits[i].rec.id ? res->hits[i].rec.id : "");
  char *ids = dynbuf_status(&b) == DYNBUF_OK ? dynbuf_take(&b) : NULL;
  dynbuf_free(&b);
  return ids;
}

/* Runs one query; its time in ms. *ids (when ids is not NULL) gets hit_ids. */
static double run_one(engine_db *db, const char *text, int *ok, char **ids) {
  query_request req;
  query_request_init(&req);
  req.text = text;
  req.limit = TOP_K;
  query_result *res = NULL;
  char err[512];
  double t0 = stats_now();
  engine_status qs = query_run(db, &req, &res, err, sizeof err);
  double ms = (stats_now() - t0) * 1000.0;
  if (qs != ENGINE_OK && qs != ENGINE_BAD_QUERY) {
    fprintf(stderr, "bench_scale: \"%s\": %s\n", text, err);
    *ok = 0;
  }
  if (ids) *ids = hit_ids(res);
  query_result_free(res);
  return ms;
}

/* Runs the set once untimed (keeping the top 10s of configuration c),
 * then timed; prints p50, p99 and the mean. */
static int time_set(engine_db *db, const char *config, size_t c, query_set *qs) {
  stats_samples s;
  stats_samples_init(&s);
  int ok = (qs->top[c] = calloc(qs->n ? qs->n : 1, sizeof *qs->top[c])) != NULL;
  for (size_t i = 0; ok && i < qs->n; i++) run_one(db, qs->texts[i], &ok, &qs->top[c][i]);
  for (size_t i = 0; ok && i < qs->n; i++) {
    double ms = run_one(db, qs->texts[i], &ok, NULL);
    if (stats_samples_add(&s, ms) != 0) ok = 0;
  }
  if (ok)
    printf("  %-24s %-10s %5zu queries  p50 %7.2f ms  p99 %7.2f ms  mean %7.2f ms\n", config,
           qs->name, qs->n, stats_quantile(&s, 0.5), stats_quantile(&s, 0.99), stats_mean(&s));
  stats_samples_free(&s);
  return ok ? 0 : -1;
}

static int time_config(const char *config, size_t c, const char *const *names, size_t n,
                       query_set *sets, size_t n_sets) {
  engine_db *db = NULL;
  char *msg = NULL;
  if (engine_db_open(names, n, REMOTE_TIMEOUT_MS, &db, &msg) != ENGINE_OK) {
    fprintf(stderr, "bench_scale: cannot open %s: %s\n", config, msg ? msg : "?");
    free(msg);
    return -1;
  }
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < n_sets; i++) rc = time_set(db, config, c, &sets[i]);
  engine_db_close(db);
  return rc;
}

static void query_set_free(query_set *qs) {
  for (size_t c = 0; c < N_CONFIGS; c++) {
    for (size_t i = 0; qs->top[c] && i < qs->n; i++) free(qs->top[c][i]);
    free(qs->top[c]);
  }
  for (size_t i = 0; i < qs->n; i++) free(qs->texts[i]);
  free(qs->texts);
}

/* Prints how many queries got the same top 10, in the same order, in every
 * configuration that ran: the shards must rank like one index. */
static void compare_tops(const query_set *qs) {
  size_t same = 0, n_configs = 0;
  while (n_configs < N_CONFIGS && qs->top[n_configs]) n_configs++;
  for (size_t i = 0; i < qs->n; i++) {
    int all = 1;
    for (size_t c = 1; c < n_configs; c++)
      all = all && qs->top[0][i] && qs->top[c][i] && strcmp(qs->top[0][i], qs->top[c][i]) == 0;
    same += (size_t)all;
  }
  printf("  %-10s same top %d in the same order in all %zu configurations: %zu of %zu queries\n",
         qs->name, TOP_K, n_configs, same, qs->n);
}

/* The numbers of `count` generated documents spread over the corpus. */
static int number_queries(const options *o, const source_pool *p, query_set *qs) {
  gen_doc g;
  memset(&g, 0, sizeof g);
  dynbuf_init(&g.body, 2 * BODY_PIECE + 16);
  qs->name = "numbers";
  qs->texts = calloc(o->queries, sizeof *qs->texts);
  for (unsigned k = 0; qs->texts && k < o->queries; k++) {
    unsigned i = (unsigned)(((uint64_t)k * 2654435761u) % o->docs);
    qs->texts[k] = strdup(make_doc(p, i, &g)->number);
    if (qs->texts[k]) qs->n++;
  }
  dynbuf_free(&g.body);
  return qs->texts && qs->n == o->queries ? 0 : -1;
}

static int question_queries(const char *shared, size_t max, corpus_questions *cq, query_set *qs) {
  char err[512];
  if (corpus_load_alqac_questions(shared, CORPUS_ALQAC_2022, cq, err, sizeof err) != 0) {
    fprintf(stderr, "bench_scale: %s\n", err);
    return -1;
  }
  qs->name = "questions";
  qs->texts = calloc(cq->count ? cq->count : 1, sizeof *qs->texts);
  size_t want = cq->count < max ? cq->count : max;
  for (size_t i = 0; qs->texts && i < want; i++)
    if ((qs->texts[qs->n] = strdup(cq->items[i].text))) qs->n++;
  return qs->texts && qs->n == want ? 0 : -1;
}

/* 1 shard, K local shards, K shards behind K xapian-tcpsrv. */
static int time_queries(const options *o, const layout *l, query_set *sets, size_t n_sets) {
  char stub[SHARD_PATH_MAX], tcp[MAX_SHARDS][32], label[64];
  const char *one = l->c1, *local = shard_resolve_db(l->c4, stub, sizeof stub);
  const char *remote[MAX_SHARDS];
  int rc = time_config("1 shard", 0, &one, 1, sets, n_sets);
  snprintf(label, sizeof label, "%u shards", o->shards);
  if (rc == 0) rc = time_config(label, 1, &local, 1, sets, n_sets);
  if (rc != 0 || o->skip_remote) return rc;
  server srv[MAX_SHARDS] = {{0}};
  for (unsigned k = 0; rc == 0 && k < o->shards; k++) {
    rc = server_start(&srv[k], l->paths[k]);
    snprintf(tcp[k], sizeof tcp[k], "tcp:127.0.0.1:%u", srv[k].port);
    remote[k] = tcp[k];
  }
  snprintf(label, sizeof label, "%u shards, xapian-tcpsrv", o->shards);
  if (rc == 0) rc = time_config(label, 2, remote, o->shards, sets, n_sets);
  for (unsigned k = 0; k < o->shards; k++) server_stop(&srv[k]);
  return rc;
}

/* ------------------------------------------------------------------ */
/* The run                                                              */
/* ------------------------------------------------------------------ */

static int load_sources(const char *shared, corpus_docs *docs, source_pool *p) {
  char err[512];
  if (corpus_load_phapdien(shared, docs, err, sizeof err) != 0 ||
      corpus_load_congbao(shared, docs, err, sizeof err) != 0) {
    fprintf(stderr, "bench_scale: %s\n", err);
    return -1;
  }
  if (pool_build(docs, p) != 0) {
    fprintf(stderr, "bench_scale: no titles or bodies to recombine\n");
    return -1;
  }
  printf("sources: %zu titles, %zu bodies (phapdien + congbao); RSS after loading %.1f MiB\n",
         p->n_titles, p->n_bodies, rss_now_mib());
  return 0;
}

static int make_layout(const char *base, layout *l) {
  int w1 = snprintf(l->dir, sizeof l->dir, "%s/shards", base);
  int w2 = snprintf(l->c4, sizeof l->c4, "%s/c4", base);
  int w3 = snprintf(l->c1, sizeof l->c1, "%s/c1", base);
  if (w1 < 0 || w2 < 0 || w3 < 0 || (size_t)w1 >= sizeof l->dir || (size_t)w2 >= sizeof l->c4 ||
      (size_t)w3 >= sizeof l->c1)
    return -1;
  remove_tree(l->dir), remove_tree(l->c4), remove_tree(l->c1);
  return 0;
}

static void print_sizes(const options *o, const layout *l) {
  uint64_t as_written = disk_usage(l->dir), c4 = disk_usage(l->c4), c1 = disk_usage(l->c1);
  if (!o->sequential) {
    printf("size on disk: %u shards as the bulk build wrote them (compacted) %.1f MiB (%.0f bytes/doc), "
           "one index %.1f MiB (%.0f bytes/doc)\n", o->shards, c4 / 1048576.0, (double)c4 / o->docs,
           c1 / 1048576.0, (double)c1 / o->docs);
    return;
  }
  printf("size on disk: as written %.1f MiB (%.0f bytes/doc), %u compacted shards %.1f MiB "
         "(%.0f bytes/doc), one compacted %.1f MiB (%.0f bytes/doc)\n",
         as_written / 1048576.0, (double)as_written / o->docs, o->shards, c4 / 1048576.0,
         (double)c4 / o->docs, c1 / 1048576.0, (double)c1 / o->docs);
}

static int run(const options *o, const source_pool *p, const char *base) {
  layout l;
  if (make_layout(base, &l) != 0) return -1;
  printf("\nindexing %u documents into %u shards (%s), %s\n", o->docs, o->shards, l.dir,
         o->sequential ? "record by record" : "as a bulk build");
  double secs;
  if ((o->resume ? index_chunked(o, p, base, l.dir, &secs) : index_all(o, p, l.dir, &secs)) != 0)
    return -1;
  printf("\n%s\n", o->sequential ? "compaction" : "merging the shards into one (for the 1-shard queries)");
  if (compact_all(o, &l) != 0) return -1;
  print_sizes(o, &l);
  corpus_questions cq;
  corpus_questions_init(&cq);
  query_set sets[2] = {{0}};
  int rc = question_queries(o->shared, o->queries, &cq, &sets[0]) == 0 && number_queries(o, p, &sets[1]) == 0
               ? 0 : -1;
  if (rc == 0) {
    printf("\nqueries (top %d, default sort blend, through query_run)\n", TOP_K);
    rc = time_queries(o, &l, sets, 2);
  }
  if (rc == 0) compare_tops(&sets[0]), compare_tops(&sets[1]);
  printf("\npeak RSS of the whole run: %.1f MiB\n", rss_peak_mib());
  query_set_free(&sets[0]);
  query_set_free(&sets[1]);
  corpus_questions_free(&cq);
  return rc;
}

int main(int argc, char **argv) {
  options o;
  int a = parse_args(argc, argv, &o);
  if (a) return a > 0 ? 0 : 2;
  char tmp[] = "/tmp/bench_scale.XXXXXX";
  const char *base = o.out;
  if (!base && !(base = mkdtemp(tmp))) {
    perror("bench_scale: mkdtemp");
    return 1;
  }
  if (o.out && mkdir(o.out, 0777) != 0 && errno != EEXIST) {
    perror(o.out);
    return 1;
  }
  corpus_docs docs;
  corpus_docs_init(&docs);
  source_pool pool = {0};
  int rc = load_sources(o.shared, &docs, &pool);
  if (rc == 0) rc = run(&o, &pool, base);
  pool_free(&pool);
  corpus_docs_free(&docs);
  if (!o.out) remove_tree(base);
  return rc == 0 ? 0 : 1;
}
