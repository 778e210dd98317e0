/* robots: groups, longest match, Allow ties, wildcards, Crawl-delay, Sitemap. */
#include <stdlib.h>
#include <string.h>

#include "crawler/robots.h"
#include "tests/unit/check.h"

#define UA "tracuu/0.1 (+https://example.org/bot)"

typedef struct {
  const char *path;
  int allowed;
} path_case;

static void check_paths(const char *txt, const char *ua, const path_case *cases, size_t n) {
  robots *r = robots_parse(txt, strlen(txt), ua);
  CHECK(r != NULL);
  if (!r) return;
  for (size_t i = 0; i < n; i++) {
    int got = robots_allowed(r, cases[i].path);
    if (got != cases[i].allowed)
      fprintf(stderr, "path %s: allowed=%d, expected %d\n", cases[i].path, got, cases[i].allowed);
    CHECK_INT(got, cases[i].allowed);
  }
  robots_free(r);
}

int main(void) {
  /* 1. The sample site's robots.txt: "*" group; BadBot's group is not ours. */
  const char *site = "# comment\nUser-agent: *\nDisallow: /noi-bo/\nCrawl-delay: 1\n\n"
                     "User-agent: BadBot\nDisallow: /\n\nSitemap: /sitemap.xml\n";
  static const path_case c1[] = {{"/", 1},         {"/noi-bo/", 0},  {"/noi-bo/a.html", 0},
                                 {"/noi-bo", 1},   {"/tin-tuc/", 1}, {"/robots.txt", 1}};
  check_paths(site, UA, c1, sizeof c1 / sizeof c1[0]);
  robots *r = robots_parse(site, strlen(site), UA);
  CHECK_INT(robots_crawl_delay_ms(r), 1000);
  CHECK_INT(robots_sitemap_count(r), 1);
  CHECK_STR(robots_sitemap(r, 0), "/sitemap.xml");
  robots_free(r);
  static const path_case bad[] = {{"/", 0}, {"/tin-tuc/", 0}};
  check_paths(site, "BadBot/2.0", bad, 2);

  /* 2. Our own group wins over "*", even when it comes later; case-insensitive. */
  const char *own = "User-agent: *\nDisallow: /\n\nUser-agent: TRACUU\nUser-agent: other\n"
                    "Disallow: /private\nCrawl-delay: 2.5\n";
  static const path_case c2[] = {{"/", 1}, {"/private/x", 0}, {"/public", 1}};
  check_paths(own, UA, c2, 3);
  r = robots_parse(own, strlen(own), UA);
  CHECK_INT(robots_crawl_delay_ms(r), 2500);
  robots_free(r);

  /* 3. Longest match wins; Allow wins a tie; * and $. */
  const char *lm = "User-agent: *\nDisallow: /van-ban/\nAllow: /van-ban/cong-khai/\n"
                   "Disallow: /*.pdf$\nDisallow: /*?print=\nAllow: /tie\nDisallow: /tie\n";
  static const path_case c3[] = {{"/van-ban/a.html", 0},          {"/van-ban/cong-khai/b.html", 1},
                                 {"/files/a.pdf", 0},             {"/files/a.pdf?x=1", 1},
                                 {"/tin-tuc/a.html?print=1", 0},  {"/tin-tuc/a.html?page=2", 1},
                                 {"/tie", 1}};
  check_paths(lm, UA, c3, sizeof c3 / sizeof c3[0]);

  /* 4. Empty Disallow allows all; junk lines, CRLF and a BOM are fine. */
  const char *junk = "\xEF\xBB\xBFUser-agent: *\r\nDisallow:\r\nthis is not a rule\r\n:::\r\n";
  static const path_case c4[] = {{"/", 1}, {"/anything", 1}};
  check_paths(junk, UA, c4, 2);

  /* 5. Groups: consecutive User-agent lines share the rules after them. */
  const char *groups = "User-agent: a\nUser-agent: tracuu\nDisallow: /x\nUser-agent: b\nDisallow: /y\n";
  static const path_case c5[] = {{"/x", 0}, {"/y", 1}};
  check_paths(groups, UA, c5, 2);

  /* 6. A hostile pattern stays linear. */
  char hostile[5000] = "User-agent: *\nDisallow: /";
  for (int i = 0; i < 1000; i++) strcat(hostile, "*a");
  strcat(hostile, "$\n");
  char path[4000] = "/";
  memset(path + 1, 'a', 3000);
  path[3001] = 'b';
  path[3002] = '\0';
  r = robots_parse(hostile, strlen(hostile), UA);
  CHECK_INT(robots_allowed(r, path), 1);
  robots_free(r);

  /* 7. allow-all and disallow-all. */
  r = robots_allow_all();
  CHECK_INT(robots_allowed(r, "/x"), 1);
  CHECK_INT(robots_crawl_delay_ms(r), -1);
  robots_free(r);
  r = robots_disallow_all();
  CHECK_INT(robots_allowed(r, "/x"), 0);
  robots_free(r);
  robots_free(NULL);
  return check_summary("test_robots");
}
