/* The crawler's pure parts: URL helpers, crawl state (verdicts, dedup, frontier,
 * pending work), the WARC store (round trip, torn tail), sitemaps, the
 * config file and URL patterns. */
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

static int collect(void *ctx, int64_t id, const char *url) {
  (void)id;
  char *buf = ctx;
  strcat(buf, url);
  strcat(buf, " ");
  return 0;
}

static void test_state(void) {
  crawl_state *st;
  char *msg = NULL;
  CHECK_INT(state_open(":memory:", &st, &msg), 0);
  int resumed;
  int64_t run;
  CHECK_INT(state_begin_run(st, 100, &resumed, &run), 0);
  CHECK_INT(resumed, 0);
  CHECK_INT(run, 1);
  /* Frontier: unique, in order. */
  CHECK_INT(state_frontier_add(st, "http://a/1"), 1);
  CHECK_INT(state_frontier_add(st, "http://a/2"), 1);
  CHECK_INT(state_frontier_add(st, "http://a/1"), 0);
  char seen[256] = "";
  CHECK_INT(state_frontier_each(st, 0, 10, collect, seen), 2);
  CHECK_STR(seen, "http://a/1 http://a/2 ");

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
  state_page_clear(&p);
  CHECK_INT(state_page_get(st, "http://nowhere/", &p), 0);

  /* A page done in this run is not queued again; the next run revisits
   * every known page that is not gone. */
  CHECK_INT(state_frontier_add(st, "http://a/2"), 0);
  v = STATE_NOT_MODIFIED;
  fetch_as(st, "http://a/2", 304, NULL, &v);
  seen[0] = '\0';
  state_frontier_each(st, 0, 10, collect, seen);
  int64_t ids[2] = {1, 2};
  for (int i = 0; i < 2; i++) CHECK_INT(state_frontier_done(st, ids[i]), 0);
  CHECK_INT(state_frontier_count(st), 0);
  CHECK_INT(state_begin_run(st, 100, &resumed, &run), 0);
  CHECK_INT(run, 2);
  seen[0] = '\0';
  state_frontier_each(st, 0, 10, collect, seen);
  CHECK_STR(seen, "http://a/2 ");
  /* A frontier left over means the next run resumes (same number). */
  CHECK_INT(state_begin_run(st, 100, &resumed, &run), 0);
  CHECK_INT(resumed, 1);
  CHECK_INT(run, 2);
  state_close(st);
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
  CHECK_INT(sitemap_parse(urlset, strlen(urlset), on_loc, buf, &is_index, err, sizeof err), 2);
  CHECK_INT(is_index, 0);
  CHECK_STR(buf, "/a@2024-01-31 http://x/b?p=1&q=2 ");
  const char *index = "<sitemapindex><sitemap><loc>http://x/s1.xml</loc></sitemap></sitemapindex>";
  buf[0] = '\0';
  CHECK_INT(sitemap_parse(index, strlen(index), on_loc, buf, &is_index, err, sizeof err), 1);
  CHECK_INT(is_index, 1);
  /* Entities are not expanded, nothing external is loaded. */
  const char *xxe = "<?xml version=\"1.0\"?><!DOCTYPE u [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                    "<urlset><url><loc>http://x/&e;</loc></url></urlset>";
  buf[0] = '\0';
  sitemap_parse(xxe, strlen(xxe), on_loc, buf, &is_index, err, sizeof err);
  CHECK(strstr(buf, "root:") == NULL);
  const char *html = "<html><body>not a sitemap</body></html>";
  CHECK_INT(sitemap_parse(html, strlen(html), on_loc, buf, &is_index, err, sizeof err), -1);
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
  test_warc();
  test_sitemap();
  test_config();
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
  fetch_global_cleanup();
  return check_summary("test_crawl_store");
}
