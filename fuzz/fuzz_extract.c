/* fuzz_extract: the HTML extractor, extract_page, on any bytes — what a
 * crawled site can send.
 *
 * Input: one byte picks the Content-Type header (or none) and the profile
 * (generic or the built-in "vbpl"), the rest is the page. Checked: on
 * success every record field is valid UTF-8 within its cap, links and
 * attachments are absolute http(s) URLs within EXTRACT_MAX_URL, at most
 * EXTRACT_MAX_LINKS of them; on failure the result is empty and the error
 * is one line. */
#include "crawler/extract.h"
#include "fuzz/fuzz_util.h"

static const char *const content_types[] = {
    NULL,
    "text/html",
    "text/html; charset=utf-8",
    "text/html; charset=windows-1258",
    "text/html; charset=iso-8859-1",
    "text/html; charset=\"TCVN3\"",
    "application/xhtml+xml; charset=UTF-8",
    "text/html; charset=",
};

static void check_field(const char *v, size_t cap, const char *what) {
  if (!v) return;
  size_t n = strlen(v);
  FUZZ_CHECK(fuzz_utf8_valid(v, n), what);
  FUZZ_CHECK(n <= cap, what);
}

static void check_links(const extract_link *l, size_t n) {
  FUZZ_CHECK(n <= EXTRACT_MAX_LINKS, "at most EXTRACT_MAX_LINKS links");
  for (size_t i = 0; i < n; i++) {
    FUZZ_CHECK(l[i].url && l[i].text, "a link has a url and a text");
    FUZZ_CHECK(strncmp(l[i].url, "http://", 7) == 0 || strncmp(l[i].url, "https://", 8) == 0,
               "links are absolute http(s) URLs");
    FUZZ_CHECK(strlen(l[i].url) <= EXTRACT_MAX_URL, "link URLs within EXTRACT_MAX_URL");
    check_field(l[i].text, EXTRACT_MAX_FIELD, "link text valid UTF-8 within EXTRACT_MAX_FIELD");
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0) return 0;
  const char *ctype = content_types[data[0] % (sizeof content_types / sizeof content_types[0])];
  const extract_profile *profile = (data[0] & 0x80) ? extract_builtin_profile("vbpl") : NULL;
  data++, size--;
  extract_result r;
  char err[256];
  extract_status st = extract_page((const char *)data, size, "http://ubnd.example.gov.vn/tin-tuc/a.html",
                                   ctype, profile, &r, err, sizeof err);
  if (st == EXTRACT_OK) {
    const record *rec = &r.rec;
    FUZZ_CHECK(rec->id && rec->url, "a page's record has its id and url");
    check_field(rec->title, EXTRACT_MAX_FIELD, "title valid UTF-8 within EXTRACT_MAX_FIELD");
    check_field(rec->number, EXTRACT_MAX_FIELD, "number valid UTF-8 within EXTRACT_MAX_FIELD");
    check_field(rec->type, EXTRACT_MAX_FIELD, "type valid UTF-8 within EXTRACT_MAX_FIELD");
    check_field(rec->issuer, EXTRACT_MAX_FIELD, "issuer valid UTF-8 within EXTRACT_MAX_FIELD");
    check_field(rec->category, EXTRACT_MAX_FIELD, "category valid UTF-8 within EXTRACT_MAX_FIELD");
    check_field(rec->body, EXTRACT_MAX_BODY, "body valid UTF-8 within EXTRACT_MAX_BODY");
    if (rec->date) FUZZ_CHECK(record_date_valid(rec->date, NULL, NULL, NULL), "a date is a real YYYY-MM-DD");
    if (rec->posted) FUZZ_CHECK(record_date_valid(rec->posted, NULL, NULL, NULL), "posted is a real YYYY-MM-DD");
    FUZZ_CHECK(!rec->date_source || (rec->date && record_date_source_valid(rec->date_source)),
               "date_source names where a date came from");
    check_links(r.links, r.n_links);
    check_links(r.attachments, r.n_attachments);
    FUZZ_CHECK_ARRAY_STR(r.charset, "charset");
  } else {
    FUZZ_CHECK(r.rec.id == NULL && r.n_links == 0 && r.links == NULL, "an error leaves the result empty");
    FUZZ_CHECK(strchr(err, '\n') == NULL, "the error is one line");
  }
  extract_result_clear(&r);
  return 0;
}
