/* tracuu search and tracuu ref: ranked hits, for people or scripts. */
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "common/timefmt.h"
#include "store/store.h"
#include "cli/output.h"
#include "cli/output_csv.h"
#include "cli/settings.h"
#include "common/dynbuf.h"
#include "query/query.h"


static int parse_sort(const char *arg, query_sort *out) {
  if (strcmp(arg, "blend") == 0) *out = QUERY_SORT_BLEND;
  else if (strcmp(arg, "relevance") == 0) *out = QUERY_SORT_RELEVANCE;
  else if (strcmp(arg, "date") == 0) *out = QUERY_SORT_DATE;
  else {
    cli_error("--sort must be relevance, date or blend, not \"%s\"", arg);
    return -1;
  }
  return 0;
}

static int check_date_flag(const char *flag, const char *arg) {
  char iso[11];
  if (query_parse_date(arg, 0, iso)) return 0;
  cli_error("%s expects a date as YYYY-MM-DD (or dd/mm/yyyy, YYYY-MM, YYYY), not \"%s\"", flag, arg);
  return -1;
}

/* Prints results and maps a query status onto an exit code. */
static int finish(query_status qs, query_result *res, const char *err, const output_opts *o, int csv) {
  int rc = EXIT_OK;
  switch (qs) {
  case QUERY_OK:
    if ((csv ? output_csv(stdout, res) : output_results(stdout, res, o)) != 0) {
      cli_error("cannot write the results");
      rc = EXIT_IO;
    }
    break;
  case QUERY_BAD: cli_error("%s", err); rc = EXIT_BAD_QUERY; break;
  case QUERY_ENGINE: cli_error("search failed: %s", err); rc = EXIT_INTERNAL; break;
  case QUERY_NOMEM: cli_error("out of memory"); rc = EXIT_INTERNAL; break;
  case QUERY_NETWORK: cli_network_error(err); rc = EXIT_NETWORK; break;
  }
  query_result_free(res);
  return rc;
}

enum { OPT_FROM = 256, OPT_TO, OPT_TYPE, OPT_ISSUER, OPT_CATEGORY, OPT_SORT, OPT_FACETS,
       OPT_EXPLAIN, OPT_COLOR, OPT_OFFSET, OPT_HALFLIFE, OPT_TODAY, OPT_SIGNER, OPT_STATUS,
       OPT_TIMEOUT, OPT_PARTIAL, OPT_FORMAT, OPT_SINCE, OPT_STORE };

static const struct option search_options[] = {
    {"db", required_argument, NULL, 'd'},
    {"json", no_argument, NULL, 'j'},
    {"limit", required_argument, NULL, 'n'},
    {"offset", required_argument, NULL, OPT_OFFSET},
    {"sort", required_argument, NULL, OPT_SORT},
    {"from", required_argument, NULL, OPT_FROM},
    {"to", required_argument, NULL, OPT_TO},
    {"type", required_argument, NULL, OPT_TYPE},
    {"issuer", required_argument, NULL, OPT_ISSUER},
    {"category", required_argument, NULL, OPT_CATEGORY},
    {"signer", required_argument, NULL, OPT_SIGNER},
    {"status", required_argument, NULL, OPT_STATUS},
    {"facets", no_argument, NULL, OPT_FACETS},
    {"explain", no_argument, NULL, OPT_EXPLAIN},
    {"color", optional_argument, NULL, OPT_COLOR},
    {"halflife", required_argument, NULL, OPT_HALFLIFE},
    {"today", required_argument, NULL, OPT_TODAY},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"allow-partial", no_argument, NULL, OPT_PARTIAL},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"since", required_argument, NULL, OPT_SINCE},
    {"store", required_argument, NULL, OPT_STORE},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}};

typedef struct {
  const char *dbs[CLI_MAX_DBS];
  size_t n_dbs;
  output_opts out;
  cli_color color;
  query_request req;
  cli_db_opts dbo;
  int csv; /* --format csv */
  const char *since, *store; /* --since DATE|last-crawl, --store DIR (for last-crawl) */
} search_args;

/* --format text|json|csv */
static int parse_format(const char *arg, search_args *a) {
  a->csv = strcmp(arg, "csv") == 0;
  a->out.json = strcmp(arg, "json") == 0;
  if (a->csv || a->out.json || strcmp(arg, "text") == 0) return 0;
  cli_error("--format must be text, json or csv, not \"%s\"", arg);
  return -1;
}

/* Parses the flags common to search and ref; returns -1 on a usage error,
 * 1 when --help was printed, 0 otherwise. */
static int parse_search_flags(const char *cmd, int argc, char **argv, search_args *a) {
  int opt;
  unsigned v;
  optind = 1;
  while ((opt = getopt_long(argc, argv, "d:jn:h", search_options, NULL)) != -1) {
    switch (opt) {
    case 'd':
      if (cli_add_db(a->dbs, &a->n_dbs, optarg) != 0) return -1;
      break;
    case 'j': a->out.json = 1; break;
    case 'n':
      if (cli_parse_uint("--limit", optarg, 100000, &v) != 0) return -1;
      a->req.limit = v;
      break;
    case OPT_OFFSET:
      if (cli_parse_uint("--offset", optarg, 1000000, &v) != 0) return -1;
      a->req.offset = v;
      break;
    case OPT_SORT:
      if (parse_sort(optarg, &a->req.sort) != 0) return -1;
      break;
    case OPT_FROM:
      if (check_date_flag("--from", optarg) != 0) return -1;
      a->req.from = optarg;
      break;
    case OPT_TO:
      if (check_date_flag("--to", optarg) != 0) return -1;
      a->req.to = optarg;
      break;
    case OPT_TODAY:
      if (check_date_flag("--today", optarg) != 0) return -1;
      a->req.today = optarg;
      break;
    case OPT_TYPE: a->req.type = optarg; break;
    case OPT_ISSUER: a->req.issuer = optarg; break;
    case OPT_CATEGORY: a->req.category = optarg; break;
    case OPT_SIGNER: a->req.signer = optarg; break;
    case OPT_STATUS: {
      query_doc_status st;
      if (!query_doc_status_parse(optarg, &st)) {
        cli_error("--status must be in-force, amended, replaced, repealed or unknown, not \"%s\"", optarg);
        return -1;
      }
      a->req.status = optarg;
      break;
    }
    case OPT_FACETS: a->req.facets = 1; break;
    case OPT_EXPLAIN: a->req.explain = a->out.explain = 1; break;
    case OPT_COLOR:
      if (cli_parse_color(optarg, &a->color) != 0) return -1;
      break;
    case OPT_HALFLIFE:
      if (cli_parse_uint("--halflife", optarg, 1000000, &v) != 0 || v == 0) {
        if (v == 0) cli_error("--halflife must be at least 1 day");
        return -1;
      }
      a->req.halflife_days = v;
      break;
    case OPT_TIMEOUT:
      if (cli_parse_uint("--timeout", optarg, 3600000, &v) != 0) return -1;
      if (v == 0) {
        cli_error("--timeout must be at least 1 millisecond");
        return -1;
      }
      a->dbo.timeout_ms = v;
      break;
    case OPT_PARTIAL: a->dbo.allow_partial = 1; break;
    case OPT_FORMAT:
      if (parse_format(optarg, a) != 0) return -1;
      break;
    case OPT_SINCE: a->since = optarg; break;
    case OPT_STORE: a->store = optarg; break;
    case 'h': cli_help(cmd, stdout); return 1;
    default: cli_usage_error(cmd, "d:jn:h", argc, argv); return -1;
    }
  }
  a->out.color = !a->out.json && cli_use_color(a->color, stdout);
  return 0;
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

/* The words after the flags, joined by spaces. Caller frees. */
static char *join_args(int from, int argc, char **argv) {
  dynbuf b;
  dynbuf_init(&b, 1 << 16);
  for (int i = from; i < argc; i++) {
    if (i > from) dynbuf_append_byte(&b, ' ');
    dynbuf_append_str(&b, argv[i]);
  }
  if (dynbuf_status(&b) != DYNBUF_OK) {
    dynbuf_free(&b);
    return NULL;
  }
  return dynbuf_take(&b);
}

/* What search and ref run once the index is open. */
typedef query_status (*run_fn)(engine_db *db, const search_args *a, const char *text,
                               query_result **out, char *err, size_t errlen);

static query_status run_search(engine_db *db, const search_args *a, const char *text,
                               query_result **out, char *err, size_t errlen) {
  (void)text; /* already in a->req */
  return query_run(db, &a->req, out, err, errlen);
}

static query_status run_ref(engine_db *db, const search_args *a, const char *number,
                            query_result **out, char *err, size_t errlen) {
  return query_ref(db, number, a->req.limit, out, err, errlen);
}

/* Opens the index, runs, prints, returns the exit code. A remote shard that
 * drops out during the search fails it (EXIT_NETWORK); with --allow-partial
 * the index is opened again, without the shards now out of reach, and the
 * search runs once more. Partial results exit with EXIT_PARTIAL after a
 * warning on stderr for each shard left out. */
static int open_and_run(search_args *a, run_fn run, const char *text) {
  query_status qs = QUERY_NETWORK;
  query_result *res = NULL;
  char err[512] = "";
  for (int attempt = 0; qs == QUERY_NETWORK && attempt < 2; attempt++) {
    if (attempt > 0 && !a->dbo.allow_partial) break;
    engine_db *db = NULL;
    int rc = cli_open_db_opts(a->dbs, a->n_dbs, &a->dbo, &db);
    if (rc != EXIT_OK) return rc;
    qs = run(db, a, text, &res, err, sizeof err);
    engine_db_close(db);
  }
  int rc = finish(qs, res, err, &a->out, a->csv);
  if (rc == EXIT_OK && a->dbo.skipped) {
    cli_error("partial results: %zu shard%s left out", a->dbo.skipped, a->dbo.skipped > 1 ? "s" : "");
    rc = EXIT_PARTIAL;
  }
  return rc;
}

/* The configuration's limit, sort and halflife (settings.h); flags override them. */
static void settings_defaults(query_request *req) {
  const char *limit = settings_get(SETTING_LIMIT), *sort = settings_get(SETTING_SORT),
             *halflife = settings_get(SETTING_HALFLIFE);
  if (limit) req->limit = (uint32_t)strtoul(limit, NULL, 10); /* each checked when it was read */
  if (sort) parse_sort(sort, &req->sort);
  if (halflife) req->halflife_days = strtod(halflife, NULL);
}

int cmd_search(int argc, char **argv) {
  search_args a = {0};
  query_request_init(&a.req);
  settings_defaults(&a.req);
  int p = parse_search_flags("search", argc, argv, &a);
  if (p) return p > 0 ? EXIT_OK : EXIT_USAGE;
  char *text = join_args(optind, argc, argv);
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
  int p = parse_search_flags("ref", argc, argv, &a);
  if (p) return p > 0 ? EXIT_OK : EXIT_USAGE;
  char *number = join_args(optind, argc, argv);
  if (!number || !number[0]) {
    cli_error("ref needs a legal NUMBER, e.g. tracuu ref 2696/QĐ-UBND");
    free(number);
    return EXIT_USAGE;
  }
  int rc = open_and_run(&a, run_ref, number);
  free(number);
  return rc;
}
