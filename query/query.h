/* query: from what a person typed to ranked hits with snippets.
 *
 * The query text goes through the same text pipeline as documents. The
 * language:
 *   words           ranked by BM25 (documents with more of them first);
 *                   typed with accents, a word matches its exact form with a
 *                   boost and its folded form too; typed without, the folded form
 *   "a phrase"      the words in order (straight or curly quotes)
 *   -word -"phrase" excluded
 *   +word           required
 *   a OR b          either (the default already ranks by how many match)
 *   so:NUMBER       the document with that legal number, then those citing it
 *   loai:TYPE  coquan:ISSUER  linhvuc:CATEGORY  (quote values with spaces)
 *   tu:DATE den:DATE nam:YEAR   date range (YYYY-MM-DD, dd/mm/yyyy, YYYY)
 * A legal number anywhere in the text ("32/2021/NĐ-CP", "2696/qd-ubnd",
 * "nghị định 32/2021", "2696") is recognized: the document that IS that
 * number ranks first, then documents citing it.
 *
 * The module never prints: results come back as data (query_result), and
 * the command-line tool formats them.
 */
#ifndef TRACUU_QUERY_H
#define TRACUU_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "engine/engine.h"
#include "model/record.h"

/* The longest query text accepted (bytes), from the command line and from
 * the search page alike: one ALQAC question is 555 bytes. */
#define QUERY_MAX_BYTES 4096

typedef enum {
  QUERY_SORT_BLEND = 0,     /* relevance with a recency factor (default) */
  QUERY_SORT_RELEVANCE = 1, /* BM25, newest first among equal scores */
  QUERY_SORT_DATE = 2,      /* newest first */
  QUERY_SORT_INDEXED = 3    /* first indexed most recently first (schema.h SLOT_INDEXED) */
} query_sort;

/* Recency in blend mode: score * (1 - w + w * 0.5 ^ (age_days / halflife)). */
#define QUERY_DEFAULT_HALFLIFE_DAYS 1095.0
#define QUERY_DEFAULT_RECENCY_WEIGHT 0.3

/* What the index knows of a document's force, from OTHER documents'
 * relation terms (schema.h) targeting its own number:
 *   repealed  some indexed document repeals it (bãi bỏ, hết hiệu lực)
 *   replaced  some indexed document replaces it (and none repeals it)
 *   amended   some indexed document amends it (and none replaces or repeals it)
 *   in-force  it has an own number and no indexed document does any of that:
 *             "in force as far as this index knows" (a repeal the index has
 *             not seen is invisible; an effective date in the future is not
 *             looked at)
 *   unknown   it has no own number, so nothing can target it */
typedef enum {
  QUERY_DOC_UNKNOWN = 0,
  QUERY_DOC_IN_FORCE = 1,
  QUERY_DOC_AMENDED = 2,
  QUERY_DOC_REPLACED = 3,
  QUERY_DOC_REPEALED = 4
} query_doc_status;

/* "unknown", "in-force", "amended", "replaced", "repealed". Static. */
const char *query_doc_status_name(query_doc_status st);
/* The inverse; 1 on success. */
int query_doc_status_parse(const char *name, query_doc_status *st /* OUT */);

typedef struct {
  const char *text;        /* what the user typed (may be NULL with filters only) */
  const char *from, *to;   /* dates YYYY-MM-DD or NULL */
  const char *type, *issuer, *category; /* filters or NULL */
  const char *signer;      /* filter by the signer's words, or NULL */
  const char *status;      /* a query_doc_status name to filter by, or NULL */
  query_sort sort;
  uint32_t offset, limit;
  double halflife_days, recency_weight;
  int facets;              /* count years, types and issuers over all matches */
  int explain;             /* keep why each hit matched */
  int suggest;             /* offer the accented reading of an accent-less query */
  const char *today;       /* YYYY-MM-DD for recency; NULL = the system date */
  int64_t since_ms, until_ms; /* first indexed in [since_ms, until_ms] (ms since the
                                 epoch; indexer.h); 0 = that end open. Documents
                                 without a stamp never match a bound */
  int strict;              /* never fall back to documents with only some of the
                              words when none has them all (a watch) */
} query_request;

void query_request_init(query_request *req);

typedef struct {
  size_t start, end; /* byte offsets of a highlighted match in the snippet */
} query_span;

typedef struct {
  unsigned rank;         /* 1-based */
  double score;          /* the ranking score (blended in blend mode) */
  double relevance;      /* BM25 alone */
  uint64_t docid;
  record rec;            /* the stored record; owned */
  char *snippet;         /* a passage of the body, or of an attached file's text,
                            around the matches; owned */
  query_span *spans;     /* highlights inside snippet; owned */
  size_t n_spans;
  int snippet_from;      /* -1: the body; else the index in rec.attachments of the
                            file whose text the snippet comes from */
  int snippet_ocr;       /* 1: that text was read by OCR (it may hold misreadings) */
  char *explain;         /* why it matched (when asked); owned */
  query_doc_status status;
  char *status_by;       /* the number of the document that repealed/replaced/
                            amended it (newest), or NULL; owned */
  int64_t indexed_ms;    /* when it was first indexed (ms since the epoch); 0 unknown */
} query_hit;

typedef struct {
  char *value;
  uint64_t count;
} query_facet_value;

typedef struct {
  const char *name;       /* "year", "type", "issuer", "signer" */
  query_facet_value *values;
  size_t n;
} query_facet;

typedef struct {
  query_hit *hits;
  size_t n_hits;
  uint64_t estimated;     /* matches in all, estimated */
  query_facet facets[4];
  size_t n_facets;
  char *suggestion;       /* "did you mean" text, or NULL */
  int relaxed;            /* no document had every word: these have some */
  char *description;      /* the Xapian query, for --explain */
} query_result;

/* Statuses. Every function below returns the engine's status (engine.h),
 * whose numbering is frozen and from which the tool derives its exit code,
 * with a one-line message in err:
 *   ENGINE_BAD_QUERY  the query or a filter cannot be understood (err says why)
 *   ENGINE_CORRUPT    the index is damaged: Xapian said so, or a stored
 *                     record does not parse
 *   ENGINE_NETWORK    a remote shard failed or timed out: retry, or reopen
 *                     without it (engine_open_opts.allow_partial)
 *   ENGINE_NOMEM, and whatever else the engine reported (ENGINE_IO...).
 * A status is never folded into another on the way up. */

/* Runs req against db. On success *out holds the results (free with
 * query_result_free). A database changed by a writer meanwhile is reopened
 * and the search repeated, so readers during a crawl never see an error. */
engine_status query_run(engine_db *db, const query_request *req, query_result **out /* OUT */,
                       char *err /* OUT */, size_t errlen);

/* Documents with legal number `number` (first) and those citing it, newest
 * first. */
engine_status query_ref(engine_db *db, const char *number, uint32_t limit,
                       query_result **out /* OUT */, char *err /* OUT */, size_t errlen);

void query_result_free(query_result *res);

/* Whether req can be run: ENGINE_OK, or ENGINE_BAD_QUERY with the reason in err
 * (what query_run would say), without an index. */
engine_status query_check(const query_request *req, char *err /* OUT */, size_t errlen);

/* The largest first-indexed stamp in db (ms; 0 when no document has one):
 * every document indexed later has a larger one (indexer.h). */
engine_status query_latest_stamp(engine_db *db, int64_t *stamp /* OUT */, char *err /* OUT */,
                                size_t errlen);

/* ---- doc.c: one document ---- */

/* The document whose id is `id` (looked up by its id term, never used as a
 * path) as the one hit of *out, or no hit when there is none. Its snippet is
 * the whole body, not collapsed, with every word of `text` (a query, may be
 * NULL) highlighted; status and status_by are filled. Free with
 * query_result_free. */
engine_status query_doc(engine_db *db, const char *id, const char *text,
                       query_result **out /* OUT */, char *err /* OUT */, size_t errlen);

/* ---- related.c: the citation graph around one number ---- */

/* One document related to the one asked about. Strings are owned; any may
 * be NULL when unknown (a cited document that is not indexed has only its
 * number). */
typedef struct {
  const char *relation;  /* "self", or a relation name of record.h; static */
  int incoming;          /* 1: the other document does `relation` to this one */
  char *number, *id, *date, *title;
  char *sentence;        /* where the citing document says so */
} query_related_item;

typedef struct {
  query_related_item *items; /* the document itself first (when indexed),
                                then the rest newest first */
  size_t n;
} query_related;

/* The document with legal number `number` (when indexed), its bases and
 * what it amends, replaces, repeals or implements, then what does any of
 * that to it, or cites it. At most `limit` related items (0 = all).
 * ENGINE_BAD_QUERY when number is not a legal number. *out: free with
 * query_related_free. */
engine_status query_related_run(engine_db *db, const char *number, uint32_t limit,
                               query_related **out /* OUT */, char *err /* OUT */,
                               size_t errlen);
void query_related_free(query_related *rel);

/* Parses a date as typed in a filter (YYYY-MM-DD, YYYY-MM, YYYY, dd/mm/yyyy,
 * "21 tháng 6 năm 2021"). end = 1 picks the last day of a month or year.
 * Returns 1 and writes YYYY-MM-DD into iso, or 0. */
int query_parse_date(const char *s, int end, char iso[11] /* OUT */);

#endif
