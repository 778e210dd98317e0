/* regressions: every crash or broken contract the fuzzers (fuzz/) found,
 * one case each, named after what it was, with the input that showed it.
 * The fix lives in the module; this file keeps it fixed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include "crawler/extract.h"
#include "crawler/robots.h"
#include "fuzz/fuzz_util.h" /* fuzz_utf8_valid: the fuzz targets' own check */
#include "model/record.h"
#include "query/query_internal.h"
#include "tests/unit/check.h"
#include "text/text.h"

/* A message meant for one line of stderr: one line, valid UTF-8. */
static void check_one_line(const char *msg) {
  CHECK(msg[0] != '\0');
  CHECK(strchr(msg, '\n') == NULL);
  CHECK(strchr(msg, '\r') == NULL);
  CHECK(fuzz_utf8_valid(msg, strlen(msg)));
}

/* 1. fuzz_record: a bad "date" was quoted into the skip reason with "%.40s":
 *    a newline in the value split the "FILE:LINE: skipped: ..." line in two,
 *    and the cut at byte 40 fell inside "ế", so the message was not UTF-8. */
static void record_bad_date_message_is_one_line(void) {
  static const char line[] =
      "{\"id\": \"tayho-2022-0040\", \"date\": \"2022ki\xe1\xbb\x87n.\\nTrung t\xc3\xa2m Y t\xe1\xba\xbf "
      "qu\xe1\xba\xadn T\xc3\xa2y H\xe1\xbb\x93 ph\xe1\xbb\x91i h\xe1\xbb\xa3p\"}";
  record r;
  int repaired;
  char err[256];
  CHECK_INT(record_parse_json(line, strlen(line), &r, &repaired, err, sizeof err), -1);
  CHECK(strstr(err, "\"date\" is \"2022ki\xe1\xbb\x87n. Trung") != NULL);
  CHECK(strstr(err, "expected a real date as YYYY-MM-DD") != NULL);
  check_one_line(err);
  CHECK(r.id == NULL);
}

/* 2. fuzz_query: an invalid date in a filter (--from, tu:"...") was quoted
 *    into the error as typed, newline and all: "tracuu: invalid date ..."
 *    became two lines, and a long value was cut inside a character. */
static void query_bad_date_message_is_one_line(void) {
  query_request req;
  query_request_init(&req);
  req.text = "c\xc3\xa1" "c k\xe1\xba\xbf ho\xe1\xba\xa1" "ch";
  req.from = "H\xe1\xbb\x93 ban h\xc3\xa0nh K\xe1\xba\xbf ho\xe1\xba\xa1" "ch 2024.\nNhi\xe1\xbb\x87m v\xe1\xbb\xa5"
             " ch\xc3\xadnh g\xe1\xbb\x93m c\xc3\xa1" "c n\xe1\xbb\x99i dung c\xe1\xba\xa3i c\xc3\xa1" "ch "
             "h\xc3\xa0nh ch\xc3\xadnh \xc4\x91\xc6\xb0\xe1\xbb\xa3" "c giao";
  parsed_query pq;
  char err[256];
  CHECK_INT(parse_request(&req, &pq, err, sizeof err), ENGINE_BAD_QUERY);
  CHECK(strstr(err, "invalid date") != NULL);
  check_one_line(err);

  query_request_init(&req);
  req.text = "thu\xe1\xba\xbf tu:\"2021\r\n01\"";
  CHECK_INT(parse_request(&req, &pq, err, sizeof err), ENGINE_BAD_QUERY);
  check_one_line(err);
}

/* fuzz_text's contract: in normalizes, and normalizing the result again
 * changes nothing. Returns the normalized text (caller frees), or NULL. */
static char *normalize_idempotent(const char *in, int fold) {
  char *once = NULL, *twice = NULL;
  size_t n1 = 0, n2 = 0;
  CHECK_INT(text_normalize(in, strlen(in), fold, &once, &n1), TEXT_OK);
  if (once) CHECK_INT(text_normalize(once, n1, fold, &twice, &n2), TEXT_OK);
  if (once && twice) CHECK_STR(twice, once);
  free(twice);
  return once;
}

/* fuzz_refs' contract: each of the numbers parses, and its canonical form
 * parses again as the same number (the same key). */
static void refs_parse_back(const char *const *numbers, size_t n) {
  for (size_t i = 0; i < n; i++) {
    text_ref ref, again;
    CHECK_INT(text_parse_ref(numbers[i], strlen(numbers[i]), &ref), 1);
    CHECK_INT(text_parse_ref(ref.canonical, strlen(ref.canonical), &again), 1);
    CHECK_STR(again.key, ref.key);
  }
}

/* 3. fuzz_text: folding was not idempotent for "İ" (U+0130): it has no simple
 *    case folding, so it kept its capital until its dot was dropped, and the
 *    folded form held "I" (the folded form must be lower case: a query typed
 *    "istanbul" must meet the document's folded term). */
static void fold_dotted_capital_i_is_lower_case(void) {
  char *once = normalize_idempotent("\xc4\xb0stanbul \xc4\xb0\xef\xbf\xbdg", 1);
  CHECK_STR(once, "istanbul i\xef\xbf\xbdg");
  free(once);
}

/* 4. fuzz_extract (ASan heap-buffer-overflow in has_digit, office_line): the
 *    byline rule read past the end of the last body line when the line held
 *    " - " before its end. Fixed in extract_generic.c (2e75d95); the page is
 *    the fuzzer's own input (tests/fixtures/fuzz/). */
static char *read_fixture(const char *name, size_t *len) {
  char path[1024];
  snprintf(path, sizeof path, "%s/tests/fixtures/fuzz/%s", TRACUU_SOURCE_DIR, name);
  FILE *fp = fopen(path, "rb");
  CHECK(fp != NULL);
  if (!fp) return NULL;
  char *buf = malloc(1u << 20);
  *len = buf ? fread(buf, 1, 1u << 20, fp) : 0;
  fclose(fp);
  return buf;
}

static void extract_byline_reads_inside_the_line(void) {
  size_t len = 0;
  char *page = read_fixture("extract-byline-read-past-line.html", &len);
  if (!page) return;
  extract_result r;
  char err[256];
  extract_status st = extract_page(page, len, "http://ubnd.example.gov.vn/tin-tuc/a.html",
                                   "application/xhtml+xml; charset=UTF-8", NULL, &r, err, sizeof err);
  CHECK_INT(st, EXTRACT_OK);
  extract_result_clear(&r);
  free(page);
}

/* 5. fuzz_dates: a filter date with a one-digit month ("2024-5") or a
 *    Vietnamese month alone came back from text_parse_date as a partial date,
 *    and query_parse_date copied its iso "2024-05" as the bound: --to 2024-5
 *    then left out every day of May (and February's end was never the 29th). */
static void query_partial_date_bounds_are_whole_days(void) {
  static const struct {
    const char *in;
    const char *from, *to;
  } cases[] = {{"2024-5", "2024-05-01", "2024-05-31"}, {"2024-2", "2024-02-01", "2024-02-29"},
               {"2023-2", "2023-02-01", "2023-02-28"}, {"2024-05", "2024-05-01", "2024-05-31"},
               {"2024", "2024-01-01", "2024-12-31"},   {"21/6/2021", "2021-06-21", "2021-06-21"}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char iso[11];
    CHECK_INT(query_parse_date(cases[i].in, 0, iso), 1);
    CHECK_STR(iso, cases[i].from);
    CHECK_INT(query_parse_date(cases[i].in, 1, iso), 1);
    CHECK_STR(iso, cases[i].to);
  }
}

/* 6. fuzz_record (a record written out did not read back the same): a body
 *    of valid Vietnamese with a run of bad bytes was read as Latin-1 by the
 *    legacy-encoding guess ("Thông" became "ThÃ´ng"), and reading that back
 *    undid it as double UTF-8. JSON is UTF-8: bad bytes become U+FFFD, the
 *    rest stays as it was, and writing out and reading back changes nothing. */
static void record_bad_bytes_do_not_turn_a_field_into_latin1(void) {
  char line[512];
  snprintf(line, sizeof line, "{\"id\": \"x\", \"body\": \"Th\xc3\xb4ng b\xc3\xa1o %s h\xe1\xba\xbft\"}",
           "\xed\xed\xed\xed\xed\xed\xed\xed\xed\xed\xed\xed\xff\xfe");
  record r, back;
  int repaired = 0, rep2 = 1;
  char err[256];
  CHECK_INT(record_parse_json(line, strlen(line), &r, &repaired, err, sizeof err), 0);
  CHECK_INT(repaired, 1);
  CHECK(r.body && strncmp(r.body, "Th\xc3\xb4ng b\xc3\xa1o \xef\xbf\xbd", 15) == 0);
  CHECK(r.body && strstr(r.body, " h\xe1\xba\xbft") != NULL);
  CHECK(r.body && fuzz_utf8_valid(r.body, strlen(r.body)));
  char *json = record_to_json(&r);
  CHECK(json != NULL);
  if (json) {
    CHECK_INT(record_parse_json(json, strlen(json), &back, &rep2, err, sizeof err), 0);
    CHECK_INT(rep2, 0);
    CHECK_STR(back.body, r.body);
    record_clear(&back);
  }
  free(json);
  record_clear(&r);
}

/* 7. Found reviewing fuzz_record's inputs: "\u0000" in a JSON string cut
 *    the C string there, so the ids "a\u0000x" and "a\u0000y" were one id
 *    "a" and the second record silently replaced the first. */
static void record_nul_in_a_string_is_replaced(void) {
  static const char line[] = "{\"id\": \"a\\u0000x\", \"title\": \"m\\u0000\"}";
  record r;
  int repaired = 0;
  char err[256];
  CHECK_INT(record_parse_json(line, strlen(line), &r, &repaired, err, sizeof err), 0);
  CHECK_STR(r.id, "a\xef\xbf\xbdx");
  CHECK_STR(r.title, "m\xef\xbf\xbd");
  CHECK_INT(repaired, 1);
  record_clear(&r);
}

/* 8. fuzz_refs (a number's canonical form must parse as the same number):
 *    "01-TTR-r0" parsed, with canonical "01-TTr-R0", but "01-TTr-R0" did not:
 *    the party-style form (number-CODE) wanted an all upper-case code, and
 *    TTr, TTg, CTr are canonically mixed case. */
static void ref_canonical_mixed_case_code_parses_back(void) {
  static const char *const inputs[] = {"01-TTR-r0", "15-TTG-UBND", "7-CTR-BCĐ", "2696/QĐ-UBND"};
  refs_parse_back(inputs, sizeof inputs / sizeof inputs[0]);
  text_ref ref;
  CHECK_INT(text_parse_ref("01-ttr-R0", 9, &ref), 0); /* lower case stays no number */
}

/* 9. fuzz_text (normalizing normalized text changed it): "İ" followed by a
 *    Balinese mark (U+1B6C, class 220). İ folds to "i" + U+0307 (class 230),
 *    and the fold came after NFC, so the two marks stayed out of canonical
 *    order; a second pass reordered them. The fold is now followed by NFC. */
static void fold_then_marks_in_canonical_order(void) {
  static const char in[] = "\xc4\xb0\xe1\xad\xac x";
  for (int fold = 0; fold <= 1; fold++) {
    char *once = normalize_idempotent(in, fold);
    /* U+1B6C (class 220) sorts before U+0307 (230) wherever U+0307 is kept */
    if (once && !fold) CHECK(strstr(once, "\xcc\x87\xe1\xad\xac") == NULL);
    free(once);
  }
}

/* 10. fuzz_text (normalizing normalized text changed it): "o" + U+031B +
 *    U+07AB (a Thaana mark) became "ơ" + U+07AB, and that lost its mark on
 *    the second pass: the fast path took lead byte 0xDE for a letter, read
 *    "ơ" alone, and the mark after it had nothing to sit on. Every combining
 *    mark of the BMP is tried after a precomposed letter, decomposed too. */
static int mark_utf8(UChar32 cp, char *out) {
  int32_t n = 0;
  UBool err = 0;
  U8_APPEND((uint8_t *)out, n, 8, cp, err);
  out[n] = '\0';
  return !err;
}

static void marks_after_a_precomposed_letter_are_kept(void) {
  int checked = 0, bad = 0;
  for (UChar32 cp = 0x80; cp < 0x10000; cp++) {
    int8_t t = u_charType(cp);
    if (t != U_NON_SPACING_MARK && t != U_COMBINING_SPACING_MARK && t != U_ENCLOSING_MARK) continue;
    char m[8], pre[16], dec[16];
    if (!mark_utf8(cp, m)) continue;
    snprintf(pre, sizeof pre, "\xc6\xa1%s", m); /* ơ + mark */
    snprintf(dec, sizeof dec, "o\xcc\x9b%s", m); /* o + U+031B + mark */
    char *a = NULL, *b = NULL, *again = NULL;
    size_t na = 0, nb = 0, n2 = 0;
    int ok = text_normalize(pre, strlen(pre), 0, &a, &na) == TEXT_OK &&
             text_normalize(dec, strlen(dec), 0, &b, &nb) == TEXT_OK &&
             text_normalize(a, na, 0, &again, &n2) == TEXT_OK && strcmp(a, b) == 0 &&
             strcmp(a, again) == 0;
    if (!ok && bad++ < 5) fprintf(stderr, "U+%04X: \"%s\" / \"%s\" / \"%s\"\n", (unsigned)cp, a ? a : "", b ? b : "", again ? again : "");
    checked++;
    free(a);
    free(b);
    free(again);
  }
  CHECK(checked > 1000);
  CHECK_INT(bad, 0);
}

/* 11. fuzz_extract (links are absolute http(s) URLs): an href written
 *    "hTtp://chinhphu.example/" came out with its scheme as written; the
 *    scheme is case-insensitive, and links now always start "http://" or
 *    "https://". */
static void link_scheme_is_lower_case(void) {
  static const char page[] =
      "<html><body><p><a href=\"hTtp://chinhphu.example/\">a</a> "
      "<a href=\"HTTPS://Vbpl.example/Van-Ban\">b</a></p></body></html>";
  extract_result r;
  char err[256];
  CHECK_INT(extract_page(page, strlen(page), "http://ubnd.example.gov.vn/a.html", NULL, NULL, &r,
                         err, sizeof err),
            EXTRACT_OK);
  CHECK_INT((int)r.n_links, 2);
  if (r.n_links == 2) {
    CHECK_STR(r.links[0].url, "http://chinhphu.example/");
    CHECK(strncmp(r.links[1].url, "https://", 8) == 0);
    CHECK(strstr(r.links[1].url, "/Van-Ban") != NULL); /* the path keeps its case */
  }
  extract_result_clear(&r);
}

/* 12. fuzz_refs (a number's canonical form must parse as the same number):
 *    "2/TTG2021" parsed, with canonical "2/TTg2021", but "2/TTg2021" did
 *    not: a code alone (no year, one part, not a kind) had to be in
 *    capitals, and its own canonical spelling is mixed case. */
static void ref_canonical_mixed_case_code_alone_parses_back(void) {
  static const char *const inputs[] = {"2/TTG2021", "15/TTR2", "7/CTR"};
  refs_parse_back(inputs, sizeof inputs / sizeof inputs[0]);
  text_ref ref;
  CHECK_INT(text_parse_ref("2/ttg2021", 9, &ref), 0); /* lower case stays no number */
  CHECK_INT(text_parse_ref("2/Ttg2021", 9, &ref), 0); /* nor another mixed case */
}

/* 13. fuzz_text (normalizing normalized text changed it), found by CI:
 *    Cyrillic "ї" (U+0457, no look-alike of its own) folded to "і"
 *    (U+0456) once its diaeresis was dropped, and "і" is the look-alike of
 *    Latin "i": a second fold read it so. A look-alike the marks hid is
 *    now read in the same fold. */
static void fold_reads_a_lookalike_its_marks_hid(void) {
  static const char in[] = "\xd1\x97tml \xd0\x87";
  char *once = normalize_idempotent(in, 1);
  CHECK(once && strcmp(once, "itml i") == 0);
  free(once);
  free(normalize_idempotent(in, 0));
}

/* 14. fuzz_query (a one-line message broke), found by CI: a query of only
 *    punctuation, "\n\n?", is refused as having no word to search for, and
 *    the refusal quoted it as typed, newlines and all. related's "not a
 *    legal number" and --status's refusal quoted theirs the same way. Each
 *    now shows the user's text as query_shown does. */
static void query_refusals_quote_the_text_on_one_line(void) {
  query_request req;
  query_request_init(&req);
  req.text = "\n\n?";
  parsed_query pq;
  char err[256];
  CHECK_INT(parse_request(&req, &pq, err, sizeof err), ENGINE_BAD_QUERY);
  CHECK(strstr(err, "no word or number") != NULL);
  check_one_line(err);

  query_related *rel = NULL;
  CHECK_INT(query_related_run(NULL, "h\xe1\xbb\x93 s\xc6\xa1\nx", 10, &rel, err, sizeof err),
            ENGINE_BAD_QUERY);
  CHECK(strstr(err, "is not a legal number") != NULL);
  check_one_line(err);
  CHECK(rel == NULL);

  memset(&pq, 0, sizeof pq);
  CHECK_INT(status_filter(NULL, "in-force\r\nrepealed", &pq, err, sizeof err), ENGINE_BAD_QUERY);
  check_one_line(err);
}

/* 15. fuzz_text (normalizing normalized text changed it), found by a
 *    60-second run: Old Cyrillic wide es (U+1C83) case-folds to Cyrillic
 *    "с", the look-alike of Latin "c", which only a second pass read so.
 *    Look-alikes are now read after case folding too, before the NFC that
 *    composes them with their marks. */
static void lookalike_made_by_case_folding_is_read(void) {
  char *once = normalize_idempotent("\xe1\xb2\x83", 1);
  CHECK(once && strcmp(once, "c") == 0);
  free(once);
  once = normalize_idempotent("\xe1\xb2\x83\xcc\x81 x", 0); /* with an acute: ć */
  CHECK(once && strcmp(once, "\xc4\x87 x") == 0);
  free(once);
}

/* 16. fuzz_robots (UBSan: NaN cast to long), found by a 240-second run:
 *    "Crawl-delay: nan" passed the range check (d < 0 and d > 86400 are both
 *    false for NaN) and was cast to long. A delay that is not a number in
 *    range is now no delay, as a junk value is. */
static void crawl_delay_not_a_number_is_none(void) {
  static const char *const junk[] = {"nan", "NaN", "-nan", "inf", "1e400", "nan(0x1)"};
  for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++) {
    char text[96];
    int n = snprintf(text, sizeof text, "User-agent: *\r\nCrawl-delay: %s\r\nDisallow: /a/\n", junk[i]);
    robots *r = robots_parse(text, (size_t)n, "tracuu");
    CHECK(r != NULL);
    if (!r) continue;
    if (robots_crawl_delay_ms(r) != -1) fprintf(stderr, "  Crawl-delay: %s\n", junk[i]);
    CHECK(robots_crawl_delay_ms(r) == -1);
    CHECK(!robots_allowed(r, "/a/b"));
    robots_free(r);
  }
  static const char ok[] = "User-agent: *\nCrawl-delay: 1.5\n";
  robots *r = robots_parse(ok, sizeof ok - 1, "tracuu");
  CHECK(r && robots_crawl_delay_ms(r) == 1500);
  robots_free(r);
}

int main(void) {
  record_bad_date_message_is_one_line();
  query_bad_date_message_is_one_line();
  fold_dotted_capital_i_is_lower_case();
  extract_byline_reads_inside_the_line();
  query_partial_date_bounds_are_whole_days();
  record_bad_bytes_do_not_turn_a_field_into_latin1();
  record_nul_in_a_string_is_replaced();
  ref_canonical_mixed_case_code_parses_back();
  fold_then_marks_in_canonical_order();
  marks_after_a_precomposed_letter_are_kept();
  link_scheme_is_lower_case();
  ref_canonical_mixed_case_code_alone_parses_back();
  fold_reads_a_lookalike_its_marks_hid();
  query_refusals_quote_the_text_on_one_line();
  lookalike_made_by_case_folding_is_read();
  crawl_delay_not_a_number_is_none();
  return check_summary("test_regressions");
}
