/* tracuu stats: what an index holds: documents, schema, terms, size on
 * disk, the range of dates, documents per site (the host of their url) and
 * the last crawl's summary (STORE/last-crawl.json), as text or one JSON
 * object. Sites are counted by reading every stored record: linear in the
 * documents, like an export. */
#include <dirent.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli/cli.h"
#include "model/schema.h"
#include "store/store.h"

#define HOST_MAX 256
#define WALK_MAX_DEPTH 8 /* a database, a sharded index: 2 levels are enough */
#define STATS_MAX_REOPENS 5

static const struct option stats_options[] = {{"db", required_argument, NULL, 'd'},
                                              {"json", no_argument, NULL, 'j'},
                                              {"help", no_argument, NULL, 'h'},
                                              {NULL, 0, NULL, 0}};

typedef struct {
  uint64_t terms;
  uint64_t damaged;       /* stored records that are not JSON objects */
  char first[9], last[9]; /* YYYYMMDD of the D terms, "" when none */
  json_object *sites;     /* host -> count */
} stats;

static int count_term(void *ctx, const char *term, size_t len, uint64_t freq) {
  (void)term, (void)len, (void)freq;
  ((stats *)ctx)->terms++;
  return 0;
}

static int date_term(void *ctx, const char *term, size_t len, uint64_t freq) {
  stats *s = ctx;
  (void)freq;
  if (len != 9) return 0; /* "D" + YYYYMMDD */
  if (!s->first[0]) memcpy(s->first, term + 1, 8);
  memcpy(s->last, term + 1, 8);
  return 0;
}

/* The host of url ("-" when there is none) into out. */
static void url_host(const char *url, char *out, size_t len) {
  const char *p = url ? strstr(url, "://") : NULL;
  if (!p) {
    snprintf(out, len, "-");
    return;
  }
  p += 3;
  size_t n = strcspn(p, "/?#");
  const char *at = memchr(p, '@', n); /* user:password@host */
  if (at) n -= (size_t)(at + 1 - p), p = at + 1;
  snprintf(out, len, "%.*s", (int)(n < len ? n : len - 1), p);
}

static int count_site(void *ctx, const char *data, size_t len) {
  stats *s = ctx;
  json_tokener *tok = json_tokener_new();
  json_object *rec = tok ? json_tokener_parse_ex(tok, data, (int)len) : NULL;
  if (!rec || !json_object_is_type(rec, json_type_object)) { /* not what tracuu stored */
    s->damaged++;
    json_object_put(rec);
    json_tokener_free(tok);
    return 1;
  }
  json_object *url = NULL, *n = NULL;
  char host[HOST_MAX];
  json_object_object_get_ex(rec, "url", &url);
  url_host(url ? json_object_get_string(url) : NULL, host, sizeof host);
  if (json_object_object_get_ex(s->sites, host, &n))
    json_object_set_int64(n, json_object_get_int64(n) + 1);
  else
    json_object_object_add(s->sites, host, json_object_new_int64(1));
  json_object_put(rec);
  json_tokener_free(tok);
  return 0;
}

/* Bytes of the regular files at or under path (symlinks not followed). */
static uint64_t tree_bytes(const char *path, int depth) {
  struct stat st;
  if (lstat(path, &st) != 0) return 0;
  if (S_ISREG(st.st_mode)) return (uint64_t)st.st_size;
  DIR *d = S_ISDIR(st.st_mode) && depth < WALK_MAX_DEPTH ? opendir(path) : NULL;
  uint64_t sum = 0;
  char sub[4096];
  for (struct dirent *e; d && (e = readdir(d)) != NULL;) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    if ((size_t)snprintf(sub, sizeof sub, "%s/%s", path, e->d_name) < sizeof sub)
      sum += tree_bytes(sub, depth + 1);
  }
  if (d) closedir(d);
  return sum;
}

/* Bytes on disk of each local database path (remote ones count 0). */
static uint64_t disk_bytes(const char *const *names, size_t n) {
  uint64_t sum = 0;
  for (size_t i = 0; i < n; i++)
    if (strncmp(names[i], "tcp:", 4) != 0) sum += tree_bytes(names[i], 0);
  return sum;
}

/* STORE/last-crawl.json of the store beside the first index, with "at":
 * when it was written; NULL when there is none. */
static json_object *last_crawl(const char *db) {
  char store[4200], at[32], err[512];
  char *text = NULL;
  int64_t written_at = 0;
  cli_default_store(db, store, sizeof store);
  if (store_report_read(store, &text, &written_at, err, sizeof err) != 1) return NULL;
  json_object *o = json_tokener_parse(text);
  free(text);
  if (!o || !json_object_is_type(o, json_type_object)) {
    json_object_put(o);
    return NULL;
  }
  struct tm tm;
  time_t t = (time_t)written_at;
  strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
  json_object_object_add(o, "at", json_object_new_string(at));
  return o;
}

static json_object *iso_date(const char *ymd) {
  char d[11];
  if (!ymd[0]) return NULL;
  snprintf(d, sizeof d, "%.4s-%.2s-%.2s", ymd, ymd + 4, ymd + 6);
  return json_object_new_string(d);
}

static json_object *stats_json(engine_db *db, const char *schema, const stats *s, uint64_t bytes,
                               json_object *crawl) {
  json_object *o = json_object_new_object(), *dates = json_object_new_object();
  json_object_object_add(o, "documents", json_object_new_int64((int64_t)engine_db_doccount(db)));
  json_object_object_add(o, "schema", json_object_new_string(schema));
  json_object_object_add(o, "terms", json_object_new_int64((int64_t)s->terms));
  json_object_object_add(o, "bytes", json_object_new_int64((int64_t)bytes));
  json_object_object_add(dates, "first", iso_date(s->first));
  json_object_object_add(dates, "last", iso_date(s->last));
  json_object_object_add(o, "dates", dates);
  json_object_object_add(o, "sites", json_object_get(s->sites));
  json_object_object_add(o, "last_crawl", json_object_get(crawl));
  return o;
}

static void print_text(json_object *o) {
  json_object *v, *dates, *sites, *crawl;
  json_object_object_get_ex(o, "dates", &dates);
  json_object_object_get_ex(o, "sites", &sites);
  json_object_object_get_ex(o, "last_crawl", &crawl);
  const char *keys[] = {"documents", "schema", "terms", "bytes"};
  for (size_t i = 0; i < 4; i++)
    if (json_object_object_get_ex(o, keys[i], &v)) printf("%s: %s\n", keys[i], json_object_get_string(v));
  json_object *first = json_object_object_get(dates, "first"), *last = json_object_object_get(dates, "last");
  if (first) printf("dates: %s .. %s\n", json_object_get_string(first), json_object_get_string(last));
  json_object_object_foreach(sites, host, n) printf("site: %s %s\n", host, json_object_get_string(n));
  if (crawl)
    printf("last crawl: %s\n", json_object_to_json_string_ext(crawl, JSON_C_TO_STRING_PLAIN));
}

/* Reads what the index holds (names: the n >= 1 paths it was opened from)
 * and prints it; returns an exit code. */
/* Counts what db holds into s (reset first); its message in err. */
static engine_status count_all(engine_db *db, stats *s, char *err, size_t errlen) {
  json_object_put(s->sites);
  *s = (stats){0, 0, "", "", json_object_new_object()};
  err[0] = '\0';
  engine_status st = engine_db_allterms(db, "", count_term, s);
  if (st == ENGINE_OK) st = engine_db_allterms(db, PREFIX_DAY, date_term, s);
  if (st != ENGINE_OK) snprintf(err, errlen, "%s", engine_db_errmsg(db));
  if (st == ENGINE_OK) st = cli_each_record(db, count_site, s, err, errlen);
  if (st == ENGINE_OK && s->damaged) {
    snprintf(err, errlen, "a stored record is not a JSON object");
    st = ENGINE_CORRUPT;
  }
  return st;
}

static int report(engine_db *db, const char *const *names, size_t n, int json) {
  char *schema = NULL, err[1024] = "";
  engine_status st = engine_db_get_metadata(db, TRACUU_SCHEMA_KEY, &schema);
  if (st != ENGINE_OK) snprintf(err, sizeof err, "%s", engine_db_errmsg(db));
  stats s = {0};
  /* A writer committing twice meanwhile discards what was read: count again. */
  for (int tries = 0; st == ENGINE_OK && tries <= STATS_MAX_REOPENS; tries++) {
    st = count_all(db, &s, err, sizeof err);
    if (st != ENGINE_RETRY || tries == STATS_MAX_REOPENS) break;
    if ((st = engine_db_retry_reopen(db)) != ENGINE_OK) snprintf(err, sizeof err, "%s", engine_db_errmsg(db));
  }
  int rc = EXIT_OK;
  if (st != ENGINE_OK) {
    rc = cli_index_error(st, names, n, err);
  } else {
    json_object *crawl = last_crawl(names[0]);
    json_object *o = stats_json(db, schema, &s, disk_bytes(names, n), crawl);
    if (json) puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    else print_text(o);
    json_object_put(o);
    json_object_put(crawl);
  }
  json_object_put(s.sites);
  free(schema);
  return rc;
}

int cmd_stats(int argc, char **argv) {
  const char *dbs[CLI_MAX_DBS];
  size_t n = 0;
  int opt, json = 0;
  optind = 1;
  while ((opt = getopt_long(argc, argv, "d:jh", stats_options, NULL)) != -1) {
    switch (opt) {
    case 'd':
      if (cli_add_db(dbs, &n, optarg) != 0) return EXIT_USAGE;
      break;
    case 'j': json = 1; break;
    case 'h': cli_help("stats", stdout); return EXIT_OK;
    default: return cli_usage_error("stats", "d:jh", argc, argv);
    }
  }
  engine_db *db = NULL;
  int rc = cli_open_db(dbs, n, &db);
  if (rc != EXIT_OK) return rc;
  const char *fallback = cli_default_db();
  rc = report(db, n ? dbs : &fallback, n ? n : 1, json);
  engine_db_close(db);
  return rc;
}
