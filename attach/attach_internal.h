/* attach_internal.h: what the files of attach/ share (not public).
 *
 * Sections follow the source files:
 *   attach.c          pages being collected (ax_out), caps, the final pass
 *   attach_pdf.c      poppler-glib
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
