/* tracuu export: every stored record as JSON Lines, the format tracuu index
 * reads (indexer/record.h), so an index can be rebuilt, moved or read by
 * other tools. Records come out in the byte order of their unique id terms
 * (schema.h, PREFIX_ID): stable, and the same for the same documents. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "model/record.h"
#include "model/schema.h"


/* A writer committing twice during a walk discards the revision it reads:
 * the walk then reopens and goes on after the last id it handed out. */
#define WALK_MAX_REOPENS 20

typedef struct {
  engine_db *db;
  cli_record_cb cb;
  void *ctx;
  engine_status st; /* OUT: the first failure */
  char *err;        /* OUT: its message */
  size_t errlen;
  int stop;         /* the callback asked to stop */
  char last[ENGINE_MAX_TERM + 1]; /* the id term handed out last ("" none yet) */
  size_t last_len;
} walk;

/* 1 when term sorts after the last one handed out (byte order, as allterms). */
static int after_last(const walk *w, const char *term, size_t len) {
  size_t n = len < w->last_len ? len : w->last_len;
  int c = memcmp(term, w->last, n);
  return c > 0 || (c == 0 && len > w->last_len);
}

/* One id term: its document's stored data, to the callback. */
static int on_id_term(void *ctx, const char *term, size_t len, uint64_t freq) {
  walk *w = ctx;
  if (freq == 0 || len > ENGINE_MAX_TERM || (w->last_len && !after_last(w, term, len))) return 0;
  engine_query *q = engine_query_term(term, len, 1);
  engine_search_opts o;
  engine_search_opts_init(&o);
  o.limit = 1;
  engine_mset *m = NULL;
  w->st = q ? engine_db_search(w->db, q, &o, &m) : ENGINE_NOMEM;
  engine_query_free(q);
  if (w->st != ENGINE_OK && w->st != ENGINE_NOMEM)
    snprintf(w->err, w->errlen, "%s", engine_db_errmsg(w->db));
  if (w->st == ENGINE_OK && engine_mset_size(m) == 1) {
    size_t n = 0;
    const char *data = engine_mset_data(m, 0, &n);
    w->st = engine_mset_status(m);
    if (w->st != ENGINE_OK) snprintf(w->err, w->errlen, "%s", engine_mset_errmsg(m));
    else if (data && n) w->stop = w->cb(w->ctx, data, n);
  }
  engine_mset_free(m);
  if (w->st == ENGINE_OK) {
    memcpy(w->last, term, len);
    w->last_len = len;
  }
  return w->st != ENGINE_OK || w->stop;
}

engine_status cli_each_record(engine_db *db, cli_record_cb cb, void *ctx, char *err,
                              size_t errlen) {
  walk w = {.db = db, .cb = cb, .ctx = ctx, .err = err, .errlen = errlen};
  err[0] = '\0';
  for (int reopens = 0;; reopens++) {
    w.st = ENGINE_OK;
    engine_status st = engine_db_allterms(db, PREFIX_ID, on_id_term, &w);
    if (st != ENGINE_OK) snprintf(err, errlen, "%s", engine_db_errmsg(db));
    else st = w.st;
    if (st != ENGINE_RETRY || w.stop || reopens == WALK_MAX_REOPENS) return st;
    if ((st = engine_db_retry_reopen(db)) != ENGINE_OK) {
      snprintf(err, errlen, "%s", engine_db_errmsg(db));
      return st;
    }
  }
}

typedef struct {
  FILE *fp;
  uint64_t damaged;  /* stored records that do not parse: not written */
  char first[256];   /* why the first did not */
} export_out;

/* Writes one stored record as a line, if it is one: what tracuu index
 * would refuse to read back is damage to report, not a line to write. */
static int write_line(void *ctx, const char *json, size_t len) {
  export_out *o = ctx;
  record r;
  char why[200];
  if (record_parse_stored(json, len, &r, why, sizeof why) != 0) {
    if (o->damaged++ == 0) snprintf(o->first, sizeof o->first, "%s", why);
    return 0;
  }
  record_clear(&r);
  fwrite(json, 1, len, o->fp);
  fputc('\n', o->fp);
  return ferror(o->fp) != 0;
}

static const struct option export_options[] = {{"db", required_argument, NULL, 'd'},
                                               {"help", no_argument, NULL, 'h'},
                                               {NULL, 0, NULL, 0}};

/* Writes the records of db to path ("-": stdout); returns an exit code. */
static int export_to(engine_db *db, const char *const *dbs, size_t n_dbs, const char *path) {
  int to_stdout = strcmp(path, "-") == 0;
  FILE *fp = to_stdout ? stdout : fopen(path, "w");
  if (!fp) {
    cli_error("cannot write %s: %s", path, strerror(errno));
    return EXIT_IO;
  }
  char err[1024];
  export_out o = {.fp = fp};
  engine_status st = cli_each_record(db, write_line, &o, err, sizeof err);
  int werr = fflush(fp) != 0 || ferror(fp);
  int saved = errno;
  if (!to_stdout && fclose(fp) != 0) werr = 1, saved = errno;
  if (werr) {
    cli_error("cannot write %s: %s", to_stdout ? "the records" : path, strerror(saved));
    return EXIT_IO;
  }
  if (st == ENGINE_OK && o.damaged) {
    snprintf(err, sizeof err, "%llu stored record%s do%s not parse (the first: %s); the others "
             "were exported", (unsigned long long)o.damaged, o.damaged > 1 ? "s" : "",
             o.damaged > 1 ? "" : "es", o.first);
    st = ENGINE_CORRUPT;
  }
  return st == ENGINE_OK ? EXIT_OK : cli_index_error(st, dbs, n_dbs, err);
}

int cmd_export(int argc, char **argv) {
  const char *dbs[CLI_MAX_DBS];
  size_t n = 0;
  int opt;
  optind = 1;
  while ((opt = getopt_long(argc, argv, "d:h", export_options, NULL)) != -1) {
    switch (opt) {
    case 'd':
      if (cli_add_db(dbs, &n, optarg) != 0) return EXIT_USAGE;
      break;
    case 'h': cli_help("export", stdout); return EXIT_OK;
    default: return cli_usage_error("export", "d:h", argc, argv);
    }
  }
  if (argc - optind > 1) {
    cli_error("export writes to one FILE (or \"-\"), not %d", argc - optind);
    return EXIT_USAGE;
  }
  engine_db *db = NULL;
  int rc = cli_open_db(dbs, n, &db);
  if (rc != EXIT_OK) return rc;
  rc = export_to(db, dbs, n, optind < argc ? argv[optind] : "-");
  engine_db_close(db);
  return rc;
}
