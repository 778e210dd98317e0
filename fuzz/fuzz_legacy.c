/* fuzz_legacy: the legacy readers: RTF (ours, in process) and DOC (antiword,
 * a program: what is fuzzed here is how tracuu runs it and reads its output,
 * and the legacy-encoding rescue over whatever comes back).
 *
 * Input: one byte picks the reader; RTF gets "{\rtf1" + the rest, DOC the
 * OLE signature + the rest (every 64th input only: a program per input is
 * slow). Checks: see fuzz_attach.h. */
#include "fuzz_attach.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static unsigned long runs;
  if (size == 0) return 0;
  int doc = (data[0] & 0x3F) == 0 && (runs++ % 64) == 0;
  const char *head = doc ? "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1" : "{\\rtf1";
  size_t hl = strlen(head);
  char *buf = malloc(size - 1 + hl);
  if (!buf) return 0;
  memcpy(buf, head, hl);
  memcpy(buf + hl, data + 1, size - 1);
  fuzz_attach_check(buf, size - 1 + hl, doc ? ATTACH_TYPE_DOC : ATTACH_TYPE_RTF);
  free(buf);
  return 0;
}
