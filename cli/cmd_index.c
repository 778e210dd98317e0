/* tracuu index: JSON Lines records into the index.
 *
 * Two ways in (README "Indexing"): a new index, --rebuild and --bulk are
 * bulk builds (indexer/bulk.h: N workers, merged, published in
 * one step); records added to an existing index go one by one through
 * indexer/shard.h (incremental), as does everything with --incremental. */
#define _GNU_SOURCE /* realpath */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "attach/attach.h"
#include "cli/cli.h"
#include "common/dynbuf.h"
#include "crawler/crawl.h"
#include "indexer/bulk.h"
#include "indexer/indexer.h"
#include "indexer/shard.h"
#include "model/record.h"

typedef struct {
  unsigned long added, skipped, repaired;
} index_counts;

/* Where the records go: an incremental shard set or a bulk build. */
typedef struct {
  shard_set *set;
  bulk *bulk;
} sink;

static engine_status sink_add(sink *s, const record *r) {
  return s->bulk ? bulk_add(s->bulk, r) : shard_set_add(s->set, r);
}

static const char *sink_errmsg(sink *s) {
  return s->bulk ? bulk_errmsg(s->bulk) : shard_set_errmsg(s->set);
}

static int add_record(sink *ix, const record *r, const char *path, unsigned long line,
                      index_counts *c);

/* A file that is a document itself (PDF, DOCX, ODT, DOC, RTF), by its first
 * bytes or its name: not JSON Lines. */
static int is_attachment(const char *path) {
  if (attach_url_wanted(path, NULL)) return 1;
  FILE *f = fopen(path, "rb");
  if (!f) return 0;
  char head[1024];
  size_t n = fread(head, 1, sizeof head, f);
  fclose(f);
  return attach_sniff(head, n) != ATTACH_TYPE_UNKNOWN;
}

/* One file given alone (tracuu index FILE.pdf): a document of its own,
 * read in the reader child, its id and its attachment's url the file's
 * absolute path; the indexer makes its title from its header or first
 * line. A file that cannot be read is one line and skipped. */
static int index_attachment(sink *ix, const char *path, int ocr, index_counts *c) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    cli_error("cannot read %s: %s", path, strerror(errno));
    c->skipped++;
    return EXIT_OK;
  }
  dynbuf raw;
  dynbuf_init(&raw, ATTACH_MAX_BYTES);
  char chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
    if (dynbuf_append(&raw, chunk, n) != DYNBUF_OK) break;
  int bad = ferror(f) || dynbuf_status(&raw) != DYNBUF_OK;
  fclose(f);
  if (bad) {
    fprintf(stderr, "%s: skipped: %s\n", path,
            dynbuf_status(&raw) == DYNBUF_TOO_BIG ? "larger than the cap of 32 MB" : "read error");
    dynbuf_free(&raw);
    c->skipped++;
    return EXIT_OK;
  }
  attach_options opt;
  attach_options_default(&opt);
  opt.ocr = ocr;
  opt.reader = cli_attach_reader();
  attach_doc doc;
  char err[256];
  attach_status st = attach_read_contained(raw.data ? raw.data : "", raw.len, path, NULL, &opt,
                                           &doc, err, sizeof err);
  dynbuf_free(&raw);
  if (st != ATTACH_OK) {
    fprintf(stderr, "%s: skipped: %s: %s\n", path, attach_strerror(st), err);
    attach_doc_clear(&doc);
    c->skipped++;
    return EXIT_OK;
  }
  char *abs = realpath(path, NULL);
  record r = {0};
  r.id = strdup(abs ? abs : path);
  r.attachments = calloc(1, sizeof *r.attachments);
  int rc = EXIT_OK;
  if (!r.id || !r.attachments || attach_doc_to_record(&doc, r.id, NULL, &r.attachments[0]) != 0) {
    cli_error("%s: out of memory", path);
    rc = EXIT_INTERNAL;
  } else {
    r.n_attachments = 1;
    rc = add_record(ix, &r, path, 0, c);
  }
  free(abs);
  record_clear(&r);
  attach_doc_clear(&doc);
  return rc;
}

/* What to do when writing the index failed with msg: the disk's cause, or
 * else making room (a write that fails is the disk saying no). */
static const char *disk_advice(const char *msg) {
  const char *a = cli_io_advice(msg);
  return a ? a : "make room and run the same command again";
}

/* Hands one record to the sink: EXIT_OK (added or skipped with a line), or
 * the exit code of a fatal error. line 0: a file given alone. */
static int add_record(sink *ix, const record *r, const char *path, unsigned long line,
                      index_counts *c) {
  char where[32] = "";
  if (line) snprintf(where, sizeof where, ":%lu", line);
  engine_status st = sink_add(ix, r);
  if (st == ENGINE_OK) {
    c->added++;
  } else if (st == ENGINE_INVALID && !ix->bulk) {
    fprintf(stderr, "%s%s: skipped: %s\n", path, where, sink_errmsg(ix));
    c->skipped++;
  } else if (st == ENGINE_IO && !ix->bulk) { /* full disk, quota, read-only: the last commit stands */
    cli_error("%s%s: cannot write the index: %s; it keeps what was committed before: %s", path,
              where, sink_errmsg(ix), disk_advice(sink_errmsg(ix)));
    return cli_exit_for(st);
  } else {
    cli_error("%s%s: %s", path, where, sink_errmsg(ix));
    return cli_exit_for(st);
  }
  return EXIT_OK;
}

/* Indexes one file; returns EXIT_OK, or the exit code of a fatal error
 * (bad lines are counted, reported and skipped, never fatal). */

static int index_file(sink *ix, const char *path, int ocr, index_counts *c) {
  if (strcmp(path, "-") != 0 && is_attachment(path)) return index_attachment(ix, path, ocr, c);
  record_reader *rd = record_reader_open(path);
  if (!rd) {
    cli_error("cannot read %s: %s", path, strerror(errno));
    c->skipped++;
    return EXIT_OK;
  }
  record r = {0};
  char err[256];
  int repaired, got, rc = EXIT_OK;
  while (rc == EXIT_OK && (got = record_reader_next(rd, &r, &repaired, err, sizeof err)) != 0) {
    unsigned long line = record_reader_line(rd);
    if (got == -2) { /* never taken for the end: what was read before is kept */
      cli_error("%s:%lu: cannot read: %s (a read error, not the end of the input)", path, line, err);
      rc = EXIT_IO;
      break;
    }
    if (got < 0) {
      fprintf(stderr, "%s:%lu: skipped: %s\n", path, line, err);
      c->skipped++;
      continue;
    }
    if (repaired) {
      fprintf(stderr, "%s:%lu: invalid UTF-8 replaced by U+FFFD\n", path, line);
      c->repaired++;
    }
    rc = add_record(ix, &r, path, line, c);
    record_clear(&r);
  }
  record_reader_close(rd);
  return rc;
}

static void on_store_log(void *ctx, const char *where, const char *msg) {
  (void)ctx;
  fprintf(stderr, "tracuu: %s: %s\n", where, msg);
}

/* A record a bulk build's worker could not index. */
static void on_bulk_skip(void *ctx, const char *id, const char *msg) {
  unsigned long *skipped = ctx;
  fprintf(stderr, "tracuu: %s: skipped: %s\n", id ? id : "?", msg);
  (*skipped)++;
}

typedef struct {
  const char *db, *from_store;
  int quiet, incremental, bulk, rebuild, no_ocr;
  unsigned shards, jobs;
  size_t flush;
} index_args;

/* --from-store: the index rebuilt from a crawl's WARC files, no network: a
 * bulk build (added to the index there, or replacing it with --rebuild),
 * record by record with --incremental. Each page keeps the stamp the crawl
 * gave it. */
static int index_from_store(const index_args *a) {
  crawl_summary s;
  char err[1024];
  unsigned long late_skips = 0;
  bulk_opts bo = {.jobs = a->jobs, .flush_bytes = a->flush, .shards = a->shards,
                  .keep_existing = !a->rebuild, .on_skip = on_bulk_skip, .ctx = &late_skips};
  const char *store = a->from_store, *db = a->db;
  crawl_status st = crawl_index_store(store, db, a->incremental ? NULL : &bo, on_store_log, NULL,
                                      &s, err, sizeof err);
  s.indexed -= late_skips < s.indexed ? late_skips : s.indexed;
  s.failed += late_skips;
  if (st != CRAWL_OK) cli_error("cannot index from %s: %s", store, err);
  if (!a->quiet && st == CRAWL_OK)
    fprintf(stderr, "tracuu: indexed %llu pages from %s into %s (%llu removed, %llu failed)\n",
            (unsigned long long)s.indexed, store, db, (unsigned long long)s.removed,
            (unsigned long long)s.failed);
  if (st == CRAWL_INDEX) return cli_exit_for(s.index_status);
  if (st == CRAWL_NOMEM) return EXIT_INTERNAL;
  if (st != CRAWL_OK) return EXIT_IO;
  return s.failed ? EXIT_PARTIAL : EXIT_OK;
}

/* An index already at db (a database, or a sharded directory)? */
static int index_exists(const char *db) {
  char path[SHARD_PATH_MAX];
  struct stat st;
  if (shard_count(db) != 0) return 1;
  return snprintf(path, sizeof path, "%s/iamglass", db) < (int)sizeof path && stat(path, &st) == 0;
}

/* --flush SIZE: bytes, or with k, m, g (1024-based) after the number. */
static int parse_size(const char *flag, const char *arg, size_t *out) {
  char *end;
  errno = 0;
  unsigned long long v = strtoull(arg, &end, 10);
  unsigned long long mult = 1;
  if (*end == 'k' || *end == 'K') mult = 1024ull, end++;
  else if (*end == 'm' || *end == 'M') mult = 1024ull * 1024, end++;
  else if (*end == 'g' || *end == 'G') mult = 1024ull * 1024 * 1024, end++;
  if (errno || end == arg || *end || arg[0] == '-' || v == 0 || v > (1ull << 42) / mult ||
      v * mult < BULK_FLUSH_MIN) {
    cli_error("%s expects a size of at least 64k (bytes, or with k, m or g: 16m), not \"%s\"",
              flag, arg);
    return -1;
  }
  *out = (size_t)(v * mult);
  return 0;
}

static int index_bulk(const index_args *a, int argc, char **argv) {
  unsigned long late_skips = 0;
  bulk_opts bo = {.jobs = a->jobs, .flush_bytes = a->flush,
                  .shards = a->shards, .keep_existing = !a->rebuild,
                  .on_skip = on_bulk_skip, .ctx = &late_skips};
  sink ix = {0};
  char *msg = NULL;
  engine_status st = bulk_open(a->db, &bo, &ix.bulk, &msg);
  if (st != ENGINE_OK) {
    const char *adv = st == ENGINE_IO ? cli_io_advice(msg) : NULL;
    cli_error("cannot open %s for indexing: %s%s%s", a->db, msg ? msg : engine_strerror(st),
              adv ? "; " : "", adv ? adv : "");
    free(msg);
    return cli_exit_for(st);
  }
  index_counts c = {0};
  int rc = EXIT_OK;
  for (int i = optind; rc == EXIT_OK && i < argc; i++) rc = index_file(&ix, argv[i], !a->no_ocr, &c);
  if (rc != EXIT_OK) { /* whole or nothing: a failed build leaves the index as it was */
    bulk_abort(ix.bulk);
    cli_error("nothing was written: the index at %s is as it was before", a->db);
    return rc;
  }
  bulk_stats s;
  st = bulk_finish(ix.bulk, &s, &msg);
  if (st != ENGINE_OK) {
    cli_error("cannot build %s: %s; the index is as it was before%s", a->db,
              msg ? msg : engine_strerror(st),
              st == ENGINE_IO ? ": make room and run the same command again" : "");
    free(msg);
    return cli_exit_for(st);
  }
  c.skipped += late_skips;
  if (!a->quiet)
    fprintf(stderr,
            "tracuu: indexed %lu records into %s%s (%lu skipped, %lu repaired; bulk build, %u jobs, "
            "%llu runs, %.1f s + %.1f s merge)\n",
            c.added - late_skips, a->db, s.shards > 1 ? " (sharded)" : "", c.skipped, c.repaired,
            s.jobs, (unsigned long long)s.runs, s.build_seconds, s.merge_seconds + s.publish_seconds);
  return c.skipped ? EXIT_PARTIAL : EXIT_OK;
}

static int index_incremental(const index_args *a, int argc, char **argv) {
  /* Each record goes to the shard its id hashes to (indexer/shard.h). */
  sink ix = {0};
  char *msg = NULL;
  engine_status st = shard_set_open(a->db, a->shards, &ix.set, &msg);
  if (st != ENGINE_OK) {
    const char *adv = st == ENGINE_IO ? cli_io_advice(msg) : NULL;
    cli_error("cannot open %s for indexing: %s%s%s", a->db, msg ? msg : engine_strerror(st),
              adv ? "; " : "", adv ? adv : "");
    free(msg);
    return cli_exit_for(st);
  }
  index_counts c = {0};
  int rc = EXIT_OK;
  for (int i = optind; rc == EXIT_OK && i < argc; i++) rc = index_file(&ix, argv[i], !a->no_ocr, &c);
  /* Commit what was indexed even after a fatal error: nothing stored is lost. */
  unsigned n_shards = shard_set_count(ix.set);
  engine_status cst = shard_set_close(ix.set);
  if (cst != ENGINE_OK && rc == EXIT_OK) {
    cli_error("cannot commit to %s: %s%s", a->db, engine_strerror(cst),
              cst == ENGINE_IO ? "; it keeps what was committed before: make room and run the "
                                 "same command again" : "");
    rc = cli_exit_for(cst);
  }
  if (!a->quiet && rc == EXIT_OK) /* after a failure the count would claim more than was kept */
    fprintf(stderr, "tracuu: indexed %lu records into %s%s (%lu skipped, %lu repaired)\n", c.added,
            a->db, n_shards > 1 ? " (sharded)" : "", c.skipped, c.repaired);
  if (rc == EXIT_OK && c.skipped) rc = EXIT_PARTIAL;
  return rc;
}

static const struct option index_options[] = {
    {"db", required_argument, NULL, 'd'},
    {"quiet", no_argument, NULL, 'q'},
    {"from-store", required_argument, NULL, 'S'},
    {"shards", required_argument, NULL, 'N'},
    {"jobs", required_argument, NULL, 'j'},
    {"bulk", no_argument, NULL, 'B'},
    {"rebuild", no_argument, NULL, 'R'},
    {"incremental", no_argument, NULL, 'I'},
    {"flush", required_argument, NULL, 'F'},
    {"no-ocr", no_argument, NULL, 'O'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}};

int cmd_index(int argc, char **argv) {
  index_args a = {0}; /* shards 0: as many as the index already has (1 for a new one) */
  int opt;
  optind = 1;
  while ((opt = getopt_long(argc, argv, "d:qS:j:h", index_options, NULL)) != -1) {
    switch (opt) {
    case 'N':
      if (cli_parse_uint("--shards", optarg, SHARD_MAX, &a.shards) != 0) return EXIT_USAGE;
      if (a.shards == 0) {
        cli_error("--shards must be at least 1");
        return EXIT_USAGE;
      }
      break;
    case 'j':
      if (cli_parse_uint("--jobs", optarg, BULK_JOBS_MAX, &a.jobs) != 0) return EXIT_USAGE;
      if (a.jobs == 0) {
        cli_error("--jobs must be at least 1");
        return EXIT_USAGE;
      }
      break;
    case 'F':
      if (parse_size("--flush", optarg, &a.flush) != 0) return EXIT_USAGE;
      break;
    case 'B': a.bulk = 1; break;
    case 'R': a.rebuild = 1; break;
    case 'I': a.incremental = 1; break;
    case 'O': a.no_ocr = 1; break;
    case 'd': a.db = optarg; break;
    case 'q': a.quiet = 1; break;
    case 'S': a.from_store = optarg; break;
    case 'h': cli_help("index", stdout); return EXIT_OK;
    default: return cli_usage_error("index", "d:qS:j:h", argc, argv);
    }
  }
  if (a.incremental && (a.bulk || a.rebuild)) {
    cli_error("--incremental cannot go with %s", a.bulk ? "--bulk" : "--rebuild");
    return EXIT_USAGE;
  }
  if (!a.db) a.db = cli_default_db();
  if (a.from_store) {
    if (optind != argc) {
      cli_error("--from-store takes no FILE.jsonl");
      return EXIT_USAGE;
    }
    return index_from_store(&a);
  }
  if (optind == argc) {
    cli_error("index needs at least one FILE.jsonl (\"-\" reads standard input)");
    return EXIT_USAGE;
  }
  struct stat dst;
  if (stat(a.db, &dst) == 0 && !S_ISDIR(dst.st_mode)) { /* a stub, or anything else */
    cli_error("%s is a file, not an index directory: tracuu index writes into a directory "
              "(created when missing); a stub file of shards is only searched", a.db);
    return EXIT_USAGE;
  }
  int as_bulk = !a.incremental && (a.bulk || a.rebuild || !index_exists(a.db));
  return as_bulk ? index_bulk(&a, argc, argv) : index_incremental(&a, argc, argv);
}
