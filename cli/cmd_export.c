/* tracuu export: every stored record as JSON Lines, the format tracuu index
 * reads (indexer/record.h), so an index can be rebuilt, moved or read by
 * other tools. Records come out in the byte order of their unique id terms
 * (schema.h, PREFIX_ID): stable, and the same for the same documents. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "model/schema.h"


typedef struct {
  engine_db *db;
  cli_record_cb cb;
  void *ctx;
  engine_status st; /* OUT: the first failure */
  int stop;         /* the callback asked to stop */
} walk;

/* One id term: its document's stored data, to the callback. */
static int on_id_term(void *ctx, const char *term, size_t len, uint64_t freq) {
  walk *w = ctx;
  if (freq == 0) return 0;
  engine_query *q = engine_query_term(term, len, 1);
  engine_search_opts o;
  engine_search_opts_init(&o);
  o.limit = 1;
  engine_mset *m = NULL;
  w->st = q ? engine_db_search(w->db, q, &o, &m) : ENGINE_NOMEM;
  engine_query_free(q);
  if (w->st == ENGINE_OK && engine_mset_size(m) == 1) {
    size_t n = 0;
    const char *data = engine_mset_data(m, 0, &n);
    w->st = engine_mset_status(m);
    if (w->st == ENGINE_OK && data && n) w->stop = w->cb(w->ctx, data, n);
  }
  engine_mset_free(m);
  return w->st != ENGINE_OK || w->stop;
}

engine_status cli_each_record(engine_db *db, cli_record_cb cb, void *ctx) {
  walk w = {db, cb, ctx, ENGINE_OK, 0};
  engine_status st = engine_db_allterms(db, PREFIX_ID, on_id_term, &w);
  return st != ENGINE_OK ? st : w.st;
}

static int write_line(void *ctx, const char *json, size_t len) {
  FILE *fp = ctx;
  fwrite(json, 1, len, fp);
  fputc('\n', fp);
  return ferror(fp) != 0;
}

static const struct option export_options[] = {{"db", required_argument, NULL, 'd'},
                                               {"help", no_argument, NULL, 'h'},
                                               {NULL, 0, NULL, 0}};

/* Writes the records of db to path ("-": stdout); returns an exit code. */
static int export_to(engine_db *db, const char *path) {
  int to_stdout = strcmp(path, "-") == 0;
  FILE *fp = to_stdout ? stdout : fopen(path, "w");
  if (!fp) {
    cli_error("cannot write %s: %s", path, strerror(errno));
    return EXIT_IO;
  }
  engine_status st = cli_each_record(db, write_line, fp);
  int werr = fflush(fp) != 0 || ferror(fp);
  if (!to_stdout && fclose(fp) != 0) werr = 1;
  if (werr) {
    cli_error("cannot write %s", to_stdout ? "the records" : path);
    return EXIT_IO;
  }
  if (st != ENGINE_OK) {
    cli_error("cannot read the index: %s", engine_db_errmsg(db));
    return cli_exit_for(st);
  }
  return EXIT_OK;
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
  rc = export_to(db, optind < argc ? argv[optind] : "-");
  engine_db_close(db);
  return rc;
}
