/* tracuu search and tracuu ref: ranked hits, for people or scripts. */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "cli/output_csv.h"
#include "cli/search_flags.h"
#include "common/timefmt.h"
#include "query/query.h"
#include "store/store.h"

/* Prints results, or says why there are none; returns the exit code. */
static int finish(engine_status qs, query_result *res, const char *err, const search_args *a) {
  int rc = EXIT_OK;
  if (qs != ENGINE_OK) {
    rc = cli_index_error(qs, a->dbs, a->n_dbs, err);
  } else if ((a->csv ? output_csv(stdout, res) : output_results(stdout, res, &a->out)) != 0 ||
             fflush(stdout) != 0) {
    cli_error("cannot write the results: %s", strerror(errno));
    rc = EXIT_IO;
  }
  query_result_free(res);
  return rc;
}

/* --since: the first-indexed stamp (ms) documents must have at least.
 * DATE is the start of that day in local time (or an ISO 8601 time);
 * last-crawl is after what the store's last crawl report says the index
 * held when it started. Returns 0, or -1 after printing the error. */
static int since_stamp(const search_args *a, int64_t *ms) {
  char iso[11];
  int64_t t;
  if (strcmp(a->since, "last-crawl") == 0) {
    char store[4200], err[512], *json = NULL;
    int64_t written;
    if (a->store) snprintf(store, sizeof store, "%s", a->store);
    else cli_default_store(a->n_dbs ? a->dbs[0] : cli_default_db(), store, sizeof store);
    int got = store_report_read(store, &json, &written, err, sizeof err);
    json_object *o = got == 1 ? json_tokener_parse(json) : NULL, *v;
    free(json);
    if (got < 0) cli_error("--since last-crawl: %s", err);
    else if (!got) cli_error("--since last-crawl: %s holds no crawl report (run tracuu crawl, or give "
                             "--store)", store);
    else if (!o) cli_error("--since last-crawl: %s/last-crawl.json is not a crawl report", store);
    if (o && json_object_object_get_ex(o, "indexed_after", &v)) *ms = json_object_get_int64(v) + 1;
    else if (o && json_object_object_get_ex(o, "started", &v) &&
             timefmt_parse_iso(json_object_get_string(v), &t) == 0)
      *ms = t * 1000;
    else if (o) cli_error("--since last-crawl: the report in %s is from a tracuu that kept no "
                          "stamps: give a date", store);
    int ok = o && *ms > 0;
    json_object_put(o);
    return ok ? 0 : -1;
  }
  if (strchr(a->since, 'T') && timefmt_parse_iso(a->since, &t) == 0) {
    *ms = t * 1000;
    return 0;
  }
  if (!query_parse_date(a->since, 0, iso)) {
    cli_error("--since expects a date as YYYY-MM-DD (or dd/mm/yyyy, YYYY-MM, YYYY), a time such as "
              "2025-01-02T02:00Z, or last-crawl, not \"%s\"", a->since);
    return -1;
  }
  struct tm tm = {.tm_isdst = -1};
  sscanf(iso, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  *ms = (int64_t)mktime(&tm) * 1000;
  return 0;
}

/* What search and ref run once the index is open. */
typedef engine_status (*run_fn)(engine_db *db, const search_args *a, const char *text,
                               query_result **out, char *err, size_t errlen);

static engine_status run_search(engine_db *db, const search_args *a, const char *text,
                               query_result **out, char *err, size_t errlen) {
  (void)text; /* already in a->req */
  return query_run(db, &a->req, out, err, errlen);
}

static engine_status run_ref(engine_db *db, const search_args *a, const char *number,
                            query_result **out, char *err, size_t errlen) {
  return query_ref(db, number, a->req.limit, out, err, errlen);
}

/* Opens the index, runs, prints, returns the exit code. A remote shard that
 * drops out during the search fails it (EXIT_NETWORK); with --allow-partial
 * the index is opened again, without the shards now out of reach, and the
 * search runs once more. Partial results exit with EXIT_PARTIAL after a
 * warning on stderr for each shard left out. */
static int open_and_run(search_args *a, run_fn run, const char *text) {
  engine_status qs = ENGINE_NETWORK;
  query_result *res = NULL;
  char err[512] = "";
  for (int attempt = 0; qs == ENGINE_NETWORK && attempt < 2; attempt++) {
    if (attempt > 0 && !a->dbo.allow_partial) break;
    engine_db *db = NULL;
    int rc = cli_open_db_opts(a->dbs, a->n_dbs, &a->dbo, &db);
    if (rc != EXIT_OK) return rc;
    qs = run(db, a, text, &res, err, sizeof err);
    engine_db_close(db);
  }
  int rc = finish(qs, res, err, a);
  if (rc == EXIT_OK && a->dbo.skipped) {
    cli_error("partial results: %zu shard%s left out", a->dbo.skipped, a->dbo.skipped > 1 ? "s" : "");
    rc = EXIT_PARTIAL;
  }
  return rc;
}

int cmd_search(int argc, char **argv) {
  search_args a = {0};
  query_request_init(&a.req);
  search_flags_defaults(&a.req);
  int p = search_flags_parse("search", argc, argv, &a);
  if (p) return p > 0 ? EXIT_OK : EXIT_USAGE;
  char *text = search_flags_words(optind, argc, argv);
  if (!text) {
    cli_error("the query is too long");
    return EXIT_USAGE;
  }
  if (!text[0] && !a.req.from && !a.req.to && !a.req.type && !a.req.issuer && !a.req.category &&
      !a.req.signer && !a.req.status && !a.since) {
    cli_error("search needs a QUERY or a filter (--from, --to, --type, --issuer, --category, "
              "--signer, --status, --since)");
    free(text);
    return EXIT_USAGE;
  }
  if (a.since && since_stamp(&a, &a.req.since_ms) != 0) {
    free(text);
    return EXIT_USAGE;
  }
  a.req.text = text;
  a.req.suggest = !a.out.json || a.req.facets;
  int rc = open_and_run(&a, run_search, text);
  free(text);
  return rc;
}

int cmd_ref(int argc, char **argv) {
  search_args a = {0};
  query_request_init(&a.req);
  a.req.limit = 1000;
  int p = search_flags_parse("ref", argc, argv, &a);
  if (p) return p > 0 ? EXIT_OK : EXIT_USAGE;
  char *number = search_flags_words(optind, argc, argv);
  if (!number || !number[0]) {
    cli_error("ref needs a legal NUMBER, e.g. tracuu ref 2696/QĐ-UBND");
    free(number);
    return EXIT_USAGE;
  }
  int rc = open_and_run(&a, run_ref, number);
  free(number);
  return rc;
}
