/* Declarations shared by the files of the query module; not a public contract. */
#ifndef TRACUU_QUERY_INTERNAL_H
#define TRACUU_QUERY_INTERNAL_H

#include <stddef.h>

#include "engine/engine.h"
#include "query/query.h"

/* The folded words a hit's snippet should highlight. Bounded and small: a
 * query has few words, so a linear search is the fastest set. */
#define HIGHLIGHT_MAX 64
typedef struct {
  char *words[HIGHLIGHT_MAX];
  size_t lens[HIGHLIGHT_MAX];  /* strlen of each word: snippets compare them per token */
  size_t n;
} highlight_set;

void highlight_set_free(highlight_set *hs);
/* Adds a copy of word (no duplicates); 0 on success, -1 out of memory.
 * Past HIGHLIGHT_MAX words the rest are ignored. */
int highlight_set_add(highlight_set *hs, const char *word, size_t len);
int highlight_set_has(const highlight_set *hs, const char *word, size_t len);

/* ---- parse.c: query text and filters -> engine query ---- */

/* A user's text as a message shows it: oneline_quote (common/oneline.h) at
 * most 80 bytes, so an error message stays one line of valid UTF-8 even for
 * --from $'2021\n...' or tu:"a<newline>b". Returns out->s. */
typedef struct {
  char s[81];
} query_shown_text;
const char *query_shown(const char *arg, query_shown_text *out);

typedef struct {
  engine_query *query;     /* owned */
  engine_query *fallback;  /* owned; run when query finds nothing (short
                              queries require every word; this any of them) */
  highlight_set highlight; /* owned */
  int has_text;            /* the user typed something to rank by */
} parsed_query;

/* Builds the engine query of req. On ENGINE_BAD_QUERY, err says what is wrong. */
engine_status parse_request(const query_request *req, parsed_query *out /* OUT */, char *err,
                           size_t errlen);
/* The same against db: a long question then ranks by its rarest parts in
 * db (parse.c says why). parse_request is this with no db: every part. */
engine_status parse_request_db(const query_request *req, engine_db *db,
                              parsed_query *out /* OUT */, char *err, size_t errlen);
void parsed_query_free(parsed_query *pq);

/* ---- snippet.c: a passage around the matches, with highlight spans ---- */

/* What snippet_make chose: how well its window matched (0: no word of the
 * query; more distinct words, then more side by side, score higher) and
 * the bytes of text it shows, [start, end). */
typedef struct {
  unsigned score;
  size_t start, end;
} snippet_info;

/* Picks the window of about max_tokens tokens of text holding the most
 * distinct highlighted words, and returns it with white space collapsed.
 * *out and *spans are malloc'ed (caller frees); info (may be NULL) says
 * what was chosen. 0 on success, -1 out of memory. */
int snippet_make(const char *text, size_t len, const highlight_set *hs, size_t max_tokens,
                 char **out /* OUT */, query_span **spans /* OUT */, size_t *n_spans /* OUT */,
                 snippet_info *info /* OUT, may be NULL */);

/* Every token of text[0..len) matching a word of hs, as spans of byte
 * offsets into text itself (nothing collapsed), at most HIGHLIGHT_MAX_SPANS.
 * *spans is malloc'ed (caller frees; NULL when none). 0, or -1 out of memory. */
#define HIGHLIGHT_MAX_SPANS 20000
int highlight_text(const char *text, size_t len, const highlight_set *hs,
                   query_span **spans /* OUT */, size_t *n_spans /* OUT */);

/* ---- suggest.c: "did you mean" ---- */

/* The accented reading of an accent-less query text, from the texts of the
 * hits in res (or, without hits, from the exact terms the index holds);
 * NULL when the text has accents already, when no word has an accented
 * reading, or on error. Caller frees. */
char *suggest_accents(engine_db *db, const char *text, const query_result *res);

/* ---- status.c: a document's force, and the documents holding a term ---- */

/* Calls cb with each document holding prefix+key, newest first, at most
 * limit of them (the record is valid during the call only). Reopens the
 * database when a writer changed it meanwhile. */
typedef int (*term_doc_cb)(void *ctx, const record *rec);
engine_status term_docs(engine_db *db, const char *prefix, const char *key, uint32_t limit,
                       term_doc_cb cb, void *ctx, char *err, size_t errlen);

/* Sets h->status and h->status_by from the relation terms aimed at h's number. */
engine_status status_fill_hit(engine_db *db, query_hit *h, char *err, size_t errlen);

/* Restricts pq's queries to documents of status `name` (req->status). */
engine_status status_filter(engine_db *db, const char *name, parsed_query *pq, char *err,
                           size_t errlen);

#endif
