/* The crawler's pure parts: URL helpers, crawl state (verdicts, dedup, frontier,
 * pending work), the WARC store (round trip, torn tail), sitemaps, the
 * config file and URL patterns. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crawler/config.h"
#include "crawler/fetch.h"
#include "crawler/sitemap.h"
#include "store/state.h"
#include "store/warc.h"
#include "tests/unit/check.h"

static char tmpdir[256];

static void fetch_as(crawl_state *st, const char *url, long code, const char *hash,
                     state_verdict *v) {
  state_fetch f = {.url = url, .status = code, .hash = hash, .fetched_at = 1};
  int store = 0;
  if (code == 200) CHECK_INT(state_classify(st, url, hash, v, &store), 0);
  CHECK_INT(state_record(st, &f, *v), 0);
}

static int count_pending(void *ctx, const char *url, int pending, const char *f, int64_t off) {
  (void)url, (void)f, (void)off;
  ((int *)ctx)[pending]++;
  return 0;
}

static int collect(void *ctx, int64_t id, const char *url, int prio, int rank) {
  (void)id, (void)prio, (void)rank;
  char *buf = ctx;
  strcat(buf, url);
  strcat(buf, " ");
  return 0;
}

static int collect_ids(void *ctx, int64_t id, const char *url, int prio, int rank) {
  (void)url, (void)prio, (void)rank;
  int64_t *ids = ctx;
  while (*ids) ids++;
  *ids = id;
  return 0;
}

static int collect_due(void *ctx, const char *url, int64_t due) {
  (void)due;
  return collect(ctx, 0, url, 0, 0);
}

static void begin(crawl_state *st, int64_t now, int *resumed, int64_t *run) {
  state_run_opts o = {.now = now, .due_by = now, .hot_depth = 1};
  int64_t back;
  CHECK_INT(state_begin_run(st, &o, resumed, run, &back), 0);
  CHECK_INT(back, 0);
}

/* Records a page fetched at `at` with the given schedule fields. */
static void page_at(crawl_state *st, const char *url, const char *hash, int kind, int depth,
                    int64_t at, int64_t next_due, int64_t interval) {
  state_fetch f = {.url = url, .status = 200, .hash = hash, .fetched_at = at, .kind = kind,
                   .depth = depth, .next_due = next_due, .interval = interval};
  state_verdict v;
  int store;
  CHECK_INT(state_classify(st, url, hash, &v, &store), 0);
  CHECK_INT(state_record(st, &f, v), 0);
}

static void test_state(void) {
  crawl_state *st;
  char *msg = NULL;
  CHECK_INT(state_open(":memory:", &st, &msg), 0);
  int resumed;
  int64_t run;
  begin(st, 100, &resumed, &run);
  CHECK_INT(resumed, 0);
  CHECK_INT(run, 1);
  /* Frontier: unique, by priority then in order. */
  CHECK_INT(state_frontier_add(st, "http://a/1", STATE_PRIO_NEW, 2, 100, NULL), 1);
  CHECK_INT(state_frontier_add(st, "http://a/2", STATE_PRIO_NEW, 2, 100, NULL), 1);
  CHECK_INT(state_frontier_add(st, "http://a/1", STATE_PRIO_NEW, 2, 100, NULL), 0);
  CHECK_INT(state_frontier_add(st, "http://a/", STATE_PRIO_LISTING, 0, 100, NULL), 1);
  char seen[256] = "";
  CHECK_INT(state_frontier_each(st, 10, collect, seen), 3);
  CHECK_STR(seen, "http://a/ http://a/1 http://a/2 ");

  /* Verdicts: new, unchanged, changed, duplicate, gone. */
  state_verdict v = STATE_NEW;
  int store;
  fetch_as(st, "http://a/1", 200, "h1", &v);
  CHECK_INT(v, STATE_NEW);
  CHECK_INT(state_classify(st, "http://a/1", "h1", &v, &store), 0);
  CHECK_INT(v, STATE_UNCHANGED);
  CHECK_INT(store, 0);
  fetch_as(st, "http://a/2", 200, "h1", &v);
  CHECK_INT(v, STATE_DUPLICATE); /* identical content under two URLs: once */
  fetch_as(st, "http://a/1", 200, "h2", &v);
  CHECK_INT(v, STATE_CHANGED);
  /* h1's owner moved on: the duplicate becomes the page of h1. */
  CHECK_INT(state_classify(st, "http://a/2", "h1", &v, &store), 0);
  CHECK_INT(v, STATE_CHANGED);
  CHECK_INT(store, 1);
  int pend[3] = {0, 0, 0};
  CHECK_INT(state_pending_each(st, count_pending, pend), 0);
  CHECK_INT(pend[1], 1); /* a/1 to add */
  CHECK_INT(pend[2], 1); /* a/2 to remove (it was a duplicate) */
  CHECK_INT(state_pending_clear(st), 0);
  v = STATE_GONE;
  fetch_as(st, "http://a/1", 404, NULL, &v);
  state_page p;
  CHECK_INT(state_page_get(st, "http://a/1", &p), 1);
  CHECK_INT(p.gone, 1);
  CHECK_INT(p.first_seen, 1);
  state_page_clear(&p);
  CHECK_INT(state_page_get(st, "http://nowhere/", &p), 0);

  /* A known page is not queued as new again; rows go when done. */
  CHECK_INT(state_frontier_add(st, "http://a/2", STATE_PRIO_NEW, 2, 100, NULL), 0);
  int64_t ids[3] = {0, 0, 0};
  CHECK_INT(state_frontier_each(st, 10, collect_ids, ids), 3);
  for (int i = 0; i < 3; i++) CHECK_INT(state_frontier_done(st, ids[i]), 0);
  CHECK_INT(state_frontier_count(st), 0);
  /* A run that did not end is resumed (same number); an ended one is not. */
  begin(st, 100, &resumed, &run);
  CHECK_INT(resumed, 1);
  CHECK_INT(run, 1);
  CHECK_INT(state_end_run(st), 0);
  begin(st, 100, &resumed, &run);
  CHECK_INT(resumed, 0);
  CHECK_INT(run, 2);
  state_close(st);
}

/* Due pages come most overdue first; hot listings and those that revealed
 * news come through the frontier instead; the cursor never gives a page
 * twice; a sitemap date makes a page due; the clock going back moves every
 * date with it. */
static void test_state_schedule(void) {
  crawl_state *st;
  char *msg = NULL, seen[512] = "";
  int resumed;
  int64_t run;
  CHECK_INT(state_open(":memory:", &st, &msg), 0);
  begin(st, 1000, &resumed, &run);
  page_at(st, "http://a/", "h0", 2, 0, 1000, 1000, 0);      /* start URL: every run */
  page_at(st, "http://a/deep", "h1", 2, 5, 1000, 1500, 600); /* a quiet deep listing */
  page_at(st, "http://a/d1", "h2", 1, 2, 1000, 3000, 2000);
  page_at(st, "http://a/d2", "h3", 1, 2, 1000, 2000, 1000);
  page_at(st, "http://a/d3", "h4", 1, 2, 1000, 9000, 8000);
  CHECK_INT(state_end_run(st), 0);
  begin(st, 5000, &resumed, &run);
  CHECK_INT(state_frontier_each(st, 10, collect, seen), 1);
  CHECK_STR(seen, "http://a/ ");
  seen[0] = '\0';
  CHECK_INT(state_listings_due(st, 5000, 1, 10, collect_due, seen), 1);
  CHECK_STR(seen, "http://a/ ");
  seen[0] = '\0';
  state_cursor cur = {0, 0};
  CHECK_INT(state_revisits(st, 5000, 1, &cur, 2, collect_due, seen), 2);
  CHECK_INT(state_revisits(st, 5000, 1, &cur, 2, collect_due, seen), 1);
  CHECK_INT(state_revisits(st, 5000, 1, &cur, 2, collect_due, seen), 0);
  CHECK_STR(seen, "http://a/deep http://a/d2 http://a/d1 ");
  CHECK_INT(state_due_left(st, 5000), 4);
  /* A sitemap says d3 changed at 4000, after its fetch: due now. An older
   * date changes nothing. An unknown URL is not a page. */
  CHECK_INT(state_sitemap_lastmod(st, "http://a/d3", 4000), 1);
  CHECK_INT(state_sitemap_lastmod(st, "http://a/d1", 500), 1);
  CHECK_INT(state_sitemap_lastmod(st, "http://a/new", 4000), 0);
  state_page p;
  CHECK_INT(state_page_get(st, "http://a/d3", &p), 1);
  CHECK_INT(p.next_due, 4000);
  state_page_clear(&p);
  CHECK_INT(state_page_get(st, "http://a/d1", &p), 1);
  CHECK_INT(p.next_due, 3000);
  state_page_clear(&p);
  /* Promoting: a known listing goes first; a document only without
   * listing_only; a page unknown to the state does not. */
  CHECK_INT(state_frontier_promote(st, "http://a/deep", STATE_PRIO_LISTING, 1), 1);
  CHECK_INT(state_frontier_promote(st, "http://a/d1", STATE_PRIO_LISTING, 1), 0);
  CHECK_INT(state_frontier_promote(st, "http://a/nowhere", STATE_PRIO_LISTING, 0), 0);
  /* Per site: pages, listings, due counts. */
  int64_t by[2] = {5000, 100000}, due[2], pages, listings, next;
  CHECK_INT(state_site_due(st, NULL, by, 2, &pages, &listings, due, &next), 0);
  CHECK_INT(pages, 5);
  CHECK_INT(listings, 2);
  CHECK_INT(due[0], 5);
  CHECK_INT(due[1], 5);
  CHECK_INT(state_end_run(st), 0);
  /* The clock went back 2000 s: every date moves with it. */
  state_run_opts o = {.now = 3000, .due_by = 3000, .hot_depth = 1};
  int64_t back;
  CHECK_INT(state_begin_run(st, &o, &resumed, &run, &back), 0);
  CHECK_INT(back, 2000);
  CHECK_INT(state_page_get(st, "http://a/d2", &p), 1);
  CHECK_INT(p.next_due, 0);
  CHECK_INT(p.last_fetch, -1000);
  state_page_clear(&p);
  state_close(st);
}

/* A reader asks where a page's answer is kept without writing the state:
 * a state tracuu 0.1 wrote stays 0.1's (no migration, no WAL files). */
static int user_version_of(const char *path) {
  sqlite3 *db = NULL;
  sqlite3_stmt *s = NULL;
  int v = -1;
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
      sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL) == SQLITE_OK &&
      sqlite3_step(s) == SQLITE_ROW)
    v = sqlite3_column_int(s, 0);
  sqlite3_finalize(s);
  sqlite3_close(db);
  return v;
}

static void test_state_reader_writes_nothing(void) {
  char path[400], sql_path[400], err[512], *file = NULL;
  snprintf(path, sizeof path, "%s/old-state.sqlite", tmpdir);
  snprintf(sql_path, sizeof sql_path, "%s/tests/fixtures/state/state-0.1.sql", TRACUU_SOURCE_DIR);
  FILE *fp = fopen(sql_path, "r");
  static char script[1 << 20];
  size_t n = fp ? fread(script, 1, sizeof script - 1, fp) : 0;
  if (fp) fclose(fp);
  script[n] = '\0';
  CHECK(n > 0);
  sqlite3 *db = NULL;
  CHECK_INT(sqlite3_open(path, &db), SQLITE_OK);
  CHECK_INT(sqlite3_exec(db, script, NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(db);
  CHECK_INT(user_version_of(path), 0);
  int64_t off = -1;
  CHECK_INT(state_page_location(path, "http://127.0.0.1:@PORT@/", &file, &off, err, sizeof err), 1);
  CHECK_STR(file, "tracuu-00001.warc.gz");
  CHECK_INT(off, 64696);
  free(file);
  CHECK_INT(state_page_location(path, "http://nowhere/", &file, &off, err, sizeof err), 0);
  CHECK(file == NULL);
  CHECK_INT(user_version_of(path), 0); /* still 0.1's layout */
  char wal[420];
  snprintf(wal, sizeof wal, "%s-wal", path);
  CHECK(access(wal, F_OK) != 0);
  snprintf(path, sizeof path, "%s/no-such.sqlite", tmpdir);
  CHECK_INT(state_page_location(path, "http://x/", &file, &off, err, sizeof err), -1);
  CHECK(strstr(err, "cannot read the crawl state") != NULL);
}

static void test_warc(void) {
  char err[512], dir[300], path[400];
  snprintf(dir, sizeof dir, "%s/store", tmpdir);
  warc_writer *w;
  CHECK_INT(warc_open(dir, NULL, 0, 0, "test", &w, err, sizeof err), 0);
  const char *req = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n";
  const char *resp = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                     "Content-Encoding: gzip\r\nContent-Length: 3\r\n\r\n";
  const char *body = "<html>Quyết định</html>";
  warc_exchange x = {"http://x/a", 1700000000, req, strlen(req), resp, strlen(resp),
                     body, strlen(body), NULL};
  const char *file;
  int64_t off1, off2;
  CHECK_INT(warc_append(w, &x, &file, &off1, err, sizeof err), 0);
  CHECK_STR(file, "tracuu-00001.warc.gz");
  x.url = "http://x/b";
  CHECK_INT(warc_append(w, &x, &file, &off2, err, sizeof err), 0);
  CHECK_INT(warc_sync(w, err, sizeof err), 0);
  int64_t good_end = warc_end(w);
  /* A third record, torn by a "crash": the next open cuts it off. */
  x.url = "http://x/c";
  int64_t off3;
  CHECK_INT(warc_append(w, &x, &file, &off3, err, sizeof err), 0);
  CHECK_INT(warc_close(w), 0);
  snprintf(path, sizeof path, "%s/tracuu-00001.warc.gz", dir);
  CHECK_INT(truncate(path, off3 + 20), 0);
  CHECK_INT(warc_open(dir, "tracuu-00001.warc.gz", good_end, 0, "test", &w, err, sizeof err), 0);
  CHECK_INT(warc_end(w), good_end);
  CHECK_INT(warc_close(w), 0);

  warc_reader *r;
  CHECK_INT(warc_reader_open(path, &r, err, sizeof err), 0);
  warc_record rec;
  int types[3] = {0, 0, 0}, got;
  while ((got = warc_reader_next(r, &rec, err, sizeof err)) == 1) {
    if (strcmp(rec.type, "warcinfo") == 0) types[0]++;
    if (strcmp(rec.type, "request") == 0) types[1]++;
    if (strcmp(rec.type, "response") == 0) {
      types[2]++;
      CHECK_INT(rec.http_status, 200);
      CHECK_STR(rec.content_type, "text/html; charset=utf-8");
      CHECK_INT(rec.body_len, strlen(body));
      CHECK(rec.body && memcmp(rec.body, body, rec.body_len) == 0);
      CHECK(rec.payload_digest && strncmp(rec.payload_digest, "sha256:", 7) == 0);
    }
  }
  CHECK_INT(got, 0);
  CHECK_INT(types[0], 1);
  CHECK_INT(types[1], 2);
  CHECK_INT(types[2], 2);
  /* Random access to a stored answer. */
  CHECK_INT(warc_reader_seek(r, off2), 0);
  CHECK_INT(warc_reader_next(r, &rec, err, sizeof err), 1);
  CHECK_STR(rec.target_uri, "http://x/b");
  warc_reader_close(r);
  /* The stored header block says the decoded truth. */
  char cmd[600];
  snprintf(cmd, sizeof cmd, "zcat %s | grep -c 'Content-Encoding' | grep -qx 0", path);
  CHECK_INT(system(cmd), 0);
  /* Each request names its response. */
  snprintf(cmd, sizeof cmd,
           "zcat %s | tr -d '\\r' | awk '/^WARC-Concurrent-To:/{c[$2]=1} /^WARC-Record-ID:/{r[$2]=1}"
           " END{n=0; for (k in c) if (k in r) n++; exit n == 2 ? 0 : 1}'", path);
  CHECK_INT(system(cmd), 0);
  /* Rotation: past the size, the next append starts the next file. */
  CHECK_INT(warc_open(dir, "tracuu-00001.warc.gz", good_end, 1, "test", &w, err, sizeof err), 0);
  CHECK_INT(warc_append(w, &x, &file, &off3, err, sizeof err), 0);
  CHECK_STR(file, "tracuu-00002.warc.gz");
  CHECK_INT(warc_close(w), 0);
  char hex[65];
  warc_sha256_hex("abc", 3, hex);
  CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static int on_loc(void *ctx, const char *loc, const char *lastmod) {
  char *buf = ctx;
  strcat(buf, loc);
  strcat(buf, lastmod ? "@" : "");
  strcat(buf, lastmod ? lastmod : "");
  strcat(buf, " ");
  return 0;
}

static void test_sitemap(void) {
  const char *urlset = "<?xml version=\"1.0\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
                       "<url><loc> /a </loc><lastmod>2024-01-31</lastmod></url>"
                       "<url><loc>http://x/b?p=1&amp;q=2</loc></url></urlset>";
  char buf[512] = "", err[256];
  int is_index;
  CHECK_INT(sitemap_parse(urlset, strlen(urlset), on_loc, buf, &is_index, NULL, err, sizeof err), 2);
  CHECK_INT(is_index, 0);
  CHECK_STR(buf, "/a@2024-01-31 http://x/b?p=1&q=2 ");
  const char *index = "<sitemapindex><sitemap><loc>http://x/s1.xml</loc></sitemap></sitemapindex>";
  buf[0] = '\0';
  CHECK_INT(sitemap_parse(index, strlen(index), on_loc, buf, &is_index, NULL, err, sizeof err), 1);
  CHECK_INT(is_index, 1);
  /* Entities are not expanded, nothing external is loaded. */
  const char *xxe = "<?xml version=\"1.0\"?><!DOCTYPE u [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                    "<urlset><url><loc>http://x/&e;</loc></url></urlset>";
  buf[0] = '\0';
  sitemap_parse(xxe, strlen(xxe), on_loc, buf, &is_index, NULL, err, sizeof err);
  CHECK(strstr(buf, "root:") == NULL);
  const char *html = "<html><body>not a sitemap</body></html>";
  CHECK_INT(sitemap_parse(html, strlen(html), on_loc, buf, &is_index, NULL, err, sizeof err), -1);
}

static void test_config(void) {
  char path[300], err[512];
  snprintf(path, sizeof path, "%s/sites.ini", tmpdir);
  FILE *fp = fopen(path, "w");
  fputs("[crawl]\nuser_agent = tracuu-test (+https://example.org)\ndelay = 2\n\n"
        "[site tayho]\nstart = http://127.0.0.1:1/\nstart = http://127.0.0.1:1/van-ban/\n"
        "exclude = *?print=*\ndelay = 0.5\ntitle = //h1\n",
        fp);
  fclose(fp);
  crawl_config c;
  CHECK_INT(config_load(path, &c, err, sizeof err), 0);
  CHECK_INT(c.n_sites, 1);
  CHECK_STR(c.sites[0].name, "tayho");
  CHECK_INT(c.sites[0].start.n, 2);
  CHECK_INT(c.sites[0].delay_ms, 500);
  CHECK_INT(c.delay_ms, 2000);
  CHECK_STR(c.user_agent, "tracuu-test (+https://example.org)");
  extract_profile prof;
  config_profile(&c.sites[0], &prof);
  CHECK_STR(prof.title, "//h1");
  CHECK(prof.body == NULL);
  CHECK_INT(config_has_profile(&c.sites[0]), 1);
  config_free(&c);
  /* Errors name the file and line. */
  fp = fopen(path, "w");
  fputs("[site x]\nstart = http://a/\nbogus = 1\n", fp);
  fclose(fp);
  CHECK_INT(config_load(path, &c, err, sizeof err), -1);
  CHECK(strstr(err, "sites.ini:3: unknown key \"bogus\"") != NULL);
  fp = fopen(path, "w");
  fputs("[site x]\ndelay = soon\n", fp);
  fclose(fp);
  CHECK_INT(config_load(path, &c, err, sizeof err), -1);
  CHECK(strstr(err, ":2: bad value for delay") != NULL);
  /* Not a number in range: "nan" passes "d < 0 || d > 3600" (it did) */
  static const char *const odd[] = {"nan", "-nan", "inf", "1e9"};
  for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
    fp = fopen(path, "w");
    fprintf(fp, "[site x]\ndelay = %s\n", odd[i]);
    fclose(fp);
    CHECK_INT(config_load(path, &c, err, sizeof err), -1);
    CHECK(strstr(err, ":2: bad value for delay") != NULL);
  }
  /* Patterns: prefix without '*', glob with. */
  CHECK_INT(config_pattern_match("http://a/van-ban/", "http://a/van-ban/x.html"), 1);
  CHECK_INT(config_pattern_match("http://a/van-ban/", "http://a/tin-tuc/"), 0);
  CHECK_INT(config_pattern_match("*?print=*", "http://a/x?print=1"), 1);
  CHECK_INT(config_pattern_match("*.html", "http://a/x.html"), 1);
  CHECK_INT(config_pattern_match("*.html", "http://a/x.html?a"), 0);
}

/* URL helpers: resolution, normalization, what is refused. */
static void test_urls(void) {
  static const struct {
    const char *base, *ref, *want; /* want NULL: refused */
  } cases[] = {
      {"http://a.vn/tin-tuc/index.html", "trang-2.html", "http://a.vn/tin-tuc/trang-2.html"},
      {"http://a.vn/tin-tuc/", "/van-ban/?p=2#top", "http://a.vn/van-ban/?p=2"},
      {"http://a.vn/x/", "../y.html", "http://a.vn/y.html"},
      {NULL, "HTTP://A.VN:80/Path", "http://a.vn/Path"},
      {NULL, "https://a.vn:443/", "https://a.vn/"},
      {"http://a.vn/", "mailto:x@a.vn", NULL},
      {"http://a.vn/", "javascript:void(0)", NULL},
      {NULL, "file:///etc/passwd", NULL},
      {NULL, "ftp://a.vn/", NULL},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *got = fetch_url_resolve(cases[i].base, cases[i].ref);
    if (cases[i].want) CHECK_STR(got, cases[i].want);
    else CHECK(got == NULL);
    free(got);
  }
  char buf[256];
  CHECK_INT(fetch_url_origin("http://A.vn/x?y", buf, sizeof buf), 0);
  CHECK_STR(buf, "http://a.vn:80");
  CHECK_INT(fetch_url_path("http://a.vn/x/y.html?p=1#f", buf, sizeof buf), 0);
  CHECK_STR(buf, "/x/y.html?p=1");
  char longurl[FETCH_MAX_URL + 32] = "http://a.vn/";
  memset(longurl + 12, 'a', FETCH_MAX_URL);
  longurl[FETCH_MAX_URL + 12] = '\0';
  CHECK(fetch_url_resolve(NULL, longurl) == NULL); /* over the URL cap */
}

int main(void) {
  fetch_global_init();
  test_urls();
  snprintf(tmpdir, sizeof tmpdir, "/tmp/test_crawl_store.XXXXXX");
  if (!mkdtemp(tmpdir)) return 2;
  test_state();
  test_state_schedule();
  test_state_reader_writes_nothing();
  test_warc();
  test_sitemap();
  test_config();
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
  fetch_global_cleanup();
  return check_summary("test_crawl_store");
}
