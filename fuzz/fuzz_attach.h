/* fuzz_attach.h: the contract of attach_read (attach/attach.h) that every
 * attachment fuzz target checks. Header-only, included by fuzz_pdf.c,
 * fuzz_docx.c and fuzz_legacy.c. */
#ifndef TRACUU_FUZZ_ATTACH_H
#define TRACUU_FUZZ_ATTACH_H

#include "attach/attach.h"
#include "fuzz_util.h"

/* Small caps, so that a short input can reach them. */
#define FUZZ_ATTACH_MAX_CHARS 4096
#define FUZZ_ATTACH_MAX_PAGES 8

/* Reads data with OCR off and small caps; want is the type the bytes must be
 * sniffed as (or -1: any). */
static inline void fuzz_attach_check(const char *data, size_t len, int want) {
  attach_options opt;
  attach_options_default(&opt);
  opt.ocr = 0;
  opt.max_chars = FUZZ_ATTACH_MAX_CHARS;
  opt.max_pages = FUZZ_ATTACH_MAX_PAGES;
  opt.seconds = 5;
  attach_doc doc;
  char err[256];
  attach_status st = attach_read(data, len, "http://x.gov.vn/a", NULL, &opt, &doc, err, sizeof err);
  if (want >= 0) FUZZ_CHECK(doc.type == (attach_type)want, "the type is sniffed from the bytes");
  if (st == ATTACH_OK) {
    size_t total = 0, chars = 0;
    FUZZ_CHECK(doc.n_page <= (size_t)FUZZ_ATTACH_MAX_PAGES || doc.type != ATTACH_TYPE_PDF,
               "a PDF has at most max_pages pages read");
    if (doc.type == ATTACH_TYPE_PDF) FUZZ_CHECK((int)doc.n_page <= doc.pages, "no more pages read than the file has");
    FUZZ_CHECK(doc.ocr_pages == 0, "no OCR when it is off");
    for (size_t i = 0; i < doc.n_page; i++) {
      const attach_page *p = &doc.page[i];
      FUZZ_CHECK(p->text && strlen(p->text) == p->len, "a page is NUL-terminated at its length");
      FUZZ_CHECK(fuzz_utf8_valid(p->text, p->len), "a page is valid UTF-8");
      FUZZ_CHECK(p->ocr == 0, "no page marked OCR when it is off");
      for (size_t k = 0; k < p->len; k++) {
        unsigned char c = (unsigned char)p->text[k];
        FUZZ_CHECK(c >= 0x20 || c == '\t' || c == '\n', "no control characters but tab and newline");
        chars += (c & 0xC0) != 0x80;
      }
      total += p->len;
    }
    /* the rescue may lengthen text after the cap (a TCVN3 byte becomes up to 3) */
    FUZZ_CHECK(total <= 3 * FUZZ_ATTACH_MAX_CHARS, "text within (rescued) max_chars");
    FUZZ_CHECK(chars == doc.chars, "chars counts the code points");
    FUZZ_CHECK_ARRAY_STR(doc.note, "note");
    FUZZ_CHECK(!strchr(doc.note, '\n'), "the note is one line");
    FUZZ_CHECK_ARRAY_STR(doc.encoding, "encoding");
  } else {
    FUZZ_CHECK(doc.n_page == 0 && doc.page == NULL, "an error leaves no pages");
    FUZZ_CHECK(err[0] && !strchr(err, '\n'), "the error is one line");
  }
  attach_doc_clear(&doc);
}

#endif
