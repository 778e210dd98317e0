/* fuzz_robots: robots.txt as a site serves it, robots_parse, then asked
 * about paths the input itself names.
 *
 * Input: the robots.txt; the paths asked are the input's own Allow/Disallow
 * values (cut at the first 256 bytes) and a few fixed ones. Checked: no
 * crash, no leak, bounded time for hostile '*' patterns (libFuzzer's
 * -timeout catches the exponential case), sitemaps within the cap. */
#include "crawler/robots.h"
#include "fuzz/fuzz_util.h"

static const char *const fixed_paths[] = {"/", "/robots.txt", "/a/b.html?x=1", "/*", "/$", ""};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  robots *r = robots_parse((const char *)data, size, "tracuu/0.1 (+https://example.org/bot)");
  FUZZ_CHECK(r != NULL, "robots_parse fails only when out of memory");
  for (size_t i = 0; i < sizeof fixed_paths / sizeof fixed_paths[0]; i++) {
    int a = robots_allowed(r, fixed_paths[i]);
    FUZZ_CHECK(a == 0 || a == 1, "allowed is 0 or 1");
  }
  /* Paths taken from the input: each line's text after the first ':'. */
  char path[258];
  const char *s = (const char *)data, *end = s + size;
  for (int asked = 0; s < end && asked < 64; asked++) {
    const char *eol = memchr(s, '\n', (size_t)(end - s));
    if (!eol) eol = end;
    const char *colon = memchr(s, ':', (size_t)(eol - s));
    if (colon) {
      const char *v = colon + 1;
      while (v < eol && *v == ' ') v++;
      size_t n = (size_t)(eol - v);
      if (n > 256) n = 256;
      path[0] = '/';
      memcpy(path + 1, v, n);
      path[n + 1] = '\0';
      int a = robots_allowed(r, path);
      FUZZ_CHECK(a == 0 || a == 1, "allowed is 0 or 1");
    }
    s = eol + 1;
  }
  long d = robots_crawl_delay_ms(r);
  FUZZ_CHECK(d == -1 || (d >= 0 && d <= 86400L * 1000), "crawl delay -1 or 0..a day");
  size_t n = robots_sitemap_count(r);
  FUZZ_CHECK(n <= ROBOTS_MAX_SITEMAPS, "at most ROBOTS_MAX_SITEMAPS sitemaps");
  for (size_t i = 0; i < n; i++) FUZZ_CHECK(robots_sitemap(r, i) != NULL, "each sitemap is there");
  FUZZ_CHECK(robots_sitemap(r, n) == NULL, "past the end is NULL");
  robots_free(r);
  return 0;
}
