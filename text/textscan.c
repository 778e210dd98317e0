/* textscan.c: text_scan, one pass over a text for its tokens, its legal
 * reference numbers and its dates.
 *
 * text_tokenize, text_find_refs and text_find_dates each run the tokenizer
 * over the whole text; a caller that wants all three (the indexer, through
 * legal_parse_scan) pays for one pass here. The reference and date finders
 * are the same token consumers their own functions use (reffind.c, date.c),
 * so what each callback sees is exactly what the single-purpose function
 * would hand it. */
#include "text/text_internal.h"

typedef struct {
  const text_scan_cbs *cbs;
  tx_ref_finder refs;
  tx_date_finder dates;
  int token_done, refs_done, dates_done; /* a callback that asked to stop */
} multi;

static int on_token(void *ctx, const tx_token *t) {
  multi *m = ctx;
  /* A reference is reported before its token, as in two separate passes
   * nothing orders them: callers must not rely on either order. */
  if (!m->refs_done) m->refs_done = tx_ref_finder_token(&m->refs, t) != 0;
  if (!m->dates_done) m->dates_done = tx_date_finder_token(&m->dates, t) != 0;
  if (!m->token_done) m->token_done = m->cbs->on_token(m->cbs->ctx, &t->tok) != 0;
  return m->token_done && m->refs_done && m->dates_done;
}

text_status text_scan(const char *s, size_t len, const text_scan_cbs *cbs) {
  multi m = {.cbs = cbs};
  m.token_done = !cbs->on_token;
  m.refs_done = !cbs->on_ref;
  m.dates_done = !cbs->on_date;
  if (m.token_done && m.refs_done && m.dates_done) return len > TEXT_MAX_INPUT ? TEXT_TOO_BIG : TEXT_OK;
  tx_ref_finder_init(&m.refs, s, cbs->on_ref, cbs->ctx);
  tx_date_finder_init(&m.dates, cbs->on_date, cbs->ctx);
  return tx_scan(s, len, 0, on_token, &m);
}
