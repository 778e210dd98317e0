/* fuzz_pdf: the PDF reader (attach_read on bytes sniffed as PDF), OCR off
 * (Tesseract is not ours to fuzz, and a forked reader child would hide
 * crashes from libFuzzer: this runs in process).
 *
 * Input: the bytes after "%PDF-1.4\n" (so that the sniffer takes them for a
 * PDF). Checked: on success every page is NUL-terminated valid UTF-8 of
 * its stated length without C0 controls but tab and newline, pages read <=
 * max_pages and <= the pages the file has, text within max_chars, chars
 * counted right, no page marked OCR, note one line; on failure no pages and
 * a one-line error. */
#include "fuzz_attach.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const char head[] = "%PDF-1.4\n";
  char *buf = malloc(size + sizeof head);
  if (!buf) return 0;
  memcpy(buf, head, sizeof head - 1);
  memcpy(buf + sizeof head - 1, data, size);
  fuzz_attach_check(buf, size + sizeof head - 1, ATTACH_TYPE_PDF);
  free(buf);
  return 0;
}
