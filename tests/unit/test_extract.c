#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "extract.h"

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *b = malloc((size_t)n + 1);
  if (b && fread(b, 1, (size_t)n, f) != (size_t)n) { free(b); b = NULL; }
  fclose(f);
  if (b) b[n] = '\0', *len = (size_t)n;
  return b;
}

static void dump(const char *path, const char *url, const char *prof) {
  size_t len;
  char *page = slurp(path, &len);
  if (!page) { perror(path); return; }
  extract_result r;
  char err[256];
  extract_status st = extract_page(page, len, url, NULL, extract_builtin_profile(prof), &r, err, sizeof err);
  printf("status %s %s\ncharset %s enc %s errors %d\n", extract_strerror(st), err, r.charset,
         text_encoding_name(r.encoding), r.parse_errors);
  printf("title: %s\ndate: %s\nnumber: %s\ntype: %s\nissuer: %s\ncategory: %s\n", r.rec.title,
         r.rec.date, r.rec.number, r.rec.type, r.rec.issuer, r.rec.category);
  printf("body (%zu): %.600s\n...%s\n", r.rec.body ? strlen(r.rec.body) : 0, r.rec.body ? r.rec.body : "",
         r.rec.body && strlen(r.rec.body) > 300 ? r.rec.body + strlen(r.rec.body) - 300 : "");
  printf("links %zu attachments %zu\n", r.n_links, r.n_attachments);
  for (size_t i = 0; i < r.n_attachments; i++) printf("  att %s [%s]\n", r.attachments[i].url, r.attachments[i].text);
  extract_result_clear(&r);
  free(page);
}

int main(int argc, char **argv) {
  if (argc >= 3 && strcmp(argv[1], "--dump") == 0) {
    dump(argv[2], argc > 3 ? argv[3] : "https://example.vn/a/b.html", argc > 4 ? argv[4] : NULL);
    return 0;
  }
  return check_summary("test_extract");
}
