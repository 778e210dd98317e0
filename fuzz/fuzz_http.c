/* fuzz_http: the request head parser of `tracuu serve`, http_parse_head
 * (web/http.h), apart from the sockets: it is what a client on the network
 * reaches first.
 *
 * Input: two bytes (little-endian) choosing where the bytes are cut in two
 * pieces, then the bytes a client sends. Checked (fuzz/http_contract.h):
 * a request is GET or HEAD with a target starting with "/" and lengths
 * within the limits; a refusal has a status the server words and closes;
 * nothing waits past HTTP_MAX_HEAD bytes; two pieces, or a byte at a time,
 * give the result of one; the head alone parses the same and one byte less
 * is not yet a head. Then each pipelined request after the first is
 * checked the same way, as the server would read it. */
#include "fuzz/fuzz_util.h"
#include "fuzz/http_contract.h"

#define MAX_PIPELINED 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2) return 0;
  size_t split = (size_t)data[0] | (size_t)data[1] << 8;
  const char *buf = (const char *)data + 2;
  size_t len = size - 2;
  for (int n = 0; n < MAX_PIPELINED; n++) {
    const char *broken = http_contract_broken(buf, len, split);
    if (broken) {
      fprintf(stderr, "fuzz: contract broken on request %d of the input: %s\n", n + 1, broken);
      abort();
    }
    http_parsed p = http_parse_whole(buf, len);
    int next = p.r == HTTP_HEAD_DONE && !p.h.refused && p.h.keep_alive && p.h.head_len < len;
    size_t used = p.h.head_len;
    http_parsed_free(&p);
    if (!next) break;
    buf += used;
    len -= used;
  }
  return 0;
}
