/* dynbuf: appends, the size cap, sticky errors, ownership hand-over. */
#include <stdlib.h>

#include "common/dynbuf.h"
#include "tests/unit/check.h"

int main(void) {
  dynbuf b;
  dynbuf_init(&b, 16);
  CHECK_STR(dynbuf_str(&b), "");
  CHECK_INT(dynbuf_append_str(&b, "tra cứu"), DYNBUF_OK);
  CHECK_INT(b.len, 9);
  CHECK_INT(dynbuf_printf(&b, "%d", 42), DYNBUF_OK);
  CHECK_STR(dynbuf_str(&b), "tra cứu42");

  /* Passing the cap fails, keeps the content, and sticks. */
  CHECK_INT(dynbuf_append_str(&b, "0123456789"), DYNBUF_TOO_BIG);
  CHECK_STR(dynbuf_str(&b), "tra cứu42");
  CHECK_INT(dynbuf_append_byte(&b, 'x'), DYNBUF_TOO_BIG);
  CHECK_INT(dynbuf_status(&b), DYNBUF_TOO_BIG);
  dynbuf_reset(&b);
  CHECK_INT(dynbuf_status(&b), DYNBUF_OK);
  CHECK_INT(b.len, 0);

  /* printf longer than the stack buffer. */
  dynbuf big;
  dynbuf_init(&big, 1 << 20);
  CHECK_INT(dynbuf_printf(&big, "%0500d", 7), DYNBUF_OK);
  CHECK_INT(big.len, 500);
  char *owned = dynbuf_take(&big);
  CHECK_INT(strlen(owned), 500);
  CHECK_INT(big.len, 0);
  free(owned);

  /* Dropping consumed input from the front keeps the rest, NUL-terminated. */
  dynbuf in;
  dynbuf_init(&in, 64);
  dynbuf_drop_front(&in, 3); /* nothing yet: fine */
  CHECK_INT(dynbuf_append_str(&in, "GET / HTTP/1.1\r\n\r\nGET /x"), DYNBUF_OK);
  dynbuf_drop_front(&in, 18);
  CHECK_STR(dynbuf_str(&in), "GET /x");
  dynbuf_drop_front(&in, 100);
  CHECK_STR(dynbuf_str(&in), "");
  CHECK_INT(in.len, 0);
  dynbuf_free(&in);

  char *empty = dynbuf_take(&b);
  CHECK_STR(empty, "");
  free(empty);
  dynbuf_free(&b);
  dynbuf_free(&big);
  dynbuf_free(NULL);
  return check_summary("test_dynbuf");
}
