/* search_flags: the options of tracuu search (search_flags.h). */
#include "cli/search_flags.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/settings.h"
#include "common/dynbuf.h"

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
int search_flags_parse(const char *cmd, int argc, char **argv, search_args *a) {
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

/* The words after the flags, joined by spaces. Caller frees. */
char *search_flags_words(int from, int argc, char **argv) {
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

/* The configuration's limit, sort and halflife (settings.h); flags override them. */
void search_flags_defaults(query_request *req) {
  const char *limit = settings_get(SETTING_LIMIT), *sort = settings_get(SETTING_SORT),
             *halflife = settings_get(SETTING_HALFLIFE);
  if (limit) req->limit = (uint32_t)strtoul(limit, NULL, 10); /* each checked when it was read */
  if (sort) parse_sort(sort, &req->sort);
  if (halflife) req->halflife_days = strtod(halflife, NULL);
}

