/* extract: the parse keeps every byte of a page's text however deep its
 * tags nest, and a page whose text the parser lost is told apart (issue 19:
 * "unclosed tags lose most of a page"). Each case is named after what it
 * was; the pages are generated here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/dynbuf.h"
#include "crawler/extract.h"
#include "tests/unit/check.h"

#define MB (1024u * 1024u)

enum { DIV, DIV_FONT };

/* A page of n paragraphs numbered PARA000..., each opening tags it never
 * closes: a <div>, or a <div><font> and a stray </p>. */
static char *page(int kind, int n) {
  dynbuf b;
  dynbuf_init(&b, EXTRACT_MAX_PAGE);
  dynbuf_append_str(&b, "<html><body>");
  for (int i = 0; i < n; i++) {
    if (kind == DIV) dynbuf_printf(&b, "<div>Đoạn PARA%03d của thông báo số %d/TB-UBND.\n", i, i);
    else dynbuf_printf(&b, "<div><font>PARA%03d nội dung đoạn văn bản số %d.</p>\n", i, i);
  }
  dynbuf_append_str(&b, "</body></html>");
  return dynbuf_status(&b) == DYNBUF_OK ? dynbuf_take(&b) : NULL;
}

/* n copies of s. */
static char *repeat(const char *s, size_t n) {
  size_t len = strlen(s);
  char *out = malloc(len * n + 1);
  if (!out) return NULL;
  for (size_t i = 0; i < n; i++) memcpy(out + i * len, s, len);
  out[len * n] = '\0';
  return out;
}

static int extract(const char *html, extract_result *r) {
  char err[256];
  extract_status st = extract_page(html, strlen(html), "http://127.0.0.1/vb.html",
                                   "text/html; charset=utf-8", NULL, r, err, sizeof err);
  if (st != EXTRACT_OK) fprintf(stderr, "extract_page: %s\n", err);
  return st == EXTRACT_OK;
}

static int body_has(const extract_result *r, const char *word) {
  return r->rec.body && strstr(r->rec.body, word) != NULL;
}

/* 300 <div>s never closed: libxml2 stopped at depth 256 and the page kept
 * paragraphs 100-255 (the parser dropped 256-299). */
static void unclosed_div_300_keeps_the_last_paragraph(void) {
  char *html = page(DIV, 300);
  extract_result r;
  CHECK(html && extract(html, &r));
  CHECK_INT(r.parsed_text_chars, r.page_text_chars); /* the tree holds every character */
  CHECK(body_has(&r, "PARA299"));
  CHECK(body_has(&r, "PARA256"));
  CHECK_INT(extract_text_lost(&r), 0);
  extract_result_clear(&r);
  free(html);
}

/* <div><font> opened 100 times and never closed: 200 levels. */
static void div_font_unclosed_100_keeps_every_paragraph_in_the_tree(void) {
  char *html = page(DIV_FONT, 100);
  extract_result r;
  CHECK(html && extract(html, &r));
  CHECK_INT(r.parsed_text_chars, r.page_text_chars);
  CHECK(body_has(&r, "PARA099"));
  extract_result_clear(&r);
  free(html);
}

/* The paragraphs PARA000... of page(kind, n) that the body lacks: 0 when
 * the main block holds every one. */
static int missing_paragraphs(const extract_result *r, int n) {
  int missing = 0;
  for (int i = 0; i < n; i++) {
    char word[16];
    snprintf(word, sizeof word, "PARA%03d", i);
    if (!body_has(r, word)) {
      if (missing == 0) fprintf(stderr, "first paragraph missing from the body: %s\n", word);
      missing++;
    }
  }
  return missing;
}

/* The parse kept them, but the main block was a link in the middle of the
 * chain: the body kept paragraphs 100-299 of 300 unclosed <div>s. */
static void unclosed_div_300_main_block_holds_every_paragraph(void) {
  char *html = page(DIV, 300);
  extract_result r;
  CHECK(html && extract(html, &r));
  CHECK_INT(missing_paragraphs(&r, 300), 0);
  extract_result_clear(&r);
  free(html);
}

/* ... and 90 of 100 <div><font> left open. */
static void div_font_unclosed_100_main_block_holds_every_paragraph(void) {
  char *html = page(DIV_FONT, 100);
  extract_result r;
  CHECK(html && extract(html, &r));
  CHECK_INT(missing_paragraphs(&r, 100), 0);
  extract_result_clear(&r);
  free(html);
}

/* 4 MB of nested <div>s before the text gave an empty document. */
static void nested_div_4mb_before_the_text_keeps_it(void) {
  char *divs = repeat("<div>", 4 * MB / 5);
  dynbuf b;
  dynbuf_init(&b, EXTRACT_MAX_PAGE);
  dynbuf_append_str(&b, "<html><body>");
  dynbuf_append_str(&b, divs ? divs : "");
  dynbuf_append_str(&b, "<p>Quyết định số 2696/QĐ-UBND về kế hoạch PARAEND.</p>"
                        "<script>var hidden = 'SCRIPTTEXT';</script>"
                        "<p>Đoạn cuối PARALAST.</p></body></html>");
  char *html = dynbuf_take(&b);
  extract_result r;
  CHECK(html && extract(html, &r));
  CHECK(body_has(&r, "PARAEND"));
  CHECK(body_has(&r, "PARALAST"));
  CHECK(!body_has(&r, "SCRIPTTEXT")); /* a script below the depth limit stays out */
  CHECK(r.parse_flattened > 0);
  CHECK_INT(r.parsed_text_chars, r.page_text_chars);
  CHECK_INT(extract_text_lost(&r), 0);
  extract_result_clear(&r);
  free(html);
  free(divs);
}

/* A quote left open swallows the rest of the page into an attribute: the
 * page is indexed as read, and the loss is told. */
static void unclosed_quote_loss_is_reported(void) {
  char *words = repeat("chữ trong văn bản ", 60);
  dynbuf b;
  dynbuf_init(&b, EXTRACT_MAX_PAGE);
  dynbuf_printf(&b, "<html><body><h1>Thông báo</h1><p title=\"x>Nội dung %s</p>"
                    "<p>%s</p></body></html>", words ? words : "", words ? words : "");
  char *html = dynbuf_take(&b);
  extract_result r;
  CHECK(html && extract(html, &r));
  CHECK(extract_text_lost(&r) > EXTRACT_LOST_MIN);
  CHECK(r.parsed_text_chars < r.page_text_chars / 2);
  extract_result_clear(&r);
  free(html);
  free(words);
}

/* The sample portal's pages lose nothing (no false alarm). */
static void sample_site_pages_lose_nothing(void) {
  static const char *const files[] = {"corpus/site/index.html", "corpus/site/van-ban/index.html",
                                      "corpus/site/van-ban/215-tb-ubnd-2021.html",
                                      "corpus/site/van-ban/09-ct-ubnd-2021.html"};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", TRACUU_SOURCE_DIR, files[i]);
    FILE *f = fopen(path, "rb");
    CHECK(f != NULL);
    if (!f) continue;
    char *buf = calloc(1, 1 << 20);
    size_t n = buf ? fread(buf, 1, (1 << 20) - 1, f) : 0;
    fclose(f);
    extract_result r;
    CHECK(n > 0 && extract(buf, &r));
    CHECK(r.page_text_chars > 0);
    CHECK_INT(extract_text_lost(&r), 0);
    extract_result_clear(&r);
    free(buf);
  }
}

int main(void) {
  unclosed_div_300_keeps_the_last_paragraph();
  div_font_unclosed_100_keeps_every_paragraph_in_the_tree();
  unclosed_div_300_main_block_holds_every_paragraph();
  div_font_unclosed_100_main_block_holds_every_paragraph();
  nested_div_4mb_before_the_text_keeps_it();
  unclosed_quote_loss_is_reported();
  sample_site_pages_lose_nothing();
  return check_summary("test_extract_parse");
}
