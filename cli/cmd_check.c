/* tracuu check: is this index sound? Xapian's own check of every table
 * (engine_check), then tracuu's: every stored record parses and holds its
 * schema terms (indexer/check.h). Exit 0 when sound; 5 with one line that
 * sums up the damage when not. Progress on a terminal. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "indexer/check.h"
#include "indexer/shard.h"

typedef struct {
  const char *name;    /* as given */
  int verbose;         /* every fault on its own line */
  int tty;             /* progress on stderr */
  uint64_t total;      /* documents, for the progress line */
  char first[512];     /* the first fault, for the summary */
  uint64_t faults;
} check_run;

static void progress_line(check_run *r, const char *what) {
  if (r->tty) fprintf(stderr, "\r\033[Ktracuu: checking %s: %s", r->name, what);
}

static void progress_done(check_run *r) {
  if (r->tty) fputs("\r\033[K", stderr);
}

/* Each line of Xapian's report: a table name is progress, a fault is kept. */
static void on_xapian_line(void *ctx, const char *line) {
  check_run *r = ctx;
  size_t n = strlen(line);
  if (n > 1 && line[n - 1] == ':') {
    char what[128];
    snprintf(what, sizeof what, "Xapian's check of the %.*s table", (int)(n - 1), line);
    progress_line(r, what);
  } else if (r->verbose && strncmp(line, "remote shard", 12) == 0) {
    progress_done(r);
    cli_error("%s: %s", r->name, line);
  }
}

static void on_fault(void *ctx, uint64_t docid, const char *what) {
  check_run *r = ctx;
  if (r->faults++ == 0) snprintf(r->first, sizeof r->first, "document %llu %s", (unsigned long long)docid, what);
  if (r->verbose) {
    progress_done(r);
    cli_error("%s: document %llu %s", r->name, (unsigned long long)docid, what);
  }
}

static void on_progress(void *ctx, uint64_t done) {
  check_run *r = ctx;
  char what[96];
  snprintf(what, sizeof what, "%llu of %llu documents", (unsigned long long)done,
           (unsigned long long)r->total);
  progress_line(r, what);
}

static int damaged(check_run *r, const char *what) {
  progress_done(r);
  cli_error("%s is damaged: %s: rebuild it (tracuu index, or tracuu index --from-store)", r->name,
            what);
  return EXIT_DAMAGED;
}

/* Checks one index (a directory, a sharded index, a stub); returns an exit code. */
static int check_one(check_run *r) {
  char path[SHARD_PATH_MAX];
  const char *resolved = shard_resolve_db(r->name, path, sizeof path);
  /* Xapian's check itself faults on some damaged blocks: that is damage too.
   * It reads a whole table in one call: no watchdog there. */
  cli_hang_guard(0);
  cli_crash_guard_line(CLI_GUARD_FAULT, EXIT_DAMAGED,
                       "tracuu: %s is damaged: Xapian crashed checking it (it faults on some "
                       "damaged blocks): rebuild it (tracuu index, or tracuu index --from-store)",
                       r->name);
  char *report = NULL;
  engine_status st = engine_check(resolved, on_xapian_line, r, &report);
  int rc = EXIT_OK;
  if (st == ENGINE_CORRUPT) {
    char what[1200];
    snprintf(what, sizeof what, "Xapian's check: %.1100s", report ? report : "");
    rc = damaged(r, what);
  } else if (st != ENGINE_OK) {
    progress_done(r);
    rc = cli_index_error(st, &r->name, 1, report);
  }
  free(report);
  if (rc != EXIT_OK) return rc;

  engine_db *db = NULL;
  progress_line(r, "opening");
  rc = cli_open_db(&r->name, 1, &db);
  if (rc != EXIT_OK) return rc; /* its line is said: another schema, ... */
  cli_crash_guard_line(CLI_GUARD_FAULT, EXIT_DAMAGED,
                       "tracuu: %s is damaged: Xapian crashed reading its documents (it faults "
                       "on some damaged blocks): rebuild it (tracuu index, or tracuu index "
                       "--from-store)", r->name);
  cli_crash_guard_line(CLI_GUARD_HANG, EXIT_DAMAGED,
                       "tracuu: %s is damaged: Xapian read one of its documents for %d s of CPU "
                       "without an answer (it loops for ever on some damaged blocks): rebuild "
                       "it (tracuu index, or tracuu index --from-store)", r->name, CLI_HANG_SECONDS);
  r->total = engine_db_doccount(db);
  index_check_callbacks cb = {on_fault, on_progress, r};
  index_check_counts c;
  char err[1024];
  st = indexer_check(db, &cb, &c, err, sizeof err);
  engine_db_close(db);
  if (st == ENGINE_CORRUPT) {
    char what[1200];
    snprintf(what, sizeof what, "a document Xapian cannot read: %s", err);
    return damaged(r, what);
  }
  if (st != ENGINE_OK) {
    progress_done(r);
    return cli_index_error(st, &r->name, 1, err);
  }
  if (c.bad_records || c.bad_terms) {
    char what[1200];
    snprintf(what, sizeof what, "%llu of %llu documents (%llu records that do not parse, %llu "
             "with schema terms not their record's); the first: %s",
             (unsigned long long)(c.bad_records + c.bad_terms), (unsigned long long)c.documents,
             (unsigned long long)c.bad_records, (unsigned long long)c.bad_terms, r->first);
    return damaged(r, what);
  }
  progress_done(r);
  printf("%s: sound (%llu documents: every table by Xapian's check, every record and its "
         "schema terms by tracuu's)\n", r->name, (unsigned long long)c.documents);
  return EXIT_OK;
}

static const struct option check_options[] = {{"db", required_argument, NULL, 'd'},
                                              {"verbose", no_argument, NULL, 'v'},
                                              {"help", no_argument, NULL, 'h'},
                                              {NULL, 0, NULL, 0}};

int cmd_check(int argc, char **argv) {
  const char *dbs[CLI_MAX_DBS];
  size_t n = 0;
  int opt, verbose = 0;
  optind = 1;
  while ((opt = getopt_long(argc, argv, "d:vh", check_options, NULL)) != -1) {
    switch (opt) {
    case 'd':
      if (cli_add_db(dbs, &n, optarg) != 0) return EXIT_USAGE;
      break;
    case 'v': verbose = 1; break;
    case 'h': cli_help("check", stdout); return EXIT_OK;
    default: return cli_usage_error("check", "d:vh", argc, argv);
    }
  }
  if (optind != argc) {
    cli_error("check takes no arguments, only --db DIR (repeat it for several indexes)");
    return EXIT_USAGE;
  }
  if (n == 0) dbs[n++] = cli_default_db();
  int rc = EXIT_OK;
  for (size_t i = 0; i < n; i++) {
    check_run r = {.name = dbs[i], .verbose = verbose, .tty = isatty(STDERR_FILENO)};
    int one = check_one(&r);
    if (rc == EXIT_OK) rc = one; /* the first failure decides */
  }
  return rc;
}
