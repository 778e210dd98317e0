/* attach_internal.h: what the files of attach/ share (not public).
 *
 * Sections follow the source files:
 *   attach.c          pages being collected (ax_out), caps, the final pass
 *   attach_pdf.c      poppler-glib
 *   attach_pdf_drawn.cc  poppler-cpp: what a page's annotations draw
 *   attach_ocr.c      Tesseract over a rendered page
 *   attach_zip.c      DOCX and ODT (libzip + libxml2)
 *   attach_rtf.c      RTF
 *   attach_doc.c      DOC through antiword
 *   attach_contain.c  the reader child (fork, setrlimit, pipe)
 */
#ifndef TRACUU_ATTACH_INTERNAL_H
#define TRACUU_ATTACH_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>

#include "attach/attach.h"

/* ---- attach.c ---- */
typedef struct {
  attach_doc *doc;
  const attach_options *opt;
  size_t cap;        /* pages allocated */
  size_t bytes;      /* text bytes kept so far */
  int full;          /* max_chars reached: further text is dropped */
  int rescued;       /* the reader ran the legacy rescue itself (per page) */
} ax_out;

/* Adds one page; text is copied (len bytes, need not be terminated). Text
 * past opt->max_chars is cut at a character boundary and noted. Returns 0,
 * or -1 when out of memory. */
int ax_add_page(ax_out *o, const char *text, size_t len, int ocr);

/* Adds text split into pages at form feeds ('\f'). */
int ax_add_paged(ax_out *o, const char *text, size_t len);

/* Appends "; "-separated words to doc->note (cut at its size). */
void ax_note(attach_doc *doc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* snprintf into err (errlen may be 0); returns st. */
attach_status ax_fail(attach_status st, char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* ---- the readers: each fills o (pages, doc->pages, notes) ---- */
attach_status ax_read_pdf(const char *data, size_t len, ax_out *o, char *err, size_t errlen);
attach_status ax_read_zip(const char *data, size_t len, attach_type type, ax_out *o, char *err,
                          size_t errlen);
attach_status ax_read_rtf(const char *data, size_t len, ax_out *o, char *err, size_t errlen);
attach_status ax_read_doc(const char *data, size_t len, ax_out *o, char *err, size_t errlen);

/* ---- attach_zip.c ---- */
/* DOCX, ODT, or UNKNOWN for a zip of something else (or not a zip). */
attach_type ax_zip_kind(const char *data, size_t len);

/* ---- attach_pdf_drawn.cc ----
 * An e-signing system stamps the number and the day into the blanks of
 * "Số:      /GM-UBND" and "ngày    tháng" as the appearance of small
 * signature widgets: drawn on the page, absent from poppler-glib's text,
 * which holds the content stream alone. poppler-cpp reads the page with its
 * annotations' appearances, as pdftotext does. */
#ifdef __cplusplus
extern "C" {
#endif
typedef struct ax_pdf_drawn ax_pdf_drawn;
typedef struct {
  double x1, y1, x2, y2; /* the word's box in points, y down (poppler-glib's layout too) */
  char *text;            /* UTF-8, owned */
} ax_drawn_word;

/* The PDF in data (read in place: data must outlive the handle); NULL when
 * poppler-cpp cannot read it. */
ax_pdf_drawn *ax_pdf_drawn_open(const char *data, size_t len);
/* Every word of page index, annotations included, in reading order;
 * *words malloc'ed (ax_drawn_words_free). 0, or -1 (out of memory, no page). */
int ax_pdf_drawn_words(ax_pdf_drawn *d, int index, ax_drawn_word **words /* OUT */,
                       size_t *n /* OUT */);
void ax_drawn_words_free(ax_drawn_word *words, size_t n);
void ax_pdf_drawn_close(ax_pdf_drawn *d);
#ifdef __cplusplus
}
#endif

/* ---- attach_ocr.c ---- */
typedef struct ax_ocr ax_ocr;

/* Tesseract with opt's data and language; NULL with err (ATTACH_TOOL when
 * the data is missing). */
ax_ocr *ax_ocr_open(const attach_options *opt, attach_status *st, char *err, size_t errlen);

/* Reads an 8-bit grey image (w x h, stride w) at dpi; *text malloc'ed.
 * mode: AX_OCR_PAGE, AX_OCR_LINE (one line of text: a stamped field), or
 * AX_OCR_DIGITS (one word of digits and / - .). */
enum { AX_OCR_PAGE = 0, AX_OCR_LINE = 1, AX_OCR_DIGITS = 2 };
attach_status ax_ocr_image(ax_ocr *o, const unsigned char *grey, int w, int h, int dpi,
                           int mode, int seconds, char **text /* OUT */, char *err,
                           size_t errlen);
void ax_ocr_close(ax_ocr *o);

#endif
