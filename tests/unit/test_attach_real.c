/* test_attach_real: the attachment readers (attach/attach.h) on the real
 * files of ../shared/corpus/portal-pages, against their hand-read truth.
 *
 * For each of the 29 files: the sniffed type is the truth's file_type; a
 * scan (text_layer "scanned ...") has pages read by OCR and a text PDF none;
 * a TCVN3 or VNI file is rescued as such; and, measured over all files, the
 * document's number (or one of its alternatives) is found in the text read
 * (as a legal reference, text_find_refs) and so is a phrase of its title
 * (the first words after the type, accents and case folded). The shares must
 * reach NUMBER_MIN and PHRASE_MIN; every miss is printed.
 *
 * OCR reads at most TEST_OCR_PAGES pages per file here: the header with
 * the number and the title is on page 1, and each further page costs ~6 s
 * of CPU (the test: 107 s with 1 page, 262 s with 3; with 1 page it finds
 * 19 of 27 numbers and 26 of 29 title phrases); bench_attach reads them all. Skipped (exit 77)
 * without ../shared. */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "attach/attach.h"
#include "check.h"
#include "text/legal.h"
#include "text/text.h"

/* Floors under what this test measures, so that a regression fails it.
 * Issue 15 asks 0.90 of the numbers; measured 19 of 27 (0.70): the misses
 * are handwritten numbers on scans (560, 1716, 3980, 932, 493, 1413), a
 * number only on a scan's later page (153/TB-VPCP; OCR reads page 1 here)
 * and one behind a signature box. Stamped number fields were read by OCR
 * (8151 -> 81512, 85 -> S5: 15 of 27) until poppler-cpp read the text their
 * widgets draw. A search finds more than the text holds: the indexer also
 * takes a number from a file's name and header (bench/score_pages.py's
 * att#). */
#define NUMBER_MIN 0.65
#define PHRASE_MIN 0.85
#define TEST_OCR_PAGES 1
#define PHRASE_WORDS 5

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  rewind(f);
  char *b = n >= 0 ? malloc((size_t)n + 1) : NULL;
  if (b && fread(b, 1, (size_t)n, f) != (size_t)n) { free(b); b = NULL; }
  fclose(f);
  if (b) b[n] = '\0', *len = (size_t)n;
  return b;
}

typedef struct {
  const char *keys[8];
  size_t n_keys;
  int found;
} ref_want;

static int on_ref(void *ctx, const text_ref *ref) {
  ref_want *w = ctx;
  for (size_t i = 0; i < w->n_keys; i++)
    if (strcasecmp(ref->key, w->keys[i]) == 0) w->found = 1;
  return 0;
}

/* Folded words separated by single spaces. */
static char *folded_words(const char *s, size_t len) {
  char *f = NULL;
  size_t fl = 0;
  if (text_normalize(s, len, 1, &f, &fl) != TEXT_OK) return NULL;
  size_t o = 0;
  int space = 1;
  for (size_t i = 0; i < fl; i++) {
    unsigned char c = (unsigned char)f[i];
    int word = c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z');
    if (word) f[o++] = (char)c, space = 0;
    else if (!space) f[o++] = ' ', space = 1;
  }
  f[o] = '\0';
  return f;
}

/* The first PHRASE_WORDS words of the title after its type word(s). */
static char *title_phrase(const char *title, const char *type) {
  char *t = folded_words(title, strlen(title));
  char *ty = type ? folded_words(type, strlen(type)) : NULL;
  if (!t) { free(ty); return NULL; }
  char *p = t;
  if (ty && *ty && strncmp(p, ty, strlen(ty)) == 0) p += strlen(ty);
  while (*p == ' ') p++;
  if (strncmp(p, "v v ", 4) == 0) p += 4; /* "V/v" */
  char *e = p;
  for (int w = 0; w < PHRASE_WORDS && *e; w++) {
    e = strchr(e, ' ');
    if (!e) { e = p + strlen(p); break; }
    if (w + 1 < PHRASE_WORDS) e++;
  }
  char *res = strndup(p, (size_t)(e - p));
  free(t);
  free(ty);
  return res;
}

static const char *jstr(json_object *o, const char *key) {
  json_object *v;
  return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
             ? json_object_get_string(v) : NULL;
}

int main(void) {
  const char *dir = TRACUU_SHARED_DIR "/corpus/portal-pages";
  char path[4096];
  snprintf(path, sizeof path, "%s/truth.json", dir);
  json_object *truth = json_object_from_file(path);
  if (!truth) {
    printf("test_attach_real: skipped (no %s)\n", path);
    return 77;
  }
  json_object *atts;
  if (!json_object_object_get_ex(truth, "attachments", &atts)) {
    fprintf(stderr, "truth.json has no attachments\n");
    return 1;
  }
  attach_options opt;
  attach_options_default(&opt);
  opt.max_ocr_pages = TEST_OCR_PAGES;
  int with_number = 0, numbers = 0, phrases = 0, files = 0;
  for (size_t i = 0; i < json_object_array_length(atts); i++) {
    json_object *a = json_object_array_get_idx(atts, i);
    const char *rel = jstr(a, "path"), *ftype = jstr(a, "file_type"), *layer = jstr(a, "text_layer");
    const char *enc = jstr(a, "encoding"), *number = jstr(a, "number"), *title = jstr(a, "title");
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    size_t len = 0;
    char *data = slurp(path, &len);
    CHECK(data != NULL);
    if (!data) continue;
    files++;
    attach_doc doc;
    char err[256];
    attach_status st = attach_read_contained(data, len, path, NULL, &opt, &doc, err, sizeof err);
    free(data);
    if (st != ATTACH_OK) fprintf(stderr, "%s: %s: %s\n", rel, attach_strerror(st), err);
    CHECK_INT(st, ATTACH_OK);
    CHECK_STR(attach_type_name(doc.type), ftype);
    int scanned = layer && strncmp(layer, "scanned", 7) == 0;
    if (scanned && doc.ocr_pages == 0) fprintf(stderr, "%s: a scan, and no page was read by OCR\n", rel);
    if (!scanned && doc.ocr_pages > 0 && strcmp(ftype, "pdf") == 0 && strstr(layer, "TCVN3") == NULL)
      fprintf(stderr, "%s: a text PDF, yet %d pages were read by OCR\n", rel, doc.ocr_pages);
    CHECK(scanned ? doc.ocr_pages > 0 : 1);
    if (enc && (strstr(enc, "TCVN3") || strstr(enc, "VNI"))) {
      const char *want = strstr(enc, "TCVN3") ? "tcvn3" : "vni";
      if (strcasecmp(doc.encoding, want) != 0)
        fprintf(stderr, "%s: encoding \"%s\", truth %s\n", rel, doc.encoding, enc);
      CHECK(strcasecmp(doc.encoding, want) == 0);
    }
    size_t tl = 0;
    char *text = attach_doc_text(&doc, &tl);
    if (number && text) {
      ref_want w = {{0}, 0, 0};
      text_ref r[8];
      json_object *alts = NULL;
      if (text_parse_ref(number, strlen(number), &r[0])) w.keys[w.n_keys++] = r[0].key;
      if (json_object_object_get_ex(a, "number_alts", &alts))
        for (size_t k = 0; k < json_object_array_length(alts) && w.n_keys < 8; k++) {
          const char *alt = json_object_get_string(json_object_array_get_idx(alts, k));
          if (alt && text_parse_ref(alt, strlen(alt), &r[w.n_keys])) w.keys[w.n_keys] = r[w.n_keys].key, w.n_keys++;
        }
      text_find_refs(text, tl, on_ref, &w);
      with_number++;
      numbers += w.found;
      if (!w.found) fprintf(stderr, "%s: number %s not found in the text read\n", rel, number);
    }
    if (title && text) {
      char *phrase = title_phrase(title, jstr(a, "type"));
      char *ft = folded_words(text, tl);
      int hit = phrase && ft && strstr(ft, phrase) != NULL;
      phrases += hit;
      if (!hit) fprintf(stderr, "%s: title phrase \"%s\" not found\n", rel, phrase ? phrase : "?");
      free(phrase);
      free(ft);
    }
    printf("%-55s %-4s %3d pages %2d OCR %7zu chars %-6s %s\n", rel, attach_type_name(doc.type),
           doc.pages, doc.ocr_pages, doc.chars, doc.encoding, doc.note);
    free(text);
    attach_doc_clear(&doc);
  }
  json_object_put(truth);
  printf("numbers found: %d of %d (%.2f); title phrases found: %d of %d (%.2f)\n", numbers,
         with_number, with_number ? (double)numbers / with_number : 0, phrases, files,
         files ? (double)phrases / files : 0);
  CHECK(numbers >= NUMBER_MIN * with_number);
  CHECK(phrases >= PHRASE_MIN * files);
  return check_summary("test_attach_real");
}
