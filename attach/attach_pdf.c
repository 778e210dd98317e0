/* attach_pdf.c: PDF through poppler-glib, page by page; a page whose text
 * layer is not usable is rendered (cairo) and read by OCR (attach_ocr.c).
 *
 * Which pages are read by OCR (when opt->ocr, up to opt->max_ocr_pages):
 * the scans, pages that images cover at least ATTACH_SCAN_COVERAGE of, whose
 * text layer is not usable (attach_page_usable: none, or a garbage OCR layer,
 * once the legacy rescue has had its chance: a TCVN3 layer is usable after
 * it) or usable but short (a signature block, a stamp's banner: that text is
 * kept above the OCR text). A page without images gains nothing from OCR.
 * poppler never runs a PDF's JavaScript; form fields are counted in the note. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cairo.h>
#include <poppler.h>

#include "attach/attach_internal.h"
#include "text/text.h"

/* A short page is a scan when images cover at least this share of it. */
#define ATTACH_SCAN_COVERAGE 0.5
/* Percent of opt->seconds after which no OCR starts. */
#define ATTACH_OCR_TIME_SHARE 70

/* Share of the page's area that images cover (overlaps counted twice, capped at 1). */
static double image_coverage(PopplerPage *page) {
  double w, h;
  poppler_page_get_size(page, &w, &h);
  if (!(w > 0 && h > 0)) return 0;
  GList *images = poppler_page_get_image_mapping(page);
  double area = 0;
  for (GList *l = images; l; l = l->next) {
    PopplerImageMapping *m = l->data;
    area += fabs((m->area.x2 - m->area.x1) * (m->area.y2 - m->area.y1));
  }
  poppler_page_free_image_mapping(images);
  double share = area / (w * h);
  return share > 1 ? 1 : share;
}

/* Draws the area (x, y, w, h in points, y down) of the page, white-backed,
 * into a new RGB24 surface: with the annotations (what a viewer shows) or
 * the page's own content alone (every annotation hidden while it draws). */
static cairo_surface_t *draw(PopplerPage *page, double ax, double ay, int w, int h, double dpi,
                             int with_annots) {
  cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
  if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
    cairo_surface_destroy(s);
    return NULL;
  }
  cairo_t *cr = cairo_create(s);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_scale(cr, dpi / 72, dpi / 72);
  cairo_translate(cr, -ax, -ay);
  GList *annots = with_annots ? NULL : poppler_page_get_annot_mapping(page);
  for (GList *l = annots; l; l = l->next) { /* hidden for this drawing only */
    PopplerAnnot *a = ((PopplerAnnotMapping *)l->data)->annot;
    g_object_set_data(G_OBJECT(a), "tracuu-flags", GUINT_TO_POINTER(poppler_annot_get_flags(a) + 1));
    poppler_annot_set_flags(a, poppler_annot_get_flags(a) | POPPLER_ANNOT_FLAG_HIDDEN);
  }
  poppler_page_render(page, cr);
  for (GList *l = annots; l; l = l->next) {
    PopplerAnnot *a = ((PopplerAnnotMapping *)l->data)->annot;
    poppler_annot_set_flags(a, (PopplerAnnotFlag)(GPOINTER_TO_UINT(g_object_get_data(G_OBJECT(a), "tracuu-flags")) - 1));
  }
  poppler_page_free_annot_mapping(annots);
  cairo_destroy(cr);
  cairo_surface_flush(s);
  return s;
}

static unsigned grey_of(uint32_t v) {
  unsigned r = (v >> 16) & 0xFF, g = (v >> 8) & 0xFF, b = v & 0xFF;
  return (r * 299 + g * 587 + b * 114) / 1000;
}

/* The area rendered at dpi (less when it would pass ATTACH_OCR_MAX_PIXELS)
 * as an 8-bit grey image. annots_only: only what annotations draw (a pixel
 * the page's own content draws the same is white, any other dark pixel black:
 * stamped digits are often red or blue). */
static unsigned char *render_grey(PopplerPage *page, double ax, double ay, double aw, double ah,
                                  double dpi, int annots_only, int *w_out, int *h_out,
                                  int *dpi_out) {
  if (!(aw > 0 && ah > 0) || aw > 20000 || ah > 20000) return NULL;
  double px = (aw * dpi / 72) * (ah * dpi / 72);
  if (px > ATTACH_OCR_MAX_PIXELS) dpi *= sqrt(ATTACH_OCR_MAX_PIXELS / px);
  int w = (int)ceil(aw * dpi / 72), h = (int)ceil(ah * dpi / 72);
  if (w < 1 || h < 1) return NULL;
  cairo_surface_t *s = draw(page, ax, ay, w, h, dpi, 1);
  cairo_surface_t *base = s && annots_only ? draw(page, ax, ay, w, h, dpi, 0) : NULL;
  unsigned char *grey = s && (base || !annots_only) ? malloc((size_t)w * (size_t)h) : NULL;
  if (grey) {
    const unsigned char *d = cairo_image_surface_get_data(s);
    const unsigned char *bd = base ? cairo_image_surface_get_data(base) : NULL;
    int stride = cairo_image_surface_get_stride(s);
    for (int y = 0; y < h; y++) {
      const uint32_t *row = (const uint32_t *)(d + (size_t)y * (size_t)stride);
      const uint32_t *brow = bd ? (const uint32_t *)(bd + (size_t)y * (size_t)stride) : NULL;
      for (int x = 0; x < w; x++)
        grey[(size_t)y * (size_t)w + (size_t)x] =
            (unsigned char)(!brow ? grey_of(row[x]) : brow[x] == row[x] ? 255
                            : grey_of(row[x]) < 200 ? 0 : 255);
    }
  }
  if (s) cairo_surface_destroy(s);
  if (base) cairo_surface_destroy(base);
  *w_out = w;
  *h_out = h;
  *dpi_out = (int)dpi;
  return grey;
}

typedef struct {
  ax_ocr *ocr;          /* opened on the first page that needs it */
  int tried;            /* opening was tried (and may have failed) */
  int done;             /* pages read by OCR */
  int skipped;          /* pages that needed OCR and did not get it */
  int failed;           /* pages whose OCR failed or passed its deadline */
  int widgets;          /* form widgets read by OCR */
  int drawn;            /* runs of words that only annotations draw, spliced in */
  ax_pdf_drawn *pdf_cpp; /* poppler-cpp's view of the file, opened on the first page that needs it */
  int pdf_cpp_tried;
  const char *data;     /* the file, for pdf_cpp */
  size_t len;
  int late;             /* pages left without OCR: the file's time was running out */
  long long stop_ms;    /* no OCR starts after this (monotonic ms; 0: no limit) */
  attach_status open_st;
  char open_err[200];
  char first_fail[200]; /* why the first failed page failed */
} ocr_state;

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* OCR of one page into *text (malloc'ed); 0 when it did not happen. No page
 * starts OCR after ATTACH_OCR_TIME_SHARE of opt->seconds: the reader child
 * is killed at opt->seconds, and a file then keeps the pages it has (their
 * text layers) rather than losing them all. */
static int ocr_page(PopplerPage *page, const attach_options *opt, ocr_state *os, char **text) {
  if (!opt->ocr || os->done >= opt->max_ocr_pages) {
    os->skipped++;
    return 0;
  }
  if (os->stop_ms && now_ms() > os->stop_ms) {
    os->late++;
    return 0;
  }
  if (!os->tried) {
    os->tried = 1;
    os->ocr = ax_ocr_open(opt, &os->open_st, os->open_err, sizeof os->open_err);
  }
  if (!os->ocr) {
    os->skipped++;
    return 0;
  }
  int w, h, dpi;
  double pw, ph;
  poppler_page_get_size(page, &pw, &ph);
  unsigned char *grey = render_grey(page, 0, 0, pw, ph, ATTACH_OCR_DPI, 0, &w, &h, &dpi);
  if (!grey) {
    if (!os->failed++) snprintf(os->first_fail, sizeof os->first_fail, "cannot render the page (out of memory?)");
    return 0;
  }
  char err[200];
  attach_status st = ax_ocr_image(os->ocr, grey, w, h, dpi, AX_OCR_PAGE, opt->ocr_page_seconds, text, err,
                                  sizeof err);
  free(grey);
  if (st != ATTACH_OK) {
    if (!os->failed++) snprintf(os->first_fail, sizeof os->first_fail, "%s", err);
    return 0;
  }
  os->done++;
  return 1;
}

/* ---- text drawn by form widgets ----
 * An e-signing system stamps the number and the day into the blanks of
 * "Số:      /BNV-TCPCP" and "ngày    tháng" as the appearance of small
 * signature widgets, and a signature box may carry "Số: 2003/CĐ-VPCP":
 * drawn on the page, absent from its text layer. Where the appearance is
 * text, poppler-cpp reads it (read_drawn: the words it finds that the text
 * layer lacks). Where it is a picture, or poppler-cpp finds nothing, each
 * small widget (at most WIDGET_MAX_OCR a page, none larger than
 * WIDGET_MAX_W x WIDGET_MAX_H points) is rendered twice, with and without
 * annotations, so that only what the widget draws is left; that is read by
 * OCR as one line. Either way the text is spliced into the text layer where
 * it is drawn: before the first character right of its middle on its line
 * ("8977" + " /BNV-TCPCP"). */
#define WIDGET_MAX_OCR 8
#define WIDGET_MAX_W 300.0
#define WIDGET_MAX_H 150.0
#define WIDGET_LINE_H 40.0 /* a widget lower than this holds one line */
#define WIDGET_DPI 400.0
#define WIDGET_PAD 2.0

typedef struct {
  double x1, y1, x2, y2; /* y down */
  char *text;
} widget_text;

/* Whether the character in box r is on w's line. */
static int on_line_of(const PopplerRectangle *r, const widget_text *w) {
  return fabs((r->y1 + r->y2) / 2 - (w->y1 + w->y2) / 2) <= (w->y2 - w->y1) / 2 + 2;
}

/* The character index to insert before: the first character right of w on
 * its line, else the one after the last left of it ("năm" + "2025" at the
 * line's end), else n (the end of the text). */
static guint splice_point(const PopplerRectangle *r, guint n, const widget_text *w) {
  guint best = n, left = n;
  double mid = (w->x1 + w->x2) / 2;
  for (guint i = 0; i < n; i++) {
    if (!on_line_of(&r[i], w) || r[i].x2 - r[i].x1 <= 0) continue;
    if ((r[i].x1 + r[i].x2) / 2 < mid) {
      if (left == n || r[i].x2 > r[left].x2) left = i;
    } else if (best == n || r[i].x1 < r[best].x1) {
      best = i;
    }
  }
  return best < n ? best : left < n ? left + 1 : n;
}

/* Whether a separator belongs between characters i and i + 1 of the text
 * layer: poppler's page text joins what is drawn apart on one line
 * ("3917/BTP-BTTPHà Nội": the number's column and the date's) and lines
 * that follow each other without a newline. 0, ' ' or '\n'. */
static char gap_between(const PopplerRectangle *r, const char *a, const char *b) {
  if (*a == '\n' || *a == ' ' || *b == '\n' || *b == ' ') return 0;
  double ha = r[0].y2 - r[0].y1, hb = r[1].y2 - r[1].y1, h = ha > hb ? ha : hb;
  if (!(h > 0)) return 0;
  double ca = (r[0].y1 + r[0].y2) / 2, cb = (r[1].y1 + r[1].y2) / 2;
  if (fabs(ca - cb) > h * 0.7) return '\n';
  if (r[1].x1 - r[0].x2 > h * 0.8 || r[1].x2 < r[0].x1) return ' ';
  return 0;
}

/* The boxes of the text layer raw, one per character, into *rects (g_free)
 * and *n; none (*n = 0) when poppler gives none or not one per character.
 * Returns whether raw can be placed on the page: it has its boxes, or it is
 * empty. */
static int text_boxes(PopplerPage *page, const char *raw, PopplerRectangle **rects, guint *n) {
  *rects = NULL;
  *n = 0;
  if (!poppler_page_get_text_layout(page, rects, n)) *n = 0;
  if (*n != (size_t)g_utf8_strlen(raw, -1)) {
    g_free(*rects);
    *rects = NULL;
    *n = 0;
  }
  return *n > 0 || !raw[0];
}

/* The text layer raw (n character boxes: text_boxes) with separators where
 * the layout shows gaps, and each widget's text (n_wt of them) spliced in;
 * without boxes, the widgets' text at the end. malloc'ed, or NULL to keep
 * raw. */
static char *lay_out(const char *raw, const PopplerRectangle *rects, guint n, widget_text *wt,
                     int n_wt) {
  guint *at = calloc((size_t)n_wt + 1, sizeof *at);
  if (!at) return NULL;
  for (int k = 0; k < n_wt; k++) at[k] = n ? splice_point(rects, n, &wt[k]) : 0;
  size_t len = strlen(raw), extra = (size_t)g_utf8_strlen(raw, -1) + 2;
  for (int k = 0; k < n_wt; k++) extra += strlen(wt[k].text) + 3; /* ' ' text ' ' or '\n' */
  char *out = malloc(len + extra + 1);
  if (!out) { free(at); return NULL; }
  size_t o = 0;
  const char *p = raw;
  for (guint i = 0; n && i <= n; i++) {
    for (int k = 0; k < n_wt; k++)
      if (at[k] == i) {
        if (i == n) out[o++] = '\n';
        /* the blank it fills broke the line ("ngày\ntháng"): one line again */
        else if (o && out[o - 1] == '\n' && i && on_line_of(&rects[i - 1], &wt[k])) out[o - 1] = ' ';
        else if (o && out[o - 1] != ' ' && out[o - 1] != '\n') out[o++] = ' ';
        size_t tl = strlen(wt[k].text);
        memcpy(out + o, wt[k].text, tl);
        o += tl;
        out[o++] = ' ';
      }
    if (i == n) break;
    const char *next = g_utf8_next_char(p);
    memcpy(out + o, p, (size_t)(next - p));
    o += (size_t)(next - p);
    char sep = i + 1 < n ? gap_between(rects + i, p, next) : 0;
    if (sep) out[o++] = sep;
    p = next;
  }
  if (!n) {
    memcpy(out + o, raw, len);
    o += len;
    for (int k = 0; k < n_wt; k++) {
      size_t tl = strlen(wt[k].text);
      out[o++] = '\n';
      memcpy(out + o, wt[k].text, tl);
      o += tl;
    }
  }
  out[o] = '\0';
  free(at);
  return out;
}

/* At least half of the letters and digits are digits. */
static int mostly_digits(const char *s) {
  size_t digits = 0, other = 0;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p >= '0' && *p <= '9') digits++;
    else if (*p >= 0x80 || ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z')) other++;
  }
  return digits && digits >= other;
}

/* OCR of the small widgets of the page; returns how many were read. */
static int read_widgets(PopplerPage *page, const attach_options *opt, ax_ocr *ocr,
                        widget_text *wt) {
  double pw, ph;
  poppler_page_get_size(page, &pw, &ph);
  GList *fields = poppler_page_get_form_field_mapping(page);
  int n = 0;
  for (GList *l = fields; l && n < WIDGET_MAX_OCR; l = l->next) {
    PopplerFormFieldMapping *m = l->data;
    double w = m->area.x2 - m->area.x1, h = m->area.y2 - m->area.y1;
    if (!(w > 2 && h > 2 && w <= WIDGET_MAX_W && h <= WIDGET_MAX_H)) continue;
    widget_text t = {m->area.x1, ph - m->area.y2, m->area.x2, ph - m->area.y1, NULL};
    int gw, gh, dpi;
    unsigned char *grey = render_grey(page, t.x1 - WIDGET_PAD, t.y1 - WIDGET_PAD,
                                      w + 2 * WIDGET_PAD, h + 2 * WIDGET_PAD, WIDGET_DPI, 1, &gw,
                                      &gh, &dpi);
    char err[200], *text = NULL;
    int line = h <= WIDGET_LINE_H;
    if (grey && ax_ocr_image(ocr, grey, gw, gh, dpi, line ? AX_OCR_LINE : AX_OCR_PAGE,
                             opt->ocr_page_seconds, &text, err, sizeof err) == ATTACH_OK &&
        line && mostly_digits(text)) {
      /* a stamped number or day: read again as digits ("S977" -> "8977") */
      char *digits = NULL;
      if (ax_ocr_image(ocr, grey, gw, gh, dpi, AX_OCR_DIGITS, opt->ocr_page_seconds, &digits,
                       err, sizeof err) == ATTACH_OK && digits[strspn(digits, " \n")]) {
        free(text);
        text = digits;
      } else {
        free(digits);
      }
    }
    if (text) {
      size_t tl = strlen(text);
      /* blanks, and a stray dash or dot the field's edge makes, around it */
      while (tl && (strchr(" -./", text[tl - 1]) || (unsigned char)text[tl - 1] < ' ')) text[--tl] = '\0';
      if (tl) t.text = text, wt[n++] = t;
      else free(text);
    }
    free(grey);
  }
  poppler_page_free_form_field_mapping(fields);
  return n;
}

/* Whether the page has an annotation that may draw text: any but a link. */
static int has_drawing_annots(PopplerPage *page) {
  GList *annots = poppler_page_get_annot_mapping(page);
  int any = 0;
  for (GList *l = annots; l && !any; l = l->next) {
    PopplerAnnotMapping *m = l->data;
    any = poppler_annot_get_annot_type(m->annot) != POPPLER_ANNOT_LINK;
  }
  poppler_page_free_annot_mapping(annots);
  return any;
}

/* Whether a character of the text layer (n boxes) lies inside w's box. */
static int in_text_layer(const PopplerRectangle *r, guint n, const ax_drawn_word *w) {
  for (guint i = 0; i < n; i++) {
    double cx = (r[i].x1 + r[i].x2) / 2, cy = (r[i].y1 + r[i].y2) / 2;
    if (cx >= w->x1 && cx <= w->x2 && cy >= w->y1 && cy <= w->y2) return 1;
  }
  return 0;
}

/* Appends " word" (or "word" to an empty run); 0, or -1 out of memory. */
static int run_append(widget_text *run, const ax_drawn_word *w) {
  size_t have = run->text ? strlen(run->text) : 0, add = strlen(w->text);
  char *t = realloc(run->text, have + add + 2);
  if (!t) return -1;
  if (have) t[have++] = ' ';
  memcpy(t + have, w->text, add + 1);
  run->text = t;
  if (w->x1 < run->x1) run->x1 = w->x1;
  if (w->y1 < run->y1) run->y1 = w->y1;
  if (w->x2 > run->x2) run->x2 = w->x2;
  if (w->y2 > run->y2) run->y2 = w->y2;
  return 0;
}

/* The words that only the page's annotations draw (none of the text
 * layer's n_rects character boxes inside them), as runs (the words of one
 * line that follow each other), at most max, into wt. Returns how many runs. */
static int read_drawn(PopplerPage *page, const PopplerRectangle *rects, guint n_rects,
                      ocr_state *os, widget_text *wt, int max) {
  if (!os->pdf_cpp_tried) {
    os->pdf_cpp_tried = 1;
    os->pdf_cpp = ax_pdf_drawn_open(os->data, os->len);
  }
  if (!os->pdf_cpp) return 0;
  ax_drawn_word *words = NULL;
  size_t n_words = 0;
  int n = 0;
  if (ax_pdf_drawn_words(os->pdf_cpp, poppler_page_get_index(page), &words, &n_words) == 0) {
    int open = 0; /* wt[n - 1] may grow */
    for (size_t i = 0; i < n_words; i++) {
      const ax_drawn_word *w = &words[i];
      double h = w->y2 - w->y1;
      if (!w->text[0] || !(h > 0) || in_text_layer(rects, n_rects, w)) {
        open = 0;
        continue;
      }
      widget_text *last = n ? &wt[n - 1] : NULL;
      int same_run = open && last && fabs((w->y1 + w->y2) / 2 - (last->y1 + last->y2) / 2) < h / 2 &&
                     w->x1 - last->x2 < 1.5 * h;
      if (!same_run) {
        if (n == max) break;
        wt[n++] = (widget_text){w->x1, w->y1, w->x2, w->y2, NULL};
      }
      if (run_append(&wt[n - 1], w) != 0) {
        if (!wt[n - 1].text) n--; /* an empty run is no run */
        break;
      }
      open = 1;
    }
  }
  ax_drawn_words_free(words, n_words);
  return n;
}

static int has_small_widgets(PopplerPage *page) {
  GList *fields = poppler_page_get_form_field_mapping(page);
  int any = 0;
  for (GList *l = fields; l && !any; l = l->next) {
    PopplerFormFieldMapping *m = l->data;
    double w = m->area.x2 - m->area.x1, h = m->area.y2 - m->area.y1;
    any = w > 2 && h > 2 && w <= WIDGET_MAX_W && h <= WIDGET_MAX_H;
  }
  poppler_page_free_form_field_mapping(fields);
  return any;
}

/* The page's text layer, rescued from legacy encodings; malloc'ed. */
static char *page_text(PopplerPage *page, ocr_state *os, const attach_options *opt, size_t *len,
                       text_encoding *legacy) {
  char *raw = poppler_page_get_text(page);
  PopplerRectangle *rects;
  guint n_rects;
  /* without a box for each character, a drawn word cannot be told apart */
  int placed = text_boxes(page, raw ? raw : "", &rects, &n_rects);
  widget_text wt[WIDGET_MAX_OCR];
  int n = 0;
  if (placed && has_drawing_annots(page)) {
    n = read_drawn(page, rects, n_rects, os, wt, WIDGET_MAX_OCR);
    os->drawn += n;
  }
  if (n == 0 && opt->ocr && has_small_widgets(page)) {
    if (!os->tried) {
      os->tried = 1;
      os->ocr = ax_ocr_open(opt, &os->open_st, os->open_err, sizeof os->open_err);
    }
    n = os->ocr ? read_widgets(page, opt, os->ocr, wt) : 0;
    os->widgets += n;
  }
  char *spliced = lay_out(raw ? raw : "", rects, n_rects, wt, n);
  g_free(rects);
  for (int k = 0; k < n; k++) free(wt[k].text);
  const char *t = spliced ? spliced : raw ? raw : "";
  char *out = NULL;
  text_encoding found = TEXT_ENC_UTF8;
  if (text_rescue_legacy(t, strlen(t), &out, len, &found) != TEXT_OK) {
    out = strdup(t);
    *len = out ? strlen(out) : 0;
  }
  *legacy = found;
  free(spliced);
  g_free(raw);
  return out;
}

/* Form fields a person fills in (a digital signature's field is not one). */
static int count_form_fields(PopplerPage *page) {
  GList *fields = poppler_page_get_form_field_mapping(page);
  int n = 0;
  for (GList *l = fields; l; l = l->next) {
    PopplerFormFieldMapping *m = l->data;
    n += poppler_form_field_get_field_type(m->field) != POPPLER_FORM_FIELD_SIGNATURE;
  }
  poppler_page_free_form_field_mapping(fields);
  return n;
}

/* Reads one page into o. Returns -1 when out of memory. */
static int read_page(PopplerPage *page, ax_out *o, ocr_state *os, int *fields) {
  size_t len = 0;
  text_encoding legacy = TEXT_ENC_UTF8;
  char *layer = page_text(page, os, o->opt, &len, &legacy);
  if (!layer) return -1;

  *fields += count_form_fields(page);
  int short_text = 0;
  int usable = attach_page_usable(layer, len, &short_text);
  int want_ocr = (!usable || short_text) && image_coverage(page) >= ATTACH_SCAN_COVERAGE;
  char *ocr_text = NULL;
  int rc;
  if (want_ocr && ocr_page(page, o->opt, os, &ocr_text)) {
    /* the usable short layer (a signature block) stays, above the OCR text */
    size_t keep = usable ? len : 0, on = strlen(ocr_text);
    char *both = malloc(keep + on + 2);
    if (both) {
      memcpy(both, layer, keep);
      if (keep) both[keep++] = '\n';
      memcpy(both + keep, ocr_text, on + 1);
    }
    rc = both ? ax_add_page(o, both, keep + on, 1) : -1;
    free(both);
  } else {
    rc = ax_add_page(o, layer, len, 0);
    if (legacy != TEXT_ENC_UTF8 && !o->doc->encoding[0])
      snprintf(o->doc->encoding, sizeof o->doc->encoding, "%s", text_encoding_name(legacy));
  }
  free(ocr_text);
  free(layer);
  return rc;
}

attach_status ax_read_pdf(const char *data, size_t len, ax_out *o, char *err, size_t errlen) {
  GError *gerr = NULL;
  GBytes *bytes = g_bytes_new_static(data, len);
  PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, &gerr);
  if (!doc) {
    attach_status st = gerr && gerr->domain == POPPLER_ERROR && gerr->code == POPPLER_ERROR_ENCRYPTED
                           ? ATTACH_ENCRYPTED : ATTACH_DAMAGED;
    ax_fail(st, err, errlen, "PDF %s: %s", st == ATTACH_ENCRYPTED ? "needs a password" : "cannot be read",
            gerr ? gerr->message : "poppler gave no reason");
    if (gerr) g_error_free(gerr);
    g_bytes_unref(bytes);
    return st;
  }
  attach_doc *d = o->doc;
  d->pages = poppler_document_get_n_pages(doc);
  o->rescued = 1;
  if (poppler_document_has_javascript(doc)) ax_note(d, "has JavaScript (never run)");
  int n = d->pages < o->opt->max_pages ? d->pages : o->opt->max_pages;
  ocr_state os;
  memset(&os, 0, sizeof os);
  os.data = data;
  os.len = len;
  if (o->opt->seconds > 0) os.stop_ms = now_ms() + (long long)o->opt->seconds * 1000 * ATTACH_OCR_TIME_SHARE / 100;
  int fields = 0, rc = 0;
  for (int i = 0; rc == 0 && i < n && !o->full; i++) {
    PopplerPage *page = poppler_document_get_page(doc, i);
    if (!page) continue;
    rc = read_page(page, o, &os, &fields);
    g_object_unref(page);
  }
  if (d->pages > n) ax_note(d, "read %d of %d pages (the cap)", n, d->pages);
  if (fields) ax_note(d, "%d form fields", fields);
  if (os.skipped)
    ax_note(d, "%d pages without a text layer %s", os.skipped,
            !o->opt->ocr ? "(OCR off)" : os.tried && !os.ocr ? os.open_err : "(over the OCR cap)");
  if (os.failed) ax_note(d, "OCR failed or timed out on %d pages", os.failed);
  if (os.late) ax_note(d, "%d pages not read by OCR: the file's %d s were running out", os.late, o->opt->seconds);
  if (os.widgets) ax_note(d, "%d stamped fields read by OCR", os.widgets);
  if (os.drawn) ax_note(d, "%d stamped fields read from their drawing", os.drawn);
  ax_ocr_close(os.ocr);
  ax_pdf_drawn_close(os.pdf_cpp);
  g_object_unref(doc);
  g_bytes_unref(bytes);
  if (rc != 0) return ax_fail(ATTACH_NOMEM, err, errlen, "out of memory");
  /* a scan whose every OCR failed is a failed read, not an empty file */
  if (os.failed && !os.done && o->bytes == 0)
    return ax_fail(ATTACH_NOMEM, err, errlen, "OCR failed on %d pages and no page has a text layer: %s",
                   os.failed, os.first_fail);
  return ATTACH_OK;
}
