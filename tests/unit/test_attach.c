/* test_attach: the attachment readers (attach/attach.h) on files this test
 * makes: what each reader reads, and every hostile case of issue 15 ending
 * in a status and one line, never in a crash of the caller.
 *
 * PDFs are written by hand (pdf_build below) or drawn with cairo (the scan:
 * text rendered into an image, the image alone in a PDF); DOCX and ODT are
 * zipped with libzip; RTF is written inline. */
#include <cairo-pdf.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "attach/attach.h"
#include "check.h"
#include "common/dynbuf.h"

/* ---- files made here ---- */

/* A PDF of n pages, page i showing "Trang i" and body (may be NULL); extra
 * goes into the catalog ("/OpenAction ..."), trailer_extra into the trailer.
 * Objects: 1 catalog, 2 pages, 3 font, then page/content pairs. */
static char *pdf_build(int n, const char *body, const char *extra, const char *trailer_extra,
                       size_t *len) {
  dynbuf b;
  dynbuf_init(&b, (size_t)1 << 30);
  size_t *off = calloc((size_t)(3 + 2 * n + 1), sizeof *off);
  dynbuf_append_str(&b, "%PDF-1.4\n");
  off[1] = b.len;
  dynbuf_printf(&b, "1 0 obj << /Type /Catalog /Pages 2 0 R %s >> endobj\n", extra ? extra : "");
  off[2] = b.len;
  dynbuf_append_str(&b, "2 0 obj << /Type /Pages /Kids [");
  for (int i = 0; i < n; i++) dynbuf_printf(&b, "%d 0 R ", 4 + 2 * i);
  dynbuf_printf(&b, "] /Count %d >> endobj\n", n);
  off[3] = b.len;
  dynbuf_append_str(&b, "3 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj\n");
  for (int i = 0; i < n; i++) {
    char content[512];
    int cl = snprintf(content, sizeof content, "BT /F1 12 Tf 72 720 Td (Trang %d) Tj 0 -20 Td (%s) Tj ET",
                      i + 1, body ? body : "");
    off[4 + 2 * i] = b.len;
    dynbuf_printf(&b, "%d 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                      "/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >> endobj\n",
                  4 + 2 * i, 5 + 2 * i);
    off[5 + 2 * i] = b.len;
    dynbuf_printf(&b, "%d 0 obj << /Length %d >> stream\n%s\nendstream endobj\n", 5 + 2 * i, cl, content);
  }
  size_t xref = b.len;
  int objs = 4 + 2 * n;
  dynbuf_printf(&b, "xref\n0 %d\n0000000000 65535 f \n", objs);
  for (int i = 1; i < objs; i++) dynbuf_printf(&b, "%010zu 00000 n \n", off[i]);
  dynbuf_printf(&b, "trailer << /Size %d /Root 1 0 R %s >>\nstartxref\n%zu\n%%%%EOF\n", objs,
                trailer_extra ? trailer_extra : "", xref);
  free(off);
  *len = b.len;
  return dynbuf_take(&b);
}

/* A signed letter's header as an e-signing system leaves it: the content
 * stream says "So:" and "/GM-UBND", "ngay" and "thang 01 nam 2026" with
 * blanks between, and two signature widgets draw "85" and "19" into the
 * blanks (their appearance streams: text, not a picture).
 * Objects: 1 catalog, 2 pages, 3 font, 4 page, 5 content, 6-7 widgets,
 * 8-9 their appearances. */
static char *stamped_pdf(size_t *len) {
  static const char content[] = "BT /F1 12 Tf 50 760 Td (So:) Tj ET BT /F1 12 Tf 110 760 Td (/GM-UBND) Tj ET "
                                "BT /F1 12 Tf 300 760 Td (ngay) Tj ET "
                                "BT /F1 12 Tf 360 760 Td (thang 01 nam 2026) Tj ET "
                                "BT /F1 12 Tf 50 700 Td (GIAY MOI) Tj ET";
  static const char *const drawn[] = {"85", "19"};
  static const int x[] = {75, 330};
  dynbuf b;
  dynbuf_init(&b, (size_t)1 << 20);
  size_t off[10];
  dynbuf_append_str(&b, "%PDF-1.4\n");
  off[1] = b.len;
  dynbuf_append_str(&b, "1 0 obj << /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [6 0 R 7 0 R] >> >> endobj\n");
  off[2] = b.len;
  dynbuf_append_str(&b, "2 0 obj << /Type /Pages /Kids [4 0 R] /Count 1 >> endobj\n");
  off[3] = b.len;
  dynbuf_append_str(&b, "3 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj\n");
  off[4] = b.len;
  dynbuf_append_str(&b, "4 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                        "/Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R /Annots [6 0 R 7 0 R] >> endobj\n");
  off[5] = b.len;
  dynbuf_printf(&b, "5 0 obj << /Length %zu >> stream\n%s\nendstream endobj\n", strlen(content), content);
  for (int i = 0; i < 2; i++) {
    off[6 + i] = b.len;
    dynbuf_printf(&b, "%d 0 obj << /Type /Annot /Subtype /Widget /FT /Sig /T (Sig%d) /F 4 /P 4 0 R "
                      "/Rect [%d 755 %d 773] /AP << /N %d 0 R >> >> endobj\n",
                  6 + i, i + 1, x[i], x[i] + 24, 8 + i);
  }
  for (int i = 0; i < 2; i++) {
    char ap[64];
    int al = snprintf(ap, sizeof ap, "BT /F1 12 Tf 2 5 Td (%s) Tj ET", drawn[i]);
    off[8 + i] = b.len;
    dynbuf_printf(&b, "%d 0 obj << /Type /XObject /Subtype /Form /BBox [0 0 24 18] "
                      "/Resources << /Font << /F1 3 0 R >> >> /Length %d >> stream\n%s\nendstream endobj\n",
                  8 + i, al, ap);
  }
  size_t xref = b.len;
  dynbuf_append_str(&b, "xref\n0 10\n0000000000 65535 f \n");
  for (int i = 1; i < 10; i++) dynbuf_printf(&b, "%010zu 00000 n \n", off[i]);
  dynbuf_printf(&b, "trailer << /Size 10 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", xref);
  *len = b.len;
  return dynbuf_take(&b);
}

static cairo_status_t to_dynbuf(void *closure, const unsigned char *data, unsigned int n) {
  return dynbuf_append(closure, data, n) == DYNBUF_OK ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_NO_MEMORY;
}

/* An image-only PDF (a "scan"): the lines drawn into a 200 dpi grey image,
 * the image painted alone on an A4 page. No text layer at all. */
static char *scan_pdf(const char *const *lines, size_t n_lines, size_t *len) {
  int w = 1654, h = 2339; /* A4 at 200 dpi */
  cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
  cairo_t *cr = cairo_create(img);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_select_font_face(cr, "DejaVu Serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, 40);
  for (size_t i = 0; i < n_lines; i++) {
    cairo_move_to(cr, 150, 250 + 70 * (double)i);
    cairo_show_text(cr, lines[i]);
  }
  cairo_destroy(cr);
  dynbuf b;
  dynbuf_init(&b, (size_t)1 << 30);
  cairo_surface_t *pdf = cairo_pdf_surface_create_for_stream(to_dynbuf, &b, 595, 842);
  cr = cairo_create(pdf);
  cairo_scale(cr, 595.0 / w, 842.0 / h);
  cairo_set_source_surface(cr, img, 0, 0);
  cairo_paint(cr);
  cairo_destroy(cr);
  cairo_surface_finish(pdf);
  cairo_surface_destroy(pdf);
  cairo_surface_destroy(img);
  *len = b.len;
  return dynbuf_take(&b);
}

/* A zip holding the given (name, content, length) parts. */
static char *make_zip(const char *const *names, const char *const *parts, const size_t *lens,
                      size_t n, size_t *len) {
  zip_error_t ze;
  zip_error_init(&ze);
  zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
  zip_source_keep(src);
  zip_t *z = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
  for (size_t i = 0; i < n; i++) {
    zip_source_t *s = zip_source_buffer(z, parts[i], lens[i], 0);
    zip_file_add(z, names[i], s, ZIP_FL_OVERWRITE);
  }
  zip_close(z);
  zip_source_open(src);
  zip_source_seek(src, 0, SEEK_END);
  zip_int64_t size = zip_source_tell(src);
  zip_source_seek(src, 0, SEEK_SET);
  char *out = malloc((size_t)size);
  zip_source_read(src, out, (zip_uint64_t)size);
  zip_source_close(src);
  zip_source_free(src);
  zip_error_fini(&ze);
  *len = (size_t)size;
  return out;
}

static char *docx(const char *body_xml, size_t *len) {
  static const char *const names[] = {"[Content_Types].xml", "word/document.xml"};
  char *doc = NULL;
  size_t n = (size_t)snprintf(NULL, 0, "<?xml version=\"1.0\"?><w:document xmlns:w=\"w\" xmlns:mc=\"mc\"><w:body>%s</w:body></w:document>", body_xml);
  doc = malloc(n + 1);
  snprintf(doc, n + 1, "<?xml version=\"1.0\"?><w:document xmlns:w=\"w\" xmlns:mc=\"mc\"><w:body>%s</w:body></w:document>", body_xml);
  const char *parts[] = {"<Types/>", doc};
  size_t lens[] = {8, n};
  char *z = make_zip(names, parts, lens, 2, len);
  free(doc);
  return z;
}

/* ---- reading ---- */

typedef struct {
  attach_status st;
  attach_doc doc;
  char err[256];
  char *text;
} result;

static void read_it(result *r, const char *data, size_t len, const char *ctype,
                    const attach_options *opt, int contained) {
  r->st = contained ? attach_read_contained(data, len, "http://x.gov.vn/a", ctype, opt, &r->doc, r->err, sizeof r->err)
                    : attach_read(data, len, "http://x.gov.vn/a", ctype, opt, &r->doc, r->err, sizeof r->err);
  r->text = attach_doc_text(&r->doc, NULL);
}

static void done(result *r) {
  attach_doc_clear(&r->doc);
  free(r->text);
}

static int one_line(const char *s) { return s[0] && !strchr(s, '\n'); }

/* ---- the cases ---- */

TEST(sniff_ignores_names_and_types) {
  CHECK_INT(attach_sniff("%PDF-1.7\n", 9), ATTACH_TYPE_PDF);
  CHECK_INT(attach_sniff("\r\n%PDF-1.4", 10), ATTACH_TYPE_PDF);
  CHECK_INT(attach_sniff("{\\rtf1\\ansi x}", 14), ATTACH_TYPE_RTF);
  CHECK_INT(attach_sniff("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest", 12), ATTACH_TYPE_DOC);
  CHECK_INT(attach_sniff("\x89PNG\r\n\x1A\n", 8), ATTACH_TYPE_UNKNOWN);
  CHECK_INT(attach_sniff("<html>", 6), ATTACH_TYPE_UNKNOWN);
  /* found by fuzz_docx: a stored zip part holding "%PDF-" is no PDF */
  CHECK_INT(attach_sniff("PK\x03\x04\x14\0\0\0\0\0%PDF-1.4", 18), ATTACH_TYPE_UNKNOWN);
  CHECK(attach_url_wanted("http://a.vn/f/QD%20932.PDF?download=1", NULL));
  CHECK(attach_url_wanted("http://a.vn/a.docx#x", NULL));
  CHECK(attach_url_wanted("http://a.vn/get?id=3", "application/pdf"));
  CHECK(!attach_url_wanted("http://a.vn/a.jpg", "image/jpeg"));
  CHECK(!attach_url_wanted("http://a.vn/a.pdf.html", NULL));
}

TEST(pdf_text_pages_and_wrong_content_type) {
  size_t len;
  char *pdf = pdf_build(3, "So 2696 QD UBND", NULL, NULL, &len);
  result r;
  read_it(&r, pdf, len, "text/html", NULL, 0);
  CHECK_INT(r.st, ATTACH_OK);
  CHECK_INT(r.doc.type, ATTACH_TYPE_PDF);
  CHECK_INT(r.doc.pages, 3);
  CHECK_INT(r.doc.n_page, 3);
  CHECK(r.doc.n_page == 3 && strstr(r.doc.page[2].text, "Trang 3") != NULL);
  CHECK(strstr(r.text, "So 2696 QD UBND") != NULL);
  CHECK(strstr(r.doc.note, "sent as text/html") != NULL);
  done(&r);
  /* HTML sent as a PDF is no PDF */
  read_it(&r, "<html><body>x</body></html>", 27, "application/pdf", NULL, 0);
  CHECK_INT(r.st, ATTACH_UNSUPPORTED);
  CHECK(one_line(r.err));
  done(&r);
  free(pdf);
}

TEST(pdf_2000_pages_capped) {
  size_t len;
  char *pdf = pdf_build(2000, "", NULL, NULL, &len);
  attach_options opt;
  attach_options_default(&opt);
  result r;
  read_it(&r, pdf, len, NULL, &opt, 1);
  CHECK_INT(r.st, ATTACH_OK);
  CHECK_INT(r.doc.pages, 2000);
  CHECK_INT(r.doc.n_page, ATTACH_MAX_PAGES);
  CHECK(strstr(r.doc.note, "read 1000 of 2000 pages") != NULL);
  done(&r);
  /* and the same file in a child allowed 8 MB more than its parent: the
     limit ends the child, the caller gets one line */
  opt.max_memory = 8u << 20;
  read_it(&r, pdf, len, NULL, &opt, 1);
#if !defined(__SANITIZE_ADDRESS__)
  if (r.st != ATTACH_OK) {
    CHECK(r.st == ATTACH_CRASHED || r.st == ATTACH_NOMEM);
    CHECK(one_line(r.err));
    printf("   8 MB child: %s: %s\n", attach_strerror(r.st), r.err);
  }
#endif
  done(&r);
  free(pdf);
}

TEST(pdf_javascript_and_form) {
  size_t len;
  char *pdf = pdf_build(1, "Noi dung", "/Names << /JavaScript << /Names [(a) << /S /JavaScript /JS (app.alert\\(1\\)) >>] >> >> "
                         "/OpenAction << /S /JavaScript /JS (app.alert\\(2\\)) >>", NULL, &len);
  result r;
  read_it(&r, pdf, len, NULL, NULL, 0);
  CHECK_INT(r.st, ATTACH_OK);
  CHECK(strstr(r.doc.note, "JavaScript") != NULL);
  CHECK(strstr(r.text, "Noi dung") != NULL);
  done(&r);
  free(pdf);
}

/* The digits a signature widget draws are read from its drawing, with OCR
 * off, and spliced where they are drawn; the day's blank no longer breaks
 * its line, so the date reads whole. */
TEST(pdf_stamped_fields_read_from_their_drawing) {
  size_t len;
  char *pdf = stamped_pdf(&len);
  attach_options opt;
  attach_options_default(&opt);
  opt.ocr = 0;
  result r;
  read_it(&r, pdf, len, NULL, &opt, 0);
  CHECK_INT(r.st, ATTACH_OK);
  CHECK(r.text && strstr(r.text, "85 /GM-UBND") != NULL);
  CHECK(r.text && strstr(r.text, "ngay 19 thang 01 nam 2026") != NULL);
  CHECK(r.text && strstr(r.text, "GIAY MOI") != NULL);
  CHECK(strstr(r.doc.note, "2 stamped fields read from their drawing") != NULL);
  if (r.text && !strstr(r.text, "85 /GM-UBND")) fprintf(stderr, "text read: %s\n", r.text);
  done(&r);
  free(pdf);
}

TEST(pdf_encrypted) {
  size_t len;
  /* a standard security handler whose user password is not empty */
  char *pdf = pdf_build(1, "bi mat", NULL,
                        "/Encrypt << /Filter /Standard /V 1 /R 2 /P -4 "
                        "/O <00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff> "
                        "/U <ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100> >> "
                        "/ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>]",
                        &len);
  result r;
  read_it(&r, pdf, len, NULL, NULL, 1);
  CHECK_INT(r.st, ATTACH_ENCRYPTED);
  CHECK(one_line(r.err));
  CHECK_INT(r.doc.n_page, 0);
  done(&r);
  free(pdf);
}

TEST(pdf_truncated) {
  size_t len;
  char *pdf = pdf_build(5, "Dieu 1", NULL, NULL, &len);
  for (size_t cut = 9; cut < len; cut += len / 7) {
    result r;
    read_it(&r, pdf, cut, NULL, NULL, 1);
    /* poppler repairs what it can: some pages, or a one-line failure */
    CHECK(r.st == ATTACH_OK || (r.st == ATTACH_DAMAGED && one_line(r.err)));
    done(&r);
  }
  free(pdf);
}

/* A scan read short of memory (the reader child's RLIMIT_AS) was a read
 * that succeeded with no text: Leptonica's allocations fail and Tesseract
 * reads an empty page, or the page cannot be rendered. In a fresh Debian
 * root the crawl's old cap (140 MB) hit it one run in eight, and the
 * document lost the scan's text silently. Either the words, or a failure
 * in one line; never an empty success. (Under AddressSanitizer no memory
 * limit is set: every read succeeds.) */
TEST(pdf_scan_short_of_memory_fails_loudly) {
  static const char *const lines[] = {"THÔNG BÁO", "Về lịch thu gom rác cồng kềnh"};
  size_t len;
  char *pdf = scan_pdf(lines, 2, &len);
  static const size_t megabytes[] = {40, 64, 100, 120};
  for (size_t i = 0; i < sizeof megabytes / sizeof megabytes[0]; i++) {
    attach_options opt;
    attach_options_default(&opt);
    opt.max_memory = megabytes[i] << 20;
    result r;
    read_it(&r, pdf, len, NULL, &opt, 1);
    int words = r.st == ATTACH_OK && r.text && strstr(r.text, "thu gom") != NULL;
    if (r.st == ATTACH_OK && !words)
      printf("   %zu MB: read OK without the words (%d OCR pages, text \"%.80s\"); note: %s\n",
             megabytes[i], r.doc.ocr_pages, r.text ? r.text : "", r.doc.note);
    CHECK(words || (r.st != ATTACH_OK && one_line(r.err)));
    done(&r);
  }
  free(pdf);
}

TEST(pdf_scan_read_by_ocr) {
  static const char *const lines[] = {
      "ỦY BAN NHÂN DÂN QUẬN TÂY HỒ", "Số: 1234/QĐ-UBND",
      "QUYẾT ĐỊNH", "Về việc khơi thông dòng chảy mương Đông Ngạc"};
  size_t len;
  char *pdf = scan_pdf(lines, 4, &len);
  result r;
  read_it(&r, pdf, len, NULL, NULL, 1);
  CHECK_INT(r.st, ATTACH_OK);
  CHECK_INT(r.doc.ocr_pages, 1);
  CHECK(r.doc.n_page == 1 && r.doc.page[0].ocr == 1);
  CHECK(strstr(r.text, "1234/QĐ-UBND") != NULL);
  CHECK(strstr(r.text, "mương Đông Ngạc") != NULL);
  if (!strstr(r.text, "1234/QĐ-UBND")) printf("   OCR read: %s\n", r.text);
  done(&r);
  /* OCR off: the page is there, empty, and the note says why */
  attach_options opt;
  attach_options_default(&opt);
  opt.ocr = 0;
  read_it(&r, pdf, len, NULL, &opt, 1);
  CHECK_INT(r.st, ATTACH_OK);
  CHECK_INT(r.doc.ocr_pages, 0);
  CHECK(strstr(r.doc.note, "OCR off") != NULL);
  done(&r);
  /* a file whose time runs out before OCR: its pages are kept, unread by
     OCR, and the note says why (the child is not killed with them) */
  attach_options_default(&opt);
  opt.seconds = 1;
  read_it(&r, pdf, len, NULL, &opt, 1);
  if (r.st == ATTACH_OK) {
    CHECK_INT(r.doc.n_page, 1);
    CHECK(r.doc.ocr_pages == 1 || strstr(r.doc.note, "running out") != NULL);
  } else { /* the render alone took the second: killed, one line */
    CHECK_INT(r.st, ATTACH_TIMEOUT);
    CHECK(one_line(r.err));
  }
  done(&r);
  free(pdf);
}

TEST(image_is_not_a_document) {
  static const char png[] = "\x89PNG\r\n\x1A\n\0\0\0\rIHDR";
  result r;
  read_it(&r, png, sizeof png - 1, "application/pdf", NULL, 1);
  CHECK_INT(r.st, ATTACH_UNSUPPORTED);
  CHECK(strstr(r.err, "an image") != NULL);
  CHECK(one_line(r.err));
  done(&r);
}

TEST(docx_text_boxes_once_and_pages) {
  size_t len;
  char *z = docx("<w:p><w:r><w:t>Số: 45/GM-UBND</w:t></w:r></w:p>"
                 "<w:p><mc:AlternateContent><mc:Choice><w:txbxContent><w:p><w:r><w:t>Hộp chữ</w:t>"
                 "</w:r></w:p></w:txbxContent></mc:Choice><mc:Fallback><w:p><w:r><w:t>Hộp chữ</w:t>"
                 "</w:r></w:p></mc:Fallback></mc:AlternateContent></w:p>"
                 "<w:p><w:r><w:delText>xoá</w:delText><w:t xml:space=\"preserve\">Điều </w:t>"
                 "<w:tab/><w:t>1</w:t><w:br w:type=\"page\"/><w:t>Trang hai</w:t></w:r></w:p>",
                 &len);
  result r;
  read_it(&r, z, len, "application/octet-stream", NULL, 0);
  CHECK_INT(r.st, ATTACH_OK);
  CHECK_INT(r.doc.type, ATTACH_TYPE_DOCX);
  CHECK_INT(r.doc.n_page, 2);
  CHECK(strstr(r.text, "Số: 45/GM-UBND") != NULL);
  const char *box = strstr(r.text, "Hộp chữ");
  CHECK(box && !strstr(box + 1, "Hộp chữ"));
  CHECK(!strstr(r.text, "xoá"));
  CHECK(strstr(r.text, "Điều \t1") != NULL);
  CHECK(r.doc.n_page == 2 && strcmp(r.doc.page[1].text, "Trang hai\n") == 0);
  done(&r);
  free(z);
}

TEST(docx_zip_bomb) {
  size_t big = 8u << 20; /* 8 MB of spaces deflate to a few KB: ratio ~1000 */
  char *spaces = malloc(big);
  memset(spaces, ' ', big);
  memcpy(spaces, "<w:document>", 12);
  static const char *const names[] = {"word/document.xml"};
  const char *parts[] = {spaces};
  size_t lens[] = {big}, len;
  char *z = make_zip(names, parts, lens, 1, &len);
  result r;
  read_it(&r, z, len, NULL, NULL, 1);
  CHECK_INT(r.st, ATTACH_TOO_BIG);
  CHECK(strstr(r.err, "zip bomb") != NULL);
  CHECK(one_line(r.err));
  done(&r);
  free(z);
  free(spaces);
  /* a zip that is no document */
  static const char *const other[] = {"a.txt"};
  const char *p2[] = {"x"};
  size_t l2[] = {1};
  z = make_zip(other, p2, l2, 1, &len);
  read_it(&r, z, len, NULL, NULL, 0);
  CHECK_INT(r.st, ATTACH_UNSUPPORTED);
  done(&r);
  free(z);
}

TEST(odt) {
  static const char *const names[] = {"mimetype", "content.xml"};
  const char *xml = "<office:document-content xmlns:office=\"o\" xmlns:text=\"t\"><office:body>"
                    "<office:text><text:h>THÔNG BÁO</text:h><text:p>Số<text:s text:c=\"2\"/>"
                    "06/TB-UBND</text:p><text:soft-page-break/><text:p>Trang sau</text:p>"
                    "</office:text></office:body></office:document-content>";
  const char *parts[] = {"application/vnd.oasis.opendocument.text", xml};
  size_t lens[] = {39, strlen(xml)}, len;
  char *z = make_zip(names, parts, lens, 2, &len);
  result r;
  read_it(&r, z, len, NULL, NULL, 0);
  CHECK_INT(r.st, ATTACH_OK);
  CHECK_INT(r.doc.type, ATTACH_TYPE_ODT);
  CHECK(strstr(r.text, "THÔNG BÁO\nSố  06/TB-UBND") != NULL);
  CHECK_INT(r.doc.n_page, 2);
  done(&r);
  free(z);
}

TEST(rtf_tcvn3_and_unicode) {
  /* "Th\'abng t\'ad s\'e8 12/2003/TT-BTC": TCVN3 bytes in a .VnTime font, as
     Word wrote them; then \u escapes as a Unicode RTF writes them */
  const char *rtf = "{\\rtf1\\ansi\\ansicpg1252\\uc1{\\fonttbl{\\f0 .VnTime;}}{\\info{\\title x}}"
                    "\\f0 Th\\'abng t\\'ad s\\'e8 12/2003/TT-BTC\\par "
                    "H\\'b5 n\\'e9i, ng\\'b5y 5 th\\'b8ng 3 n\\'a8m 2003\\page "
                    "{\\*\\bkmkstart x}Vi\\u7879?t Nam\\par}";
  result r;
  read_it(&r, rtf, strlen(rtf), NULL, NULL, 0);
  CHECK_INT(r.st, ATTACH_OK);
  CHECK_INT(r.doc.type, ATTACH_TYPE_RTF);
  CHECK_STR(r.doc.encoding, "tcvn3");
  CHECK(strstr(r.text, "Thông tư số 12/2003/TT-BTC") != NULL);
  CHECK(strstr(r.text, "Hà nội, ngày 5 tháng 3 năm 2003") != NULL);
  CHECK(strstr(r.text, "Việt Nam") != NULL);
  CHECK(!strstr(r.text, "x}") && !strstr(r.text, "VnTime"));
  CHECK_INT(r.doc.n_page, 2);
  done(&r);
  /* 200,000 nested groups and a \bin that claims more than there is */
  size_t n = 200000;
  char *deep = malloc(2 * n + 32);
  strcpy(deep, "{\\rtf1 ");
  memset(deep + 7, '{', n);
  strcpy(deep + 7 + n, "abc\\bin999999999 x");
  read_it(&r, deep, strlen(deep), NULL, NULL, 0);
  CHECK_INT(r.st, ATTACH_OK);
  CHECK(strstr(r.text, "abc") != NULL);
  done(&r);
  free(deep);
}

TEST(doc_not_word) {
  /* an OLE container with nothing of Word in it */
  char ole[2048];
  memset(ole, 0, sizeof ole);
  memcpy(ole, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);
  result r;
  read_it(&r, ole, sizeof ole, "application/msword", NULL, 1);
  CHECK(r.st == ATTACH_UNSUPPORTED || r.st == ATTACH_DAMAGED || r.st == ATTACH_TOOL);
  CHECK(one_line(r.err));
  printf("   %s: %s\n", attach_strerror(r.st), r.err);
  done(&r);
  /* antiword missing: ATTACH_TOOL, one line naming the package */
  attach_options opt;
  attach_options_default(&opt);
  opt.antiword = "/nonexistent/antiword";
  read_it(&r, ole, sizeof ole, NULL, &opt, 0);
  CHECK_INT(r.st, ATTACH_TOOL);
  CHECK(strstr(r.err, "apt-get install antiword") != NULL);
  done(&r);
}

TEST(text_cap) {
  attach_options opt;
  attach_options_default(&opt);
  opt.max_chars = 100;
  dynbuf b;
  dynbuf_init(&b, 1 << 20);
  dynbuf_append_str(&b, "{\\rtf1 ");
  for (int i = 0; i < 200; i++) dynbuf_append_str(&b, "Điều khoản ");
  dynbuf_append_str(&b, "}");
  result r;
  read_it(&r, b.data, b.len, NULL, &opt, 1);
  CHECK_INT(r.st, ATTACH_OK);
  CHECK(strlen(r.text) <= 100);
  CHECK(strstr(r.doc.note, "text cut at 100 bytes") != NULL);
  done(&r);
  dynbuf_free(&b);
}

int main(int argc, char **argv) {
  check_init(argc, argv);
  RUN(sniff_ignores_names_and_types);
  RUN(pdf_text_pages_and_wrong_content_type);
  RUN(pdf_2000_pages_capped);
  RUN(pdf_javascript_and_form);
  RUN(pdf_stamped_fields_read_from_their_drawing);
  RUN(pdf_encrypted);
  RUN(pdf_truncated);
  RUN(pdf_scan_read_by_ocr);
  RUN(pdf_scan_short_of_memory_fails_loudly);
  RUN(image_is_not_a_document);
  RUN(docx_text_boxes_once_and_pages);
  RUN(docx_zip_bomb);
  RUN(odt);
  RUN(rtf_tcvn3_and_unicode);
  RUN(doc_not_word);
  RUN(text_cap);
  cairo_debug_reset_static_data(); /* the scan's font caches (fontconfig), for LeakSanitizer */
  FcFini();
  return check_summary("test_attach");
}
