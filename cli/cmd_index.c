/* tracuu index: JSON Lines records into the index. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "crawler/crawl.h"
#include "indexer/indexer.h"
#include "indexer/shard.h"
#include "model/record.h"

typedef struct {
  unsigned long added, skipped, repaired;
} index_counts;

/* Indexes one file; returns EXIT_OK, or the exit code of a fatal error
 * (bad lines are counted, reported and skipped, never fatal). */
static int index_file(shard_set *ix, const char *path, index_counts *c) {
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
    if (got < 0) {
      fprintf(stderr, "%s:%lu: skipped: %s\n", path, line, err);
      c->skipped++;
      continue;
    }
    if (repaired) {
      fprintf(stderr, "%s:%lu: invalid UTF-8 replaced by U+FFFD\n", path, line);
      c->repaired++;
    }
    engine_status st = shard_set_add(ix, &r);
    if (st == ENGINE_OK) {
      c->added++;
    } else if (st == ENGINE_INVALID) {
      fprintf(stderr, "%s:%lu: skipped: %s\n", path, line, shard_set_errmsg(ix));
      c->skipped++;
    } else if (st == ENGINE_IO) { /* full disk, quota, read-only: the last commit stands */
      cli_error("%s:%lu: cannot write the index: %s; it keeps what was committed before: "
                "make room and run the same command again", path, line, shard_set_errmsg(ix));
      rc = cli_exit_for(st);
    } else {
      cli_error("%s:%lu: %s", path, line, shard_set_errmsg(ix));
      rc = cli_exit_for(st);
    }
    record_clear(&r);
  }
  record_reader_close(rd);
  return rc;
}

static void on_store_log(void *ctx, const char *where, const char *msg) {
  (void)ctx;
  fprintf(stderr, "tracuu: %s: %s\n", where, msg);
}

/* --from-store: the index rebuilt from a crawl's WARC files, no network. */
static int index_from_store(const char *store, const char *db, int quiet) {
  crawl_summary s;
  char err[1024];
  crawl_status st = crawl_index_store(store, db, on_store_log, NULL, &s, err, sizeof err);
  if (st != CRAWL_OK) cli_error("cannot index from %s: %s", store, err);
  if (!quiet)
    fprintf(stderr, "tracuu: indexed %llu pages from %s into %s (%llu removed, %llu failed)\n",
            (unsigned long long)s.indexed, store, db, (unsigned long long)s.removed,
            (unsigned long long)s.failed);
  if (st == CRAWL_INDEX) return cli_exit_for(s.index_status);
  if (st == CRAWL_NOMEM) return EXIT_INTERNAL;
  if (st != CRAWL_OK) return EXIT_IO;
  return s.failed ? EXIT_PARTIAL : EXIT_OK;
}

static const struct option index_options[] = {
    {"db", required_argument, NULL, 'd'},
    {"quiet", no_argument, NULL, 'q'},
    {"from-store", required_argument, NULL, 'S'},
    {"shards", required_argument, NULL, 'N'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}};

int cmd_index(int argc, char **argv) {
  const char *db = NULL, *from_store = NULL;
  int quiet = 0, opt;
  unsigned shards = 0; /* 0: as many as the index already has (1 for a new one) */
  optind = 1;
  while ((opt = getopt_long(argc, argv, "d:qS:h", index_options, NULL)) != -1) {
    switch (opt) {
    case 'N':
      if (cli_parse_uint("--shards", optarg, SHARD_MAX, &shards) != 0) return EXIT_USAGE;
      if (shards == 0) {
        cli_error("--shards must be at least 1");
        return EXIT_USAGE;
      }
      break;
    case 'd': db = optarg; break;
    case 'q': quiet = 1; break;
    case 'S': from_store = optarg; break;
    case 'h': cli_help("index", stdout); return EXIT_OK;
    default: return cli_usage_error("index", "d:qS:h", argc, argv);
    }
  }
  if (from_store) {
    if (optind != argc) {
      cli_error("--from-store takes no FILE.jsonl");
      return EXIT_USAGE;
    }
    return index_from_store(from_store, db ? db : cli_default_db(), quiet);
  }
  if (optind == argc) {
    cli_error("index needs at least one FILE.jsonl (\"-\" reads standard input)");
    return EXIT_USAGE;
  }
  if (!db) db = cli_default_db();
  /* Each record goes to the shard its id hashes to (indexer/shard.h). */
  shard_set *ix = NULL;
  char *msg = NULL;
  engine_status st = shard_set_open(db, shards, &ix, &msg);
  if (st != ENGINE_OK) {
    cli_error("cannot open %s for indexing: %s", db, msg ? msg : engine_strerror(st));
    free(msg);
    return cli_exit_for(st);
  }
  index_counts c = {0};
  int rc = EXIT_OK;
  for (int i = optind; rc == EXIT_OK && i < argc; i++) rc = index_file(ix, argv[i], &c);
  /* Commit what was indexed even after a fatal error: nothing stored is lost. */
  unsigned n_shards = shard_set_count(ix);
  engine_status cst = shard_set_close(ix);
  if (cst != ENGINE_OK && rc == EXIT_OK) {
    cli_error("cannot commit to %s: %s%s", db, engine_strerror(cst),
              cst == ENGINE_IO ? "; it keeps what was committed before: make room and run the "
                                 "same command again" : "");
    rc = cli_exit_for(cst);
  }
  if (!quiet && rc == EXIT_OK) /* after a failure the count would claim more than was kept */
    fprintf(stderr, "tracuu: indexed %lu records into %s%s (%lu skipped, %lu repaired)\n", c.added,
            db, n_shards > 1 ? " (sharded)" : "", c.skipped, c.repaired);
  if (rc == EXIT_OK && c.skipped) rc = EXIT_PARTIAL;
  return rc;
}
