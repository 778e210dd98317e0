/* attach_ocr.c: Tesseract (libtesseract's C API) over a grey image, with
 * Debian's Vietnamese data (tesseract-ocr-vie), one thread, a deadline per
 * page through Tesseract's own monitor. */
#include <stdlib.h>
#include <string.h>

#include <tesseract/capi.h>

#include "attach/attach_internal.h"

struct ax_ocr {
  TessBaseAPI *api;
};

ax_ocr *ax_ocr_open(const attach_options *opt, attach_status *st, char *err, size_t errlen) {
  const char *lang = opt->ocr_lang ? opt->ocr_lang : "vie";
  ax_ocr *o = calloc(1, sizeof *o);
  if (!o) {
    *st = ax_fail(ATTACH_NOMEM, err, errlen, "out of memory");
    return NULL;
  }
  o->api = TessBaseAPICreate();
  /* Tesseract would write its warnings to stderr: a library never prints */
  if (o->api) TessBaseAPISetVariable(o->api, "debug_file", "/dev/null");
  if (!o->api || TessBaseAPIInit3(o->api, opt->tessdata, lang) != 0) {
    *st = ax_fail(ATTACH_TOOL, err, errlen,
                  "(no OCR: Tesseract has no \"%s\" data; apt-get install tesseract-ocr-%s)", lang,
                  lang);
    ax_ocr_close(o);
    return NULL;
  }
  *st = ATTACH_OK;
  return o;
}

/* Whether a page image holds ink: at least INK_SHARE_MIN of its pixels
 * (sampled) darker than mid-grey. Tesseract that runs out of memory (the
 * reader child's RLIMIT_AS) does not fail: Leptonica's allocations return
 * NULL and it reads an empty page, so a page with ink and no text is a
 * failed read, not an empty one (measured: an A4 scan at 300 dpi needs
 * ~150 MB more; under 140 MB it came back empty one run in eight). A blank
 * scanned page has specks, far under the share. */
#define INK_SHARE_MIN 0.002
static int has_ink(const unsigned char *grey, int w, int h) {
  size_t dark = 0, seen = 0;
  for (int y = 0; y < h; y += 2)
    for (int x = 0; x < w; x += 2, seen++) dark += grey[(size_t)y * (size_t)w + (size_t)x] < 128;
  return seen > 0 && (double)dark >= INK_SHARE_MIN * (double)seen;
}

attach_status ax_ocr_image(ax_ocr *o, const unsigned char *grey, int w, int h, int dpi,
                           int mode, int seconds, char **text, char *err, size_t errlen) {
  *text = NULL;
  /* a lone number reads better as one word: "vie" takes a line's 8 for S */
  TessBaseAPISetPageSegMode(o->api, mode == AX_OCR_PAGE   ? PSM_AUTO
                                    : mode == AX_OCR_LINE ? PSM_SINGLE_LINE
                                                          : PSM_SINGLE_WORD);
  TessBaseAPISetVariable(o->api, "tessedit_char_whitelist",
                         mode == AX_OCR_DIGITS ? "0123456789/-." : "");
  TessBaseAPISetImage(o->api, grey, w, h, 1, w);
  TessBaseAPISetSourceResolution(o->api, dpi);
  ETEXT_DESC *monitor = TessMonitorCreate();
  if (!monitor) return ax_fail(ATTACH_NOMEM, err, errlen, "out of memory");
  TessMonitorSetDeadlineMSecs(monitor, seconds > 0 ? seconds * 1000 : 1000);
  int rc = TessBaseAPIRecognize(o->api, monitor);
  TessMonitorDelete(monitor);
  if (rc != 0) {
    TessBaseAPIClear(o->api);
    return ax_fail(ATTACH_TIMEOUT, err, errlen, "OCR stopped (deadline of %d s or a failure)",
                   seconds);
  }
  char *t = TessBaseAPIGetUTF8Text(o->api);
  TessBaseAPIClear(o->api);
  if (!t) return ax_fail(ATTACH_NOMEM, err, errlen, "OCR gave no text");
  int blank = t[strspn(t, " \t\r\n\f")] == '\0';
  if (blank && mode == AX_OCR_PAGE && has_ink(grey, w, h)) {
    TessDeleteText(t);
    return ax_fail(ATTACH_NOMEM, err, errlen, "OCR read nothing from a page with ink (out of memory?)");
  }
  *text = strdup(t);
  TessDeleteText(t);
  return *text ? ATTACH_OK : ax_fail(ATTACH_NOMEM, err, errlen, "out of memory");
}

void ax_ocr_close(ax_ocr *o) {
  if (!o) return;
  if (o->api) {
    TessBaseAPIEnd(o->api);
    TessBaseAPIDelete(o->api);
  }
  free(o);
}
