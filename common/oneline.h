/* oneline: a user's text, quoted in a one-line message.
 *
 * An error message that quotes what came in (a field of a record, a query,
 * a flag's value) must stay one line of valid UTF-8 whatever that was: a
 * newline in it would split "FILE:LINE: ..." in two, and a "%.40s" cut can
 * fall inside a character. Never prints.
 */
#ifndef TRACUU_ONELINE_H
#define TRACUU_ONELINE_H

#include <stddef.h>

/* s as a message shows it, into buf (size > 0 bytes): control characters
 * as spaces, at most size - 1 bytes, cut at a character boundary. Returns
 * buf. */
const char *oneline_quote(const char *s, char *buf, size_t size);

#endif
