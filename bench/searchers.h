/* searchers: tracuu and its two anchors behind one interface, for the
 * benchmarks that compare them on the same documents (bench_relevance,
 * bench_query).
 *
 *   SEARCHER_TRACUU  the indexer, then query_run (tracuu's own language and
 *                    ranking); the documents are indexed as the records are.
 *   SEARCHER_XAPIAN  plain Xapian as omindex gives it: TermGenerator without
 *                    stemmer over title + "\n\n" + body, QueryParser with OR as
 *                    the default operator and FLAG_DEFAULT, BM25
 *                    (engine_doc_index_text_plain, engine_query_parse_plain).
 *   SEARCHER_FTS5    SQLite FTS5, one column holding title + "\n\n" + body,
 *                    tokenize='unicode61 remove_diacritics 2'; a query is the
 *                    whitespace-separated pieces of the text, each quoted (so no
 *                    text is an FTS5 syntax error; a piece with punctuation
 *                    inside, "19/2018/NĐ-CP", is a phrase), OR-ed, ranked by
 *                    bm25() (ORDER BY rank).
 * The anchors get the whole text of each record, exactly as found.
 *
 * A hit is given as the position of its record in the corpus_docs the index
 * was built from, so that each benchmark judges the three alike.
 *
 * Reuse. searcher_build leaves a stamp file next to the index (path + ".done")
 * holding a fingerprint of the documents (count and bytes; for tracuu also
 * TRACUU_SCHEMA_VERSION); with reuse set, an index whose stamp matches is kept
 * as it is. Other changes to the indexer are not in the fingerprint: rebuild
 * (reuse = 0) after one.
 *
 * Errors. Functions return 0, or -1 with a one-line reason in err;
 * searcher_run returns 1 when the engine refused that one query (a syntax
 * error, a query without words): no hits, the reason in err, and the searcher
 * still usable. Nothing here prints.
 */
#ifndef TRACUU_BENCH_SEARCHERS_H
#define TRACUU_BENCH_SEARCHERS_H

#include <stddef.h>

#include "bench/corpus.h"
#include "query/query.h"

/* Where the indexes live: dir gets reuse (created if missing) when it is not
 * NULL, else a new temporary directory under $TMPDIR (or /tmp) whose name
 * starts with prefix. */
int searcher_workdir(const char *reuse, const char *prefix, char *dir /* OUT */, size_t cap,
                     char *err /* OUT */, size_t errlen);

/* Removes path and everything under it; a missing path is fine. 0 or -1. */
int searcher_remove(const char *path);

typedef enum { SEARCHER_TRACUU, SEARCHER_XAPIAN, SEARCHER_FTS5 } searcher_kind;

/* "tracuu", "plain Xapian BM25", "SQLite FTS5". Static strings. */
const char *searcher_name(searcher_kind kind);

/* Builds the index of docs at path, or keeps the one there when reuse is set
 * and its stamp matches docs. *built says which (1 = built now). An index that
 * is not kept is removed first. The parent directory of path must exist. */
int searcher_build(searcher_kind kind, const char *path, const corpus_docs *docs, int reuse,
                   int *built /* OUT */, char *err /* OUT */, size_t errlen);

typedef struct {
  query_sort sort;       /* tracuu only; QUERY_SORT_RELEVANCE by default */
  double bm25_k1, bm25_b; /* plain Xapian only (query_request has no BM25
                             fields); 0 = Xapian's default (k1 1, b 0.5) */
} searcher_opts;

void searcher_opts_init(searcher_opts *o);

typedef struct searcher searcher;

/* Opens the index at path, built from docs (which must outlive the searcher).
 * On failure *out is NULL. */
int searcher_open(searcher_kind kind, const char *path, const corpus_docs *docs,
                  const searcher_opts *opts, searcher **out /* OUT */, char *err /* OUT */,
                  size_t errlen);

/* Runs text and writes the positions in docs of the best hits, best first,
 * into hits (room for k); *n_hits <= k. */
int searcher_run(searcher *s, const char *text, size_t k, size_t *hits /* OUT */,
                 size_t *n_hits /* OUT */, char *err /* OUT */, size_t errlen);

void searcher_close(searcher *s);

#endif
