/* fuzz_sitemap: sitemap.xml and sitemap indexes, sitemap_parse, on any
 * bytes.
 *
 * Checked: every loc handed over is a NUL-terminated string, at most
 * SITEMAP_MAX_URLS of them, and the count returned is what was handed over;
 * an error comes with a one-line message. Entity expansion (billion laughs)
 * and external DTDs must not blow time or memory: libFuzzer's -rss_limit_mb
 * and -timeout catch that. */
#include "crawler/sitemap.h"
#include "fuzz/fuzz_util.h"

typedef struct {
  int n;
} count_state;

static int on_loc(void *ctx, const char *loc, const char *lastmod) {
  count_state *st = ctx;
  FUZZ_CHECK(loc != NULL, "a loc is given");
  FUZZ_CHECK(strlen(loc) <= 4096, "a loc is at most 4096 bytes");
  if (lastmod) FUZZ_CHECK(lastmod[0] != '\0', "lastmod is NULL or non-empty");
  st->n++;
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  count_state st = {0};
  int is_index = -1;
  char err[256];
  err[0] = '\0';
  int n = sitemap_parse((const char *)data, size, on_loc, &st, &is_index, NULL, err, sizeof err);
  FUZZ_CHECK(is_index == 0 || is_index == 1, "is_index is set");
  if (n >= 0) {
    FUZZ_CHECK(n == st.n, "the count returned is the locs handed over");
    FUZZ_CHECK(n <= SITEMAP_MAX_URLS, "at most SITEMAP_MAX_URLS");
  } else {
    FUZZ_CHECK(n == -1 && err[0] && strchr(err, '\n') == NULL, "an error has a one-line message");
  }
  return 0;
}
