/* make_files: writes the sample portal's attached files (corpus/site/files),
 * each holding a directive whose words appear nowhere else on the site, so
 * that a search finds it only if the crawler read the file:
 *
 *   77-qd-ubnd-2024.pdf        a text PDF (cairo, DejaVu Serif), two pages
 *   31-tb-ubnd-2024-scan.pdf   an image-only PDF: the text drawn into a
 *                              200 dpi grey image, the image alone on the
 *                              page (a scan: only OCR reads it)
 *   45-kh-ubnd-2024.docx       a DOCX (libzip: the zip and its XML parts)
 *   02-ct-ubnd-2005.rtf        an RTF in a TCVN3 font (.VnTime), its text
 *                              encoded with iconv's TCVN5712-1, as Word
 *                              files of the early 2000s were
 *
 *   make_files OUTDIR
 *
 * The output is the same on every run (fixed dates in the PDFs' metadata,
 * fixed times in the zip): the files in corpus/site/files are this
 * program's, and tests/cli/test_crawl_attach.sh checks it. Built by CMake
 * as make_sample_files; the texts are invented by the tracuu team. */
#include <cairo-pdf.h>
#include <cairo.h>
#include <errno.h>
#include <fontconfig/fontconfig.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#define A4_W 595.0 /* points */
#define A4_H 842.0
#define PAGE_BREAK "\f"

/* The directives. Lines; "\f" alone starts a new page. */
static const char *const QD_77[] = {
    "ỦY BAN NHÂN DÂN", "QUẬN TÂY HỒ", "Số: 77/QĐ-UBND", "Tây Hồ, ngày 05 tháng 3 năm 2024", "",
    "QUYẾT ĐỊNH", "Về việc ban hành Quy chế chăm sóc đầm sen Quảng Bá", "__________", "",
    "CHỦ TỊCH ỦY BAN NHÂN DÂN QUẬN TÂY HỒ", "",
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
    "Xét đề nghị của Trưởng phòng Kinh tế quận,", "", "QUYẾT ĐỊNH:", "",
    "Điều 1. Ban hành Quy chế chăm sóc đầm sen Quảng Bá: thả giống sen Bách Diệp",
    "vào tháng Hai, vớt bèo tây mỗi tuần, cấm câu cá và cấm chèo thuyền trong đầm sen",
    "từ tháng Năm đến hết tháng Tám.", PAGE_BREAK,
    "Điều 2. Ủy ban nhân dân phường Quảng An lập sổ theo dõi đầm sen và báo cáo",
    "Phòng Kinh tế quận vào ngày cuối mỗi quý.",
    "Điều 3. Quyết định này có hiệu lực kể từ ngày ký.", "",
    "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Trần Minh Khoa"};

static const char *const TB_31[] = {
    "ỦY BAN NHÂN DÂN QUẬN TÂY HỒ", "Số: 31/TB-UBND", "Tây Hồ, ngày 12 tháng 4 năm 2024", "",
    "THÔNG BÁO", "Về lịch thu gom rác cồng kềnh", "__________", "",
    "Quận thu gom rác cồng kềnh (tủ lạnh hỏng, nệm cũ,", "ghế sofa, bàn gỗ) vào sáng Chủ nhật",
    "đầu tiên của mỗi tháng tại điểm tập kết", "trước nhà văn hóa các tổ dân phố.", "",
    "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Trần Minh Khoa"};

static const char *const KH_45[] = {
    "ỦY BAN NHÂN DÂN", "QUẬN TÂY HỒ", "Số: 45/KH-UBND", "Tây Hồ, ngày 20 tháng 5 năm 2024",
    "KẾ HOẠCH", "Trồng hàng cây bằng lăng tím dọc đường Âu Cơ", "__________",
    "I. MỤC ĐÍCH", "Tạo bóng mát và cảnh quan cho tuyến đường Âu Cơ đoạn qua phường Nhật Tân.",
    "II. NỘI DUNG",
    ("Trồng 120 cây bằng lăng tím cao từ ba mét trở lên, mỗi cây cách nhau tám mét; "
     "tưới nước hằng ngày trong ba tháng đầu."),
    "III. TỔ CHỨC THỰC HIỆN", "Ban Quản lý dự án quận chủ trì, hoàn thành trước ngày 30/9/2024.",
    "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Đỗ Thanh Bình"};

static const char *const CT_02[] = {
    "ỦY BAN NHÂN DÂN", "QUẬN TÂY HỒ", "Số: 02/CT-UBND", "Tây Hồ, ngày 10 tháng 01 năm 2005",
    "CHỈ THỊ", "Về việc cấm thả diều gần đường dây điện cao thế", "__________",
    ("Mùa hè năm 2004 đã xảy ra ba vụ chập điện do dây diều vướng vào đường dây điện cao thế "
     "đi qua các bãi ven sông Hồng."),
    ("Chủ tịch Ủy ban nhân dân quận chỉ thị: cấm thả diều trong phạm vi năm mươi mét quanh "
     "đường dây điện cao thế; Công an các phường tuần tra các bãi ven sông vào chiều thứ Bảy "
     "và Chủ nhật."),
    "CHỦ TỊCH", "Nguyễn Văn Bảy"};

#define N(a) (sizeof(a) / sizeof(a)[0])

static int fail(const char *what, const char *path) {
  fprintf(stderr, "make_files: %s %s: %s\n", what, path, errno ? strerror(errno) : "failed");
  return -1;
}

/* The lines drawn on cr from (left, top), size points apart, "\f" a new page
 * (cairo_show_page). */
static void draw_lines(cairo_t *cr, const char *const *lines, size_t n, double left, double top,
                       double size) {
  cairo_select_font_face(cr, "DejaVu Serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
  double y = top;
  for (size_t i = 0; i < n; i++) {
    if (strcmp(lines[i], PAGE_BREAK) == 0) {
      cairo_show_page(cr);
      y = top;
      continue;
    }
    cairo_move_to(cr, left, y);
    cairo_show_text(cr, lines[i]);
    y += size * 1.6;
  }
}

/* Fixed metadata: the same bytes on every run. */
static void pdf_metadata(cairo_surface_t *s, const char *title, const char *date) {
  cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "tracuu corpus/site/files/make_files.c");
  cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, date);
  cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_MOD_DATE, date);
}

static int text_pdf(const char *path) {
  cairo_surface_t *s = cairo_pdf_surface_create(path, A4_W, A4_H);
  pdf_metadata(s, "Quyết định 77/QĐ-UBND", "2024-03-05T08:00:00");
  cairo_t *cr = cairo_create(s);
  cairo_set_source_rgb(cr, 0, 0, 0);
  draw_lines(cr, QD_77, N(QD_77), 56, 70, 11);
  cairo_destroy(cr);
  cairo_surface_finish(s);
  int ok = cairo_surface_status(s) == CAIRO_STATUS_SUCCESS;
  cairo_surface_destroy(s);
  return ok ? 0 : fail("cannot write", path);
}

/* A scan: the page as a 200 dpi grey image, nothing else on it. */
static int scan_pdf(const char *path) {
  const double dpi = 200;
  int w = (int)(A4_W / 72.0 * dpi), h = (int)(A4_H / 72.0 * dpi);
  cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
  cairo_t *cr = cairo_create(img);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_set_source_rgb(cr, 0.05, 0.05, 0.05);
  draw_lines(cr, TB_31, N(TB_31), 160, 260, 40);
  cairo_destroy(cr);
  cairo_surface_t *s = cairo_pdf_surface_create(path, A4_W, A4_H);
  pdf_metadata(s, "Thông báo (bản chụp)", "2024-04-12T08:00:00");
  cr = cairo_create(s);
  cairo_scale(cr, 72.0 / dpi, 72.0 / dpi);
  cairo_set_source_surface(cr, img, 0, 0);
  cairo_paint(cr);
  cairo_destroy(cr);
  cairo_surface_finish(s);
  int ok = cairo_surface_status(s) == CAIRO_STATUS_SUCCESS;
  cairo_surface_destroy(s);
  cairo_surface_destroy(img);
  return ok ? 0 : fail("cannot write", path);
}

/* The paragraphs as word/document.xml (the texts hold no XML specials). */
static char *docx_document(const char *const *lines, size_t n) {
  size_t cap = 1024;
  for (size_t i = 0; i < n; i++) cap += strlen(lines[i]) + 64;
  char *x = malloc(cap);
  if (!x) return NULL;
  size_t o = (size_t)snprintf(x, cap,
                              "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                              "<w:document xmlns:w=\"http://schemas.openxmlformats.org/"
                              "wordprocessingml/2006/main\"><w:body>");
  for (size_t i = 0; i < n; i++)
    o += (size_t)snprintf(x + o, cap - o, "<w:p><w:r><w:t>%s</w:t></w:r></w:p>", lines[i]);
  snprintf(x + o, cap - o, "</w:body></w:document>");
  return x;
}

static int docx(const char *path) {
  static const char types[] =
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
      "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
      "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package."
      "relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/>"
      "<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-"
      "officedocument.wordprocessingml.document.main+xml\"/></Types>";
  static const char rels[] =
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
      "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
      "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
      "relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>";
  char *document = docx_document(KH_45, N(KH_45));
  if (!document) return fail("out of memory for", path);
  const char *names[] = {"[Content_Types].xml", "_rels/.rels", "word/document.xml"};
  const char *parts[] = {types, rels, document};
  int err = 0;
  remove(path);
  zip_t *z = zip_open(path, ZIP_CREATE | ZIP_EXCL, &err);
  int ok = z != NULL;
  for (size_t i = 0; ok && i < 3; i++) {
    zip_source_t *src = zip_source_buffer(z, parts[i], strlen(parts[i]), 0);
    zip_int64_t idx = src ? zip_file_add(z, names[i], src, ZIP_FL_ENC_UTF_8) : -1;
    if (idx < 0) {
      zip_source_free(src);
      ok = 0;
    } else {
      zip_file_set_mtime(z, (zip_uint64_t)idx, 1716192000 /* 2024-05-20 */, 0);
    }
  }
  if (z && zip_close(z) != 0) {
    zip_discard(z);
    ok = 0;
  }
  free(document);
  return ok ? 0 : fail("cannot write", path);
}

/* RTF in a .VnTime font: the text's TCVN3 bytes as \'xx escapes. */
static int legacy_rtf(const char *path) {
  iconv_t cd = iconv_open("TCVN5712-1", "UTF-8");
  if (cd == (iconv_t)-1) return fail("iconv has no TCVN5712-1 for", path);
  FILE *f = fopen(path, "wb");
  if (!f) {
    iconv_close(cd);
    return fail("cannot write", path);
  }
  fputs("{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0\\froman .VnTime;}}\\f0\\fs26\n", f);
  int ok = 1;
  for (size_t i = 0; ok && i < N(CT_02); i++) {
    char in[1024], out[2048];
    snprintf(in, sizeof in, "%s", CT_02[i]);
    char *ip = in, *op = out;
    size_t il = strlen(in), ol = sizeof out;
    ok = iconv(cd, &ip, &il, &op, &ol) != (size_t)-1;
    for (char *p = out; ok && p < op; p++) {
      unsigned char c = (unsigned char)*p;
      if (c >= 0x80) fprintf(f, "\\'%02x", c);
      else if (c == '\\' || c == '{' || c == '}') fprintf(f, "\\%c", c);
      else fputc(c, f);
    }
    fputs("\\par\n", f);
  }
  fputs("}\n", f);
  iconv_close(cd);
  if (fclose(f) != 0) ok = 0;
  return ok ? 0 : fail("cannot encode or write", path);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: make_files OUTDIR\n");
    return 2;
  }
  char path[4096];
  const struct {
    const char *name;
    int (*make)(const char *path);
  } files[] = {{"77-qd-ubnd-2024.pdf", text_pdf},
               {"31-tb-ubnd-2024-scan.pdf", scan_pdf},
               {"45-kh-ubnd-2024.docx", docx},
               {"02-ct-ubnd-2005.rtf", legacy_rtf}};
  for (size_t i = 0; i < N(files); i++) {
    snprintf(path, sizeof path, "%s/%s", argv[1], files[i].name);
    errno = 0;
    if (files[i].make(path) != 0) return 1;
  }
  cairo_debug_reset_static_data(); /* cairo's and fontconfig's caches: nothing left to a leak check */
  FcFini();
  return 0;
}
