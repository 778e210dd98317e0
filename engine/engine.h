/* engine: tracuu's C view of Xapian.
 *
 * engine.cc is the only file in tracuu that includes <xapian.h>. Everything
 * else sees the opaque handles below. The engine knows nothing of Vietnamese,
 * records or prefixes: it stores terms, positions, values and data, and runs
 * queries. The schema lives in indexer/schema.h.
 *
 * Errors. Every function that can fail returns an engine_status. No C++
 * exception ever leaves this module. Handles keep the message of their last
 * error (engine_*_errmsg); functions that create a handle report a failure
 * through an optional malloc'ed message (caller frees) and set *out to NULL:
 * nothing half-built is ever handed out.
 *
 * Ownership. Each *_new / *_open has one matching *_free / *_close, which
 * accepts NULL. Strings passed in are copied; strings handed out are either
 * borrowed ("valid until ...") or malloc'ed ("caller frees"), as each says.
 */
#ifndef TRACUU_ENGINE_H
#define TRACUU_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Never renumber: exit codes and messages are derived from these. */
typedef enum {
  ENGINE_OK = 0,
  ENGINE_LOCKED = 1,      /* another writer holds the database lock */
  ENGINE_RETRY = 2,       /* the database changed under a reader: reopen and retry */
  ENGINE_BAD_QUERY = 3,   /* the query cannot be run as given */
  ENGINE_NO_INDEX = 4,    /* no database at that path */
  ENGINE_CORRUPT = 5,     /* the database files are damaged */
  ENGINE_VERSION = 6,     /* a database format this Xapian cannot read */
  ENGINE_INVALID = 7,     /* a caller error: bad argument, term too long, ... */
  ENGINE_IO = 8,          /* the disk said no: full, read-only, permission */
  ENGINE_NETWORK = 9,     /* a remote shard failed or timed out */
  ENGINE_NOMEM = 10,      /* out of memory */
  ENGINE_INTERNAL = 11    /* anything else Xapian or the C++ runtime threw */
} engine_status;

/* A short, static, English description of a status ("database is locked"). */
const char *engine_strerror(engine_status status);

/* Xapian refuses terms longer than this (bytes, prefix included). */
#define ENGINE_MAX_TERM 245

/* The Xapian version tracuu runs with, e.g. "1.4.22". Static string. */
const char *engine_version(void);

/* Writes the 8-or-fewer byte string that sorts like the number v
 * (Xapian's sortable_serialise). out must hold 18 bytes; returns the length. */
size_t engine_sortable_serialise(double v, char *out /* OUT: 18 bytes */);
double engine_sortable_unserialise(const char *p, size_t len);

/* ------------------------------------------------------------------ */
/* Documents under construction                                         */
/* ------------------------------------------------------------------ */

typedef struct engine_doc engine_doc;

/* A new empty document; NULL when out of memory. Free with engine_doc_free. */
engine_doc *engine_doc_new(void);
void engine_doc_free(engine_doc *doc);

/* Adds a positional occurrence of term (pos >= 1). A term longer than
 * ENGINE_MAX_TERM is refused with ENGINE_INVALID and the document is left
 * as it was, so one bad term never poisons a batch. Empty terms, pos 0 and a
 * NULL doc are ENGINE_INVALID too (here and in the two functions below). */
engine_status engine_doc_add_posting(engine_doc *doc, const char *term, size_t len,
                                     uint32_t pos, uint32_t wdf_inc);
/* Adds a term without position (wdf_inc occurrences). */
engine_status engine_doc_add_term(engine_doc *doc, const char *term, size_t len,
                                  uint32_t wdf_inc);
/* Adds a boolean (filter) term: no position, no within-document frequency. */
engine_status engine_doc_add_boolean_term(engine_doc *doc, const char *term, size_t len);
/* Value slots hold sortable keys (dates) and facet values. */
engine_status engine_doc_set_value(engine_doc *doc, unsigned slot, const char *value,
                                   size_t len);
/* The opaque payload returned with each hit (tracuu stores the record). */
engine_status engine_doc_set_data(engine_doc *doc, const char *data, size_t len);

/* ------------------------------------------------------------------ */
/* Writing                                                              */
/* ------------------------------------------------------------------ */

typedef struct engine_writer engine_writer;

enum {
  ENGINE_OPEN_EXISTING = 0, /* fail with ENGINE_NO_INDEX if missing */
  ENGINE_CREATE = 1         /* create the database if missing (not its parents) */
};

/* Opens path as the one writer of a database. On failure *out is NULL and
 * *errmsg (if errmsg is not NULL) holds a malloc'ed message the caller frees. */
engine_status engine_writer_open(const char *path, int flags, engine_writer **out /* OUT */,
                                 char **errmsg /* OUT, may be NULL */);

/* Replaces the document indexed by unique_term, or adds it if there is none.
 * The unique term is also added to doc (Xapian does not do that itself, and
 * without it a second replace would add a second copy). */
engine_status engine_writer_replace(engine_writer *w, const char *unique_term, size_t len,
                                    engine_doc *doc);
/* Deletes the document(s) indexed by unique_term; no document is not an error. */
engine_status engine_writer_delete(engine_writer *w, const char *unique_term, size_t len);

/* Makes every change so far durable and visible to readers, atomically. */
engine_status engine_writer_commit(engine_writer *w);

/* User metadata of the database (schema version, crawl stamps...).
 * get: *value is malloc'ed (caller frees), "" when the key is unset. */
engine_status engine_writer_set_metadata(engine_writer *w, const char *key, const char *value);
engine_status engine_writer_get_metadata(engine_writer *w, const char *key,
                                         char **value /* OUT */);

/* Number of documents, including uncommitted ones. */
uint64_t engine_writer_doccount(engine_writer *w);

/* The value in slot of the document indexed by unique_term, uncommitted
 * changes included: *value malloc'ed (caller frees) with *len bytes, or NULL
 * with *len 0 when there is no such document or it has no value there. */
engine_status engine_writer_get_value(engine_writer *w, const char *unique_term, size_t tlen,
                                      unsigned slot, char **value /* OUT */, size_t *len /* OUT */);

/* Xapian's upper bound of the values in slot over the committed documents
 * (removing documents does not lower it): *value malloc'ed with *len bytes,
 * or NULL with *len 0 when no document has a value there. */
engine_status engine_writer_value_upper_bound(engine_writer *w, unsigned slot,
                                              char **value /* OUT */, size_t *len /* OUT */);

/* Commits what is pending, releases the lock and frees the writer, even on
 * error (the status then says that the last commit failed). NULL is ok. */
engine_status engine_writer_close(engine_writer *w);

/* The message of this writer's last error; "" if none. Each call on the handle
 * clears it first, so it describes the last call. Valid until the next call. */
const char *engine_writer_errmsg(const engine_writer *w);

/* ------------------------------------------------------------------ */
/* Queries: immutable trees built bottom-up                             */
/* ------------------------------------------------------------------ */

typedef struct engine_query engine_query;

typedef enum {
  ENGINE_OP_AND,
  ENGINE_OP_OR,
  ENGINE_OP_AND_NOT,   /* first minus the union of the rest */
  ENGINE_OP_AND_MAYBE, /* first, weighted up by the rest where they match */
  ENGINE_OP_FILTER,    /* first, restricted to the rest, which add no weight */
  ENGINE_OP_PHRASE,    /* subqueries in order, adjacent (window = count) */
  ENGINE_OP_NEAR,      /* subqueries within a window, any order */
  ENGINE_OP_SYNONYM,   /* the union, weighted as one term */
  ENGINE_OP_MAX        /* the union, each document weighted by its best part */
} engine_query_op;

/* Each constructor returns a new query the caller frees with engine_query_free,
 * or NULL when out of memory or an argument is invalid (a NULL argument, an
 * empty term -- Xapian would read it as "every document" --, a negative or
 * non-finite scale factor, an unknown op) or Xapian refuses the combination
 * (1.4 builds PHRASE and NEAR only over terms and ORs of terms). Constructors
 * never take ownership of their arguments. */
engine_query *engine_query_term(const char *term, size_t len, uint32_t wqf);
engine_query *engine_query_combine(engine_query_op op, engine_query *const *subs, size_t n,
                                   unsigned window /* PHRASE/NEAR; 0 = n */);
engine_query *engine_query_scale(const engine_query *q, double factor);
/* Documents whose value in slot lies in [lo, hi] (byte-wise); NULL bound = open
 * (both open: every document). The bounds are (pointer, length): a sortable key
 * from engine_sortable_serialise may contain NUL bytes (sortable_serialise(2049)
 * does), so use this form for them. */
engine_query *engine_query_value_range_n(unsigned slot, const char *lo, size_t lo_len,
                                         const char *hi, size_t hi_len);
/* The same with NUL-terminated bounds: only for keys without NUL bytes. */
engine_query *engine_query_value_range(unsigned slot, const char *lo, const char *hi);
engine_query *engine_query_match_all(void);
engine_query *engine_query_match_nothing(void);
int engine_query_is_empty(const engine_query *q);
/* Xapian's description of the query, for --explain and tests. Caller frees. */
char *engine_query_describe(const engine_query *q);
void engine_query_free(engine_query *q);

/* ------------------------------------------------------------------ */
/* Reading and searching                                                */
/* ------------------------------------------------------------------ */

typedef struct engine_db engine_db;

/* The OR of the k subqueries that are rarest in db: each is ranked by its
 * rarest term (the fewest documents, counted over every shard), ties kept in
 * the order given; a subquery none of whose terms db holds cannot match and
 * is left out. What OP_ELITE_SET does, but chosen once from the whole
 * collection: Xapian 1.4 chooses an elite set in each shard apart, from that
 * shard's own bounds, so sharded and single indexes would rank apart. When a
 * count cannot be read (a remote shard failing), the OR of all of them. */
engine_query *engine_query_rarest(engine_db *db, engine_query *const *subs, size_t n, size_t k);

/* Opens n databases as one (shards). Each name is a database directory, a
 * Xapian stub file, or "tcp:HOST:PORT" for a remote xapian-tcpsrv. Remote
 * opens use timeout_ms for connect and each operation (0 = 10 s).
 * Failure: *out NULL, *errmsg (if not NULL) malloc'ed, names the database.
 *
 * Stub files are read here, not by Xapian, line by line: "auto PATH" and
 * "glass PATH" (relative to the stub's directory; PATH may be a stub too),
 * "remote HOST:PORT" (xapian-tcpsrv) and "remote :PROGRAM ARGS" (e.g.
 * ":ssh host xapian-progsrv /srv/shard-0"), '#' comments. That way their
 * remote lines get timeout_ms too (Xapian's reader gives them a fixed
 * 10 s) and one line can be left out (engine_db_open_opts). A stub with
 * lines of other types (chert, inmemory) goes to Xapian whole, as before. */
engine_status engine_db_open(const char *const *names, size_t n, unsigned timeout_ms,
                             engine_db **out /* OUT */, char **errmsg /* OUT, may be NULL */);

/* Told of each shard left out by allow_partial: its name ("tcp:HOST:PORT"
 * or the path) and why. */
typedef void (*engine_skip_cb)(void *ctx, const char *name, engine_status status,
                               const char *msg);

typedef struct {
  unsigned timeout_ms;     /* remote connect and operations; 0 = 10 s */
  /* Leave out the shards that cannot be reached (ENGINE_NETWORK) instead of
   * failing: the search then runs over the others, with their statistics.
   * A missing or damaged local shard still fails the open. When no shard
   * is left the open fails with ENGINE_NETWORK. */
  int allow_partial;
  engine_skip_cb on_skip;  /* may be NULL */
  void *ctx;
} engine_open_opts;

/* engine_db_open with options (opts NULL: the defaults, every shard must open). */
engine_status engine_db_open_opts(const char *const *names, size_t n, const engine_open_opts *opts,
                                  engine_db **out /* OUT */, char **errmsg /* OUT, may be NULL */);

/* The number of databases opened (after stubs were expanded and shards left
 * out); 0 for NULL. */
size_t engine_db_shards(const engine_db *db);
void engine_db_close(engine_db *db);
const char *engine_db_errmsg(const engine_db *db);

/* Moves the reader to the latest committed state. */
engine_status engine_db_reopen(engine_db *db);

/* After ENGINE_RETRY ("the database changed under the reader"): reopens,
 * and returns ENGINE_OK when a newer state was there to move to (repeat the
 * read), or ENGINE_CORRUPT when none was: then no writer changed anything,
 * and Xapian read a damaged block as a change (the read would fail again). */
engine_status engine_db_retry_reopen(engine_db *db);

uint64_t engine_db_doccount(engine_db *db);
/* Number of documents that contain term (0 on error or absence). */
uint64_t engine_db_termfreq(engine_db *db, const char *term, size_t len);
/* *value malloc'ed (caller frees), "" when unset. Read from the first shard. */
engine_status engine_db_get_metadata(engine_db *db, const char *key, char **value /* OUT */);
/* engine_writer_value_upper_bound over every shard (the largest). */
engine_status engine_db_value_upper_bound(engine_db *db, unsigned slot, char **value /* OUT */,
                                          size_t *len /* OUT */);

/* Calls cb for every term that starts with prefix, in byte order, with its
 * document frequency; stops when cb returns non-zero. */
typedef int (*engine_term_cb)(void *ctx, const char *term, size_t len, uint64_t termfreq);
engine_status engine_db_allterms(engine_db *db, const char *prefix, engine_term_cb cb,
                                 void *ctx);

/* How to rank. */
typedef enum {
  ENGINE_SORT_RELEVANCE = 0,      /* by weight, ties broken by sort_slot if set */
  ENGINE_SORT_VALUE = 1           /* by the value in sort_slot, then weight */
} engine_sort;

typedef struct {
  uint32_t offset;            /* first hit to return (0-based) */
  uint32_t limit;             /* how many hits */
  uint32_t check_at_least;    /* make counts exact up to this many matches */
  engine_sort sort;
  int sort_slot;              /* -1 = none */
  int sort_descending;        /* for the value order: newest first */
  /* BM25 parameters; all zero = Xapian's defaults (k1 1, k2 0, k3 1, b 0.5, min_normlen 0.5) */
  double bm25_k1, bm25_k2, bm25_k3, bm25_b, bm25_min_normlen;
  /* Recency: when recency_weight > 0, each match gains
   *   recency_weight * 0.5 ^ (max(0, now - value) / recency_halflife)
   * where value is the sortable number in recency_slot (e.g. days since epoch).
   * Matches without a value gain nothing; non-matches are never added. Not
   * available on remote shards: xapian-tcpsrv cannot run tracuu's posting
   * source, and the search fails with ENGINE_BAD_QUERY. */
  int recency_slot;           /* -1 = none */
  double recency_now, recency_halflife, recency_weight;
  /* Facets: count the values of these slots over the whole match set. To
   * make the counts exact the engine raises check_at_least to the document
   * count whenever facets are asked for: every match is then scored. */
  const unsigned *facet_slots;
  size_t n_facet_slots;
} engine_search_opts;

/* Fills opts with: offset 0, limit 10, relevance, no slots, defaults. */
void engine_search_opts_init(engine_search_opts *opts);

typedef struct engine_mset engine_mset;

/* Runs q against db. On ENGINE_RETRY reopen the db and run again. */
engine_status engine_db_search(engine_db *db, const engine_query *q,
                               const engine_search_opts *opts, engine_mset **out /* OUT */);

/* Accessors: i < engine_mset_size(). Borrowed pointers stay valid until
 * engine_mset_free. Failures inside an accessor (a remote shard dropping,
 * the database changing) are reported by engine_mset_status(). */
size_t engine_mset_size(const engine_mset *m);
uint64_t engine_mset_estimated(const engine_mset *m);    /* matches, estimated */
uint64_t engine_mset_docid(const engine_mset *m, size_t i);
double engine_mset_weight(const engine_mset *m, size_t i);
const char *engine_mset_data(engine_mset *m, size_t i, size_t *len /* OUT */);
const char *engine_mset_value(engine_mset *m, size_t i, unsigned slot, size_t *len /* OUT */);
/* Calls cb for each query term that hit i (for --explain and highlights), in
 * byte order, with the term's document frequency. */
engine_status engine_mset_matching_terms(engine_mset *m, size_t i, engine_term_cb cb,
                                         void *ctx);
/* Calls cb (termfreq = count) for each value counted in facet slot, most frequent first. */
engine_status engine_mset_facet(engine_mset *m, unsigned slot, engine_term_cb cb, void *ctx);
engine_status engine_mset_status(const engine_mset *m);
const char *engine_mset_errmsg(const engine_mset *m);
void engine_mset_free(engine_mset *m);

/* ------------------------------------------------------------------ */
/* Plain Xapian, for baselines in bench/                                */
/* ------------------------------------------------------------------ */

/* What Xapian does out of the box (what omindex gives), so that benchmarks
 * can compare tracuu with it on the same documents. tracuu itself never uses
 * these two: they know nothing of Vietnamese (no normalization, no accent
 * folding, NFD text gives NFD terms, no stemmer).
 *
 * Indexes text into doc with Xapian's TermGenerator: lower-cased words with
 * positions, no stemmer. A second call on the same document continues the
 * positions after the first. Text may be NULL only with len 0; a NULL doc
 * is ENGINE_INVALID. Words over 64 bytes are dropped (Xapian's default). */
engine_status engine_doc_index_text_plain(engine_doc *doc, const char *text, size_t len);

/* Parses text with Xapian's QueryParser: default operator OR, no stemmer,
 * FLAG_DEFAULT (phrases in quotes, AND/OR/NOT, +/-). A new query the caller
 * frees with engine_query_free (empty for a text without words), or NULL
 * when text is NULL with len > 0, out of memory, or the parser refused it. */
engine_query *engine_query_parse_plain(const char *text, size_t len);

/* ------------------------------------------------------------------ */
/* Maintenance                                                          */
/* ------------------------------------------------------------------ */

/* Merges the n source databases into a new compact database at dest
 * (xapian-compact). Sources stay readable while this runs. */
engine_status engine_compact(const char *const *sources, size_t n, const char *dest,
                             char **errmsg /* OUT, may be NULL */);

/* ------------------------------------------------------------------ */
/* Following an index that changes (tracuu serve)                       */
/* ------------------------------------------------------------------ */

/* Brings a long-lived reader up to date, cheaply: first stat(2) of every
 * local name the open read (database directories and stub files, symlinks
 * followed), then, when none changed, Xapian's reopen() (a small file read
 * per local shard, one round trip per remote one) and a look at the UUID.
 *
 * *moved = 1 when the handle no longer stands for what its names now mean:
 * a symlink or stub swapped (tracuu compact --swap), a stub rewritten, a
 * directory deleted or replaced, a UUID that changed. Such a handle must
 * not be used again (after a swap Xapian would mix the new revision with
 * the old files): close it and open the names anew. *moved = 0: the handle
 * holds the latest committed revision. A failure (a remote shard gone,
 * ENGINE_NETWORK; the directory deleted meanwhile) also means: open anew. */
engine_status engine_db_refresh(engine_db *db, int *moved /* OUT */);

/* The first half of engine_db_refresh alone: 1 when a local name the open
 * read now stands for another file or directory, or for none (NULL too).
 * Only stat(2), no Xapian call: safe while another thread searches db. */
int engine_db_moved(const engine_db *db);

/* ------------------------------------------------------------------ */
/* Bulk building (indexer/bulk.h)                                       */
/* ------------------------------------------------------------------ */

/* One term of a document gathered on the C side: the bytes base[off ..
 * off+len) of the base handed to engine_doc_add_terms, so that a document's
 * terms live in one buffer and cross into C++ in one call (no allocation
 * or call per term). pos >= 1: a positional occurrence (wdf occurrences
 * counted); pos 0, wdf > 0: a term without position; both 0: boolean. */
typedef struct {
  uint32_t off, len;
  uint32_t pos;
  uint32_t wdf;
} engine_term;

/* Adds the n terms, in order, as engine_doc_add_posting, _add_term and
 * _add_boolean_term would. Every term is checked first: one empty or
 * longer than ENGINE_MAX_TERM is ENGINE_INVALID and nothing is added. On
 * ENGINE_NOMEM the document may hold some of them: free it. */
engine_status engine_doc_add_terms(engine_doc *doc, const char *base, const engine_term *terms,
                                   size_t n);

/* Creates a database at path for a one-shot build (one that exists there
 * is overwritten): no fsync (Xapian's DB_NO_SYNC) and blocks rewritten in
 * place (DB_DANGEROUS). Only for a database nobody reads until it is
 * whole and that is thrown away if the build dies: a crash can leave it
 * unreadable. Failure as engine_writer_open. */
engine_status engine_writer_open_bulk(const char *path, engine_writer **out /* OUT */,
                                      char **errmsg /* OUT, may be NULL */);

/* Puts doc at document id docid (1 or more), replacing any document there,
 * and adds unique_term to it (as engine_writer_replace does). Ids chosen
 * by the caller: a bulk build numbers documents as a sequential one would. */
engine_status engine_writer_put(engine_writer *w, uint64_t docid, const char *unique_term,
                                size_t len, engine_doc *doc);

/* The highest document id ever used (0 for an empty database). */
uint64_t engine_writer_lastdocid(engine_writer *w);

/* Calls cb for every term starting with prefix, in byte order, with the
 * number of documents holding it; stops when cb returns non-zero. */
engine_status engine_writer_allterms(engine_writer *w, const char *prefix, engine_term_cb cb,
                                     void *ctx);

/* The ids of the documents holding term, ascending: *ids malloc'ed (caller
 * frees; NULL when *n is 0). */
engine_status engine_writer_postings(engine_writer *w, const char *term, size_t len,
                                     uint64_t **ids /* OUT */, size_t *n /* OUT */);

/* The document at id from takes id to (replacing any there); from is
 * then deleted. from == to does nothing. keep_slot (-1: none): the value in
 * that slot stays the one of the document at to, when it had one. */
engine_status engine_writer_move(engine_writer *w, uint64_t from, uint64_t to, int keep_slot);

/* Deletes the document with this id; none is not an error. */
engine_status engine_writer_delete_id(engine_writer *w, uint64_t docid);

enum {
  ENGINE_COMPACT_MULTIPASS = 1, /* merge many sources in several passes (Xapian's) */
  ENGINE_COMPACT_KEEP_IDS = 2   /* keep every document id; the sources' id ranges must
                                   not overlap (Xapian's DBCOMPACT_NO_RENUMBER) */
};

/* engine_compact with ENGINE_COMPACT_* flags. */
engine_status engine_compact_flags(const char *const *sources, size_t n, const char *dest,
                                   unsigned flags, char **errmsg /* OUT, may be NULL */);

/* Told of each line of Xapian's check report as it is written ("postlist:"
 * starts a table, "B-tree checked okay" ends one; any other line names a
 * fault): progress for a person. */
typedef void (*engine_check_cb)(void *ctx, const char *line);

/* Xapian's own consistency check (Xapian::Database::check) of the database
 * at path: every block of every table, then the tables against each other
 * (document lengths, term lists and posting lists). A stub file is read
 * like engine_db_open reads it and each local shard is checked; remote
 * shards are left to their own host (cb is told). ENGINE_OK when sound,
 * ENGINE_CORRUPT when not (*report, malloc'ed, caller frees: Xapian's lines
 * that name the faults, or its exception), ENGINE_NO_INDEX / ENGINE_IO when
 * it cannot be read. cb may be NULL; report may be NULL. */
engine_status engine_check(const char *path, engine_check_cb cb, void *ctx,
                           char **report /* OUT, may be NULL */);

/* Calls cb for every document of db in docid order with its stored data
 * (valid during the call); stops when cb returns non-zero. Unlike a search,
 * this reaches documents that lack any particular term. */
typedef int (*engine_doc_cb)(void *ctx, uint64_t docid, const char *data, size_t len);
engine_status engine_db_each_document(engine_db *db, engine_doc_cb cb, void *ctx);

/* Calls cb for every term of the stored document docid (termfreq 0: each
 * frequency would cost a lookup), in byte order; stops when cb returns
 * non-zero. */
engine_status engine_db_document_terms(engine_db *db, uint64_t docid, engine_term_cb cb,
                                       void *ctx);

/* Calls cb for every term of a document under construction (termfreq 0),
 * in byte order; stops when cb returns non-zero. */
engine_status engine_doc_each_term(const engine_doc *doc, engine_term_cb cb, void *ctx);

/* ------------------------------------------------------------------ */
/* Watching for a read that never ends                                  */
/* ------------------------------------------------------------------ */

/* Xapian 1.4.22 loops for ever inside some reads of a damaged block (a
 * B-tree block whose directory end is off by one: the binary search in it
 * never narrows), where no exception and no fault can be had. So each
 * thread counts its way through the engine, for a watchdog: `steps` moves
 * at every entry into and return from an engine function and at every item
 * an iteration hands to its callback; `depth` is how many engine functions
 * the thread is inside. A watchdog that sees depth > 0 and steps unchanged
 * over a bound of the thread's CPU time knows that one step of Xapian's
 * went on that long. Nothing here ever stops a call: the watcher decides. */
typedef struct {
  uint64_t steps;
  uint32_t depth;
} engine_progress;

/* The calling thread's record; valid while the thread lives. */
const engine_progress *engine_thread_progress(void);

/* Reads a record (relaxed atomic loads: async-signal-safe, and fine from
 * another thread while the owner lives). */
void engine_progress_read(const engine_progress *p, uint64_t *steps /* OUT */,
                          uint32_t *depth /* OUT */);

#ifdef __cplusplus
}
#endif

#endif
