/* corpus: the shared real-world data sets, loaded as tracuu records.
 *
 * Benchmarks (indexing throughput, relevance, query latency) all start from
 * the same read-only files under the shared data folder (TRACUU_SHARED_DIR,
 * normally ../shared). This module turns them into `record`s in memory so that
 * every benchmark indexes exactly the same documents the same way:
 *
 *   phapdien  corpus/phapdien/<topic>.csv, 27,121 codified articles (RFC 4180 CSV)
 *             id = mapc (or "<file>:<row>" when empty), title = ten,
 *             body = noidung + "\n\n" + vbqppl (the source citation, kept in
 *             the body so that the document number and date it names are
 *             searchable and counted like any other text), url = vbqppl_link.
 *   congbao   corpus/congbao/docs/<topic>/<slug>.json, 414 gazette documents
 *             id = "<topic>/<slug>" (a slug alone is not unique: two documents
 *             are filed under two topics each), title = mo_ta,
 *             body = full_text, url = nguon_url, type = loai,
 *             category = topic_name. number stays NULL: so_hieu is mostly a
 *             URL slug, the real number is inside full_text.
 *   alqac     corpus/alqac/<year>/law.json: one record per article,
 *             id = law_id + "#" + article_id, body = the article text, no
 *             title (the first line is a heading only in most articles). The
 *             pair is kept as is in corpus_doc.law_id/article_id, since a
 *             law_id may itself contain "/". Questions (question.json for
 *             2022, train.json for 2023) with their relevant pairs.
 *
 * The text is left exactly as found (NFD, "Ð", PDF damage): handling it is
 * tracuu's job, not the loader's. Files are read in sorted path order, so the
 * record order is the same on every run.
 *
 * Errors. Each loader returns 0, or -1 with a one-line reason in err (the
 * path, and what was wrong with it). Loaders append to the collection they
 * are given; on failure the collection is left exactly as it was.
 *
 * Ownership. Every string is malloc'ed and owned by its collection; free a
 * collection with corpus_docs_free / corpus_questions_free (NULL is ok).
 */
#ifndef TRACUU_BENCH_CORPUS_H
#define TRACUU_BENCH_CORPUS_H

#include <stddef.h>

#include "model/record.h"

/* No file of the shared data comes near this; it bounds what a damaged or
 * wrong path can make us allocate. */
#define CORPUS_MAX_FILE (256u * 1024 * 1024)

typedef struct {
  record rec;       /* what gets indexed */
  char *law_id;     /* ALQAC articles only (NULL otherwise): the key the */
  char *article_id; /* questions use to name their relevant articles */
} corpus_doc;

typedef struct {
  corpus_doc *docs;
  size_t count;
  size_t cap;
} corpus_docs;

typedef struct {
  char *law_id;
  char *article_id;
} corpus_article_ref;

typedef struct {
  char *id;                     /* "q-1", "DS-1" */
  char *text;
  corpus_article_ref *relevant; /* n_relevant pairs, at least one */
  size_t n_relevant;
} corpus_question;

typedef struct {
  corpus_question *items;
  size_t count;
  size_t cap;
} corpus_questions;

typedef enum { CORPUS_ALQAC_2022, CORPUS_ALQAC_2023 } corpus_alqac_year;

/* An empty collection (allocates nothing; a zeroed struct is the same). */
void corpus_docs_init(corpus_docs *docs);
void corpus_docs_free(corpus_docs *docs);
void corpus_questions_init(corpus_questions *qs);
void corpus_questions_free(corpus_questions *qs);

/* shared is the shared data folder (the one holding corpus/). */
int corpus_load_phapdien(const char *shared, corpus_docs *docs /* IN/OUT: appended */,
                         char *err /* OUT */, size_t errlen);
int corpus_load_congbao(const char *shared, corpus_docs *docs /* IN/OUT: appended */,
                        char *err /* OUT */, size_t errlen);
int corpus_load_alqac_articles(const char *shared, corpus_alqac_year year,
                               corpus_docs *docs /* IN/OUT: appended */, char *err /* OUT */,
                               size_t errlen);
int corpus_load_alqac_questions(const char *shared, corpus_alqac_year year,
                                corpus_questions *qs /* IN/OUT: appended */,
                                char *err /* OUT */, size_t errlen);

/* The record id of an ALQAC article: law_id + "#" + article_id. Caller
 * frees; NULL when out of memory. */
char *corpus_alqac_id(const char *law_id, const char *article_id);

#endif
