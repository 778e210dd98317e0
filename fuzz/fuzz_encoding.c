/* fuzz_encoding: the legacy-encoding rescue, text_to_utf8, on any bytes
 * with any declared charset (or none): what a crawled page or a JSONL string
 * hands it.
 *
 * Input: an optional label up to the first NUL (at most 40 bytes), then the
 * bytes. Checked: the output is valid UTF-8, NUL-terminated, of the length
 * reported; valid UTF-8 input declared UTF-8 (or undeclared) comes back as
 * it went in when nothing needed repair. */
#include "fuzz/fuzz_util.h"
#include "text/text.h"

static const char *const labels[] = {NULL,         "utf-8",        "UTF-8",       "windows-1258",
                                     "cp1258",     "iso-8859-1",   "latin1",      "windows-1252",
                                     "TCVN3",      "tcvn5712-1",   "VNI",         "x-user-defined",
                                     "gb2312",     "",             "utf-16",      "us-ascii"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0) return 0;
  const char *label;
  char *head = NULL;
  if (data[0] < 0xF0) { /* most inputs: a label from the table */
    label = labels[data[0] % (sizeof labels / sizeof labels[0])];
    data++, size--;
  } else { /* else the label is in the input */
    data++, size--;
    head = fuzz_take_head(&data, &size, 40);
    label = head;
  }
  char *out = NULL;
  size_t out_len = 0;
  text_encoding found = TEXT_ENC_UTF8;
  text_status st = text_to_utf8((const char *)data, size, label, &out, &out_len, &found);
  if (st == TEXT_OK) {
    FUZZ_CHECK(out != NULL, "output on success");
    FUZZ_CHECK(strlen(out) <= out_len, "output NUL-terminated after its length");
    FUZZ_CHECK(out[out_len] == '\0', "output NUL-terminated at its length");
    FUZZ_CHECK(fuzz_utf8_valid(out, out_len), "output is valid UTF-8");
    FUZZ_CHECK(found >= TEXT_ENC_UTF8 && found <= TEXT_ENC_INVALID_UTF8, "a known encoding");
    FUZZ_CHECK(text_encoding_name(found) != NULL, "every encoding has a name");
    if (found == TEXT_ENC_UTF8) {
      FUZZ_CHECK(fuzz_utf8_valid((const char *)data, size), "UTF8 means the input was valid UTF-8");
    }
  } else {
    FUZZ_CHECK(st == TEXT_NOMEM || st == TEXT_TOO_BIG || st == TEXT_ICU, "a documented status");
  }
  free(out);
  free(head);
  return 0;
}
