/* engine.cc: the one file of tracuu that speaks C++ and includes <xapian.h>.
 *
 * How errors cross the border. Every extern "C" function runs its Xapian work
 * inside guard(), whose catch (...) hands the exception in flight to
 * status_of_exception(): that rethrows it, catches it by class, and returns
 * the engine_status it maps to, with the exception's description stored as
 * the handle's last error message. No exception ever reaches C.
 *
 * The file reads top to bottom like the header: errors, documents, writing,
 * queries, opening and reading, searching (with the recency posting source),
 * results, maintenance.
 */
#include "engine/engine.h"

#include <xapian.h>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

struct engine_doc {
  Xapian::Document doc;
  /* Where engine_doc_index_text_plain goes on (last position it used). */
  Xapian::termpos plain_pos = 0;
};

struct engine_writer {
  Xapian::WritableDatabase db;
  std::string err; /* message of the last call; "" when it succeeded */
  bool dangerous = false; /* opened by engine_writer_open_bulk (DB_DANGEROUS) */
};

namespace {
engine_status dangerous_status(engine_writer *w, engine_status st) noexcept;
}

struct engine_query {
  Xapian::Query q;
};

/* What a local name (a database directory or a stub file, symlinks
 * followed) was when a reader opened it: engine_db_refresh compares. */
struct engine_path_id {
  std::string path;
  dev_t dev;
  ino_t ino;
  off_t size;           /* stub files: rewritten in place shows here ... */
  struct timespec mtime; /* ... or here; 0 for directories */
};

struct engine_db {
  Xapian::Database db;
  std::string err;
  size_t shards = 0; /* leaf databases opened (stubs expanded) */
  std::vector<engine_path_id> paths; /* every local name the open read */
  std::string uuid;                  /* of the revision last read */
};

struct engine_mset {
  /* The Enquire points at the spies without owning them, so they are
   * declared first and destroyed last. */
  std::vector<std::pair<unsigned, std::unique_ptr<Xapian::ValueCountMatchSpy>>> facets;
  /* Kept alive with the MSet: get_matching_terms asks the Enquire. */
  Xapian::Enquire enquire;
  Xapian::MSet mset;
  /* The strings engine_mset_data and engine_mset_value lend out; node-based
   * maps, so a borrowed pointer survives later insertions. */
  std::map<size_t, std::string> data;
  std::map<std::pair<size_t, unsigned>, std::string> values;
  /* First failure of an accessor; sticky until engine_mset_free. */
  mutable engine_status status = ENGINE_OK;
  mutable std::string err;

  explicit engine_mset(const Xapian::Database &db) : enquire(db) {}
};

/* ------------------------------------------------------------------ */
/* Errors                                                               */
/* ------------------------------------------------------------------ */

namespace {

/* Where an exception comes from decides what some classes mean: an
 * InvalidArgumentError or UnimplementedError thrown while a query runs is
 * about the query (the options were checked before). */
enum class Context { general, query };

/* Storing a message must not throw either: on bad_alloc the message is
 * dropped and the status alone tells the story. */
void set_message(std::string *err, const char *text) noexcept {
  if (!err) return;
  try {
    err->assign(text);
  } catch (...) {
    err->clear();
  }
}

void set_message(std::string *err, const Xapian::Error &e) noexcept {
  if (!err) return;
  try {
    *err = e.get_description();
  } catch (...) {
    err->clear();
  }
}

engine_status refuse(std::string *err, engine_status status, const char *why) noexcept {
  set_message(err, why);
  return status;
}

/* strerror_r is the XSI one (int) or the GNU one (char *) depending on the
 * feature macros; overloading on its result type takes whichever we got. */
[[maybe_unused]] const char *strerror_text(int rc, const char *buf) { return rc == 0 ? buf : ""; }
[[maybe_unused]] const char *strerror_text(const char *text, const char *) { return text; }

/* Xapian keeps the errno of a failed system call only as its strerror text
 * (Error::get_error_string), so compare that text with the texts of the
 * errnos that mean "nothing there" or "the disk said no". */
engine_status status_of_errno(const Xapian::Error &e, engine_status fallback) noexcept {
  static const struct {
    int code;
    engine_status status;
  } known[] = {
      {ENOENT, ENGINE_NO_INDEX}, {ENOTDIR, ENGINE_NO_INDEX}, {ENOSPC, ENGINE_IO},
      {EDQUOT, ENGINE_IO},       {EFBIG, ENGINE_IO},         {EACCES, ENGINE_IO},
      {EPERM, ENGINE_IO},        {EROFS, ENGINE_IO},         {EIO, ENGINE_IO},
      {EMFILE, ENGINE_IO},       {ENFILE, ENGINE_IO},
  };
  const char *text = nullptr;
  try {
    text = e.get_error_string(); /* builds its string lazily: may throw */
  } catch (...) {
    return fallback;
  }
  if (!text) return fallback;
  for (const auto &k : known) {
    char buf[256];
    if (std::strcmp(text, strerror_text(strerror_r(k.code, buf, sizeof buf), buf)) == 0)
      return k.status;
  }
  return fallback;
}

/* A plain DatabaseError: the disk (by errno), or else damage that glass
 * reports without the DatabaseCorruptError class: a table file cut short
 * ("EOF reading block N"; test_engine truncates a table), a block that does
 * not inflate ("inflate failed"), keys out of order ("Block N item M: leaf
 * key < left dividing key"), all measured on 1.4.22 with damaged blocks. */
engine_status status_of_database_error(const Xapian::DatabaseError &e) noexcept {
  static const int io[] = {ENOSPC, EDQUOT, EFBIG, EIO, EROFS, EACCES, EMFILE, ENFILE};
  engine_status st = status_of_errno(e, ENGINE_CORRUPT);
  if (st != ENGINE_CORRUPT) return st;
  /* A failed commit nests the disk's error in its message without the
   * errno: "Modifications failed (DatabaseError: Error writing block 89 (No
   * space left on device)), and couldn't open at the old revision". */
  try {
    const std::string msg = e.get_msg();
    for (int code : io) {
      char buf[256];
      const char *text = strerror_text(strerror_r(code, buf, sizeof buf), buf);
      if (*text && msg.find(text) != std::string::npos) return ENGINE_IO;
    }
  } catch (...) {
  }
  return ENGINE_CORRUPT;
}

/* The text after the last ": " of a message, e.g. the strerror glass
 * appends to a lock error ("Couldn't open lockfile: Permission denied")
 * without keeping the errno. */
const char *last_clause(const std::string &msg) noexcept {
  std::string::size_type colon = msg.rfind(": ");
  return colon == std::string::npos ? "" : msg.c_str() + colon + 2;
}

/* A lock that could not be taken: held by another writer (LOCKED), or the
 * lock file could not be written at all, a read-only mount or a directory
 * the user may not write (the disk said no: IO). */
engine_status status_of_lock_error(const Xapian::DatabaseLockError &e) noexcept {
  static const int io[] = {EACCES, EPERM, EROFS, ENOSPC, EDQUOT, EIO};
  engine_status st = status_of_errno(e, ENGINE_LOCKED);
  if (st != ENGINE_LOCKED) return st;
  const char *tail = "";
  try {
    tail = last_clause(e.get_msg());
  } catch (...) {
    return ENGINE_LOCKED;
  }
  for (int code : io) {
    char buf[256];
    if (std::strcmp(tail, strerror_text(strerror_r(code, buf, sizeof buf), buf)) == 0)
      return ENGINE_IO;
  }
  return ENGINE_LOCKED;
}

engine_status fail(std::string *err, const Xapian::Error &e, engine_status status) noexcept {
  set_message(err, e);
  return status;
}

/* Called only inside a catch block: maps the exception in flight. The most
 * derived classes come first (VersionError and NotFoundError are
 * OpeningErrors, every Database*Error is a DatabaseError). */
engine_status status_of_exception(std::string *err, Context ctx) noexcept {
  const bool query = ctx == Context::query;
  try {
    throw;
  } catch (const Xapian::DatabaseLockError &e) {
    return fail(err, e, status_of_lock_error(e));
  } catch (const Xapian::DatabaseModifiedError &e) {
    return fail(err, e, ENGINE_RETRY);
  } catch (const Xapian::DatabaseVersionError &e) {
    return fail(err, e, ENGINE_VERSION);
  } catch (const Xapian::DatabaseNotFoundError &e) {
    return fail(err, e, ENGINE_NO_INDEX);
  } catch (const Xapian::DatabaseCorruptError &e) {
    return fail(err, e, ENGINE_CORRUPT);
  } catch (const Xapian::DatabaseOpeningError &e) {
    return fail(err, e, status_of_errno(e, ENGINE_NO_INDEX));
  } catch (const Xapian::DatabaseCreateError &e) {
    /* Xapian creates no parent directories: ENOENT lands on NO_INDEX. */
    return fail(err, e, status_of_errno(e, ENGINE_IO));
  } catch (const Xapian::DatabaseClosedError &e) {
    return fail(err, e, ENGINE_INTERNAL); /* used after close: a caller bug */
  } catch (const Xapian::DocNotFoundError &e) {
    /* tracuu only asks for documents a posting list of the same revision
     * named: one that is not there is a damaged index (measured: a few
     * damaged postlist blocks name documents the other tables lack). */
    return fail(err, e, ENGINE_CORRUPT);
  } catch (const Xapian::DatabaseError &e) {
    return fail(err, e, status_of_database_error(e));
  } catch (const Xapian::NetworkError &e) { /* NetworkTimeoutError too */
    return fail(err, e, ENGINE_NETWORK);
  } catch (const Xapian::QueryParserError &e) {
    return fail(err, e, ENGINE_BAD_QUERY);
  } catch (const Xapian::InvalidArgumentError &e) {
    return fail(err, e, query ? ENGINE_BAD_QUERY : ENGINE_INVALID);
  } catch (const Xapian::UnimplementedError &e) {
    return fail(err, e, query ? ENGINE_BAD_QUERY : ENGINE_INTERNAL);
  } catch (const Xapian::InvalidOperationError &e) {
    return fail(err, e, ENGINE_INVALID); /* a caller bug, e.g. commit in a transaction */
  } catch (const Xapian::Error &e) {
    return fail(err, e, ENGINE_INTERNAL);
  } catch (const std::bad_alloc &) {
    return refuse(err, ENGINE_NOMEM, "out of memory");
  } catch (const std::length_error &) {
    /* A length no string can have: Xapian 1.4.22 read it from a damaged
     * block (measured: a postlist block whose directory end is off by one
     * gives "basic_string::append" in stats). Nothing of tracuu's own asks
     * for such a length. */
    return refuse(err, ENGINE_CORRUPT,
                  "a length read from the index is impossible (std::length_error)");
  } catch (const std::exception &e) {
    return refuse(err, ENGINE_INTERNAL, e.what());
  } catch (...) {
    return refuse(err, ENGINE_INTERNAL, "unknown C++ exception");
  }
}

/* The calling thread's engine_progress (engine.h): written only by its own
 * thread, with relaxed atomic stores, so that its signal handlers and other
 * threads may read it. A plain aggregate: zeroed, no TLS constructor. */
thread_local engine_progress progress;

void progress_step() noexcept {
  __atomic_store_n(&progress.steps, progress.steps + 1, __ATOMIC_RELAXED);
}

/* One engine function under way on this thread, for its lifetime. */
struct in_engine {
  in_engine() noexcept {
    progress_step();
    __atomic_store_n(&progress.depth, progress.depth + 1, __ATOMIC_RELAXED);
  }
  ~in_engine() {
    __atomic_store_n(&progress.depth, progress.depth - 1, __ATOMIC_RELAXED);
    progress_step();
  }
  in_engine(const in_engine &) = delete;
  in_engine &operator=(const in_engine &) = delete;
};

/* Runs body (which returns an engine_status) with every exception mapped.
 * err, if not NULL, is cleared first and holds the message of a failure. */
template <typename Body>
engine_status guard(std::string *err, Context ctx, Body &&body) noexcept {
  const in_engine watched;
  if (err) err->clear();
  try {
    return body();
  } catch (...) {
    return status_of_exception(err, ctx);
  }
}

template <typename Body>
engine_status guard(std::string *err, Body &&body) noexcept {
  return guard(err, Context::general, std::forward<Body>(body));
}

/* For the constructors that can only say NULL (documents, queries). */
template <typename Make>
auto new_or_null(Make &&make) noexcept -> decltype(make()) {
  try {
    return make();
  } catch (...) {
    return nullptr;
  }
}

/* A malloc'ed copy for C (caller frees); NULL when out of memory. */
char *c_string(const std::string &s) noexcept {
  char *p = static_cast<char *>(std::malloc(s.size() + 1));
  if (p) {
    std::memcpy(p, s.data(), s.size());
    p[s.size()] = '\0';
  }
  return p;
}

/* The failure report of a constructor: "name: message", malloc'ed. */
engine_status hand_over_error(char **errmsg, const char *name, const std::string &msg,
                              engine_status status) noexcept {
  if (!errmsg) return status;
  try {
    *errmsg = c_string(std::string(name ? name : "(null)") + ": " + msg);
  } catch (...) {
    *errmsg = nullptr;
  }
  return status;
}

/* Xapian cannot store a term over ENGINE_MAX_TERM bytes, and learning that
 * inside replace_document throws away the writer's whole uncommitted batch.
 * So each term is checked on its way into a document. Empty terms are
 * refused as well (Xapian rejects them, and as a query "" means all). */
bool term_ok(const char *term, size_t len) {
  return term && len > 0 && len <= ENGINE_MAX_TERM;
}

/* (pointer, length) bytes where NULL is fine for length 0. */
bool bytes_ok(const char *p, size_t len) { return p || len == 0; }
std::string bytes(const char *p, size_t len) { return p ? std::string(p, len) : std::string(); }

/* Feeds a TermIterator range to a C callback until it asks to stop; freq
 * says which count goes with each term. */
template <typename Freq>
void each_term(Xapian::TermIterator it, const Xapian::TermIterator &end, engine_term_cb cb,
               void *ctx, Freq &&freq) {
  for (; it != end; ++it) {
    const std::string term = *it;
    progress_step();
    if (cb(ctx, term.data(), term.size(), freq(it, term))) break;
  }
}

}  // namespace

extern "C" {

const char *engine_strerror(engine_status status) {
  switch (status) {
    case ENGINE_OK: return "success";
    case ENGINE_LOCKED: return "database is locked by another writer";
    case ENGINE_RETRY: return "database changed while reading: reopen and retry";
    case ENGINE_BAD_QUERY: return "query cannot be run";
    case ENGINE_NO_INDEX: return "no database at that path";
    case ENGINE_CORRUPT: return "database files are damaged";
    case ENGINE_VERSION: return "database format not supported by this Xapian";
    case ENGINE_INVALID: return "invalid argument";
    case ENGINE_IO: return "input/output error (disk full, read-only or permission)";
    case ENGINE_NETWORK: return "remote database failed or timed out";
    case ENGINE_NOMEM: return "out of memory";
    case ENGINE_INTERNAL: return "internal error in the search engine";
  }
  return "unknown engine status";
}

const char *engine_version(void) { return Xapian::version_string(); }

size_t engine_sortable_serialise(double v, char *out) {
  if (!out) return 0;
  try {
    const std::string key = Xapian::sortable_serialise(v); /* at most 9 bytes */
    std::memcpy(out, key.data(), key.size());
    return key.size();
  } catch (...) {
    return 0;
  }
}

double engine_sortable_unserialise(const char *p, size_t len) {
  if (!p) return 0.0;
  try {
    return Xapian::sortable_unserialise(std::string(p, len));
  } catch (...) {
    return 0.0;
  }
}

/* ------------------------------------------------------------------ */
/* Documents                                                            */
/* ------------------------------------------------------------------ */

engine_doc *engine_doc_new(void) {
  return new_or_null([] { return new engine_doc; });
}

void engine_doc_free(engine_doc *doc) { delete doc; }

engine_status engine_doc_add_posting(engine_doc *doc, const char *term, size_t len,
                                     uint32_t pos, uint32_t wdf_inc) {
  if (!doc || !term_ok(term, len) || pos == 0) return ENGINE_INVALID;
  return guard(nullptr, [&] {
    doc->doc.add_posting(std::string(term, len), pos, wdf_inc);
    return ENGINE_OK;
  });
}

engine_status engine_doc_add_term(engine_doc *doc, const char *term, size_t len,
                                  uint32_t wdf_inc) {
  if (!doc || !term_ok(term, len)) return ENGINE_INVALID;
  return guard(nullptr, [&] {
    doc->doc.add_term(std::string(term, len), wdf_inc);
    return ENGINE_OK;
  });
}

engine_status engine_doc_add_boolean_term(engine_doc *doc, const char *term, size_t len) {
  if (!doc || !term_ok(term, len)) return ENGINE_INVALID;
  return guard(nullptr, [&] {
    doc->doc.add_boolean_term(std::string(term, len));
    return ENGINE_OK;
  });
}

engine_status engine_doc_set_value(engine_doc *doc, unsigned slot, const char *value,
                                   size_t len) {
  if (!doc || slot == Xapian::BAD_VALUENO || !bytes_ok(value, len)) return ENGINE_INVALID;
  return guard(nullptr, [&] {
    doc->doc.add_value(slot, bytes(value, len));
    return ENGINE_OK;
  });
}

engine_status engine_doc_set_data(engine_doc *doc, const char *data, size_t len) {
  if (!doc || !bytes_ok(data, len)) return ENGINE_INVALID;
  return guard(nullptr, [&] {
    doc->doc.set_data(bytes(data, len));
    return ENGINE_OK;
  });
}

}  // extern "C"

/* ------------------------------------------------------------------ */
/* Writing                                                              */
/* ------------------------------------------------------------------ */

namespace {

/* Xapian's limit on a metadata key is 253 bytes, and a longer one throws
 * without harming the batch (measured); one limit for every key is simpler. */
bool key_ok(const char *key) {
  return key && *key && std::strlen(key) <= ENGINE_MAX_TERM;
}

/* Shared by the writer and the reader: a WritableDatabase is a Database. */
engine_status get_metadata(const Xapian::Database &db, std::string *err, const char *key,
                           char **value) {
  if (!value) return refuse(err, ENGINE_INVALID, "no place for the metadata value");
  *value = nullptr;
  if (!key_ok(key)) return refuse(err, ENGINE_INVALID, "metadata key empty or too long");
  return guard(err, [&] {
    *value = c_string(db.get_metadata(key));
    return *value ? ENGINE_OK : refuse(err, ENGINE_NOMEM, "out of memory");
  });
}

/* A copy of v for C: malloc'ed, NULL when v is empty. */
engine_status hand_over_value(std::string *err, const std::string &v, char **value, size_t *len) {
  *len = 0;
  if (v.empty()) return ENGINE_OK;
  *value = static_cast<char *>(std::malloc(v.size()));
  if (!*value) return refuse(err, ENGINE_NOMEM, "out of memory");
  std::memcpy(*value, v.data(), v.size());
  *len = v.size();
  return ENGINE_OK;
}

engine_status value_upper_bound(const Xapian::Database &db, std::string *err, unsigned slot,
                                char **value, size_t *len) {
  if (!value || !len) return refuse(err, ENGINE_INVALID, "no place for the value");
  *value = nullptr;
  *len = 0;
  return guard(err, [&] { return hand_over_value(err, db.get_value_upper_bound(slot), value, len); });
}

}  // namespace

extern "C" {

engine_status engine_writer_open(const char *path, int flags, engine_writer **out,
                                 char **errmsg) {
  if (errmsg) *errmsg = nullptr;
  if (!out) return ENGINE_INVALID;
  *out = nullptr;
  if (!path || !*path || (flags != ENGINE_OPEN_EXISTING && flags != ENGINE_CREATE))
    return hand_over_error(errmsg, path, "no path or unknown flags", ENGINE_INVALID);
  const int action = flags == ENGINE_CREATE ? Xapian::DB_CREATE_OR_OPEN : Xapian::DB_OPEN;
  std::unique_ptr<engine_writer> w;
  std::string msg;
  engine_status st = guard(&msg, [&] {
    w.reset(new engine_writer{Xapian::WritableDatabase(path, action), std::string()});
    return ENGINE_OK;
  });
  if (st != ENGINE_OK) return hand_over_error(errmsg, path, msg, st);
  *out = w.release();
  return ENGINE_OK;
}

engine_status engine_writer_replace(engine_writer *w, const char *unique_term, size_t len,
                                    engine_doc *doc) {
  if (!w) return ENGINE_INVALID;
  if (!doc || !term_ok(unique_term, len))
    return refuse(&w->err, ENGINE_INVALID, "no document, or unique term empty or too long");
  return guard(&w->err, [&] {
    const std::string id(unique_term, len);
    doc->doc.add_boolean_term(id); /* replace_document does not add it */
    w->db.replace_document(id, doc->doc);
    return ENGINE_OK;
  });
}

engine_status engine_writer_delete(engine_writer *w, const char *unique_term, size_t len) {
  if (!w) return ENGINE_INVALID;
  if (!term_ok(unique_term, len))
    return refuse(&w->err, ENGINE_INVALID, "unique term empty or too long");
  return guard(&w->err, [&] {
    w->db.delete_document(std::string(unique_term, len));
    return ENGINE_OK;
  });
}

engine_status engine_writer_commit(engine_writer *w) {
  if (!w) return ENGINE_INVALID;
  engine_status st = guard(&w->err, [&] {
    w->db.commit();
    return ENGINE_OK;
  });
  return w->dangerous ? dangerous_status(w, st) : st;
}

engine_status engine_writer_set_metadata(engine_writer *w, const char *key, const char *value) {
  if (!w) return ENGINE_INVALID;
  if (!key_ok(key) || !value)
    return refuse(&w->err, ENGINE_INVALID, "metadata key empty or too long, or no value");
  return guard(&w->err, [&] {
    w->db.set_metadata(key, value);
    return ENGINE_OK;
  });
}

engine_status engine_writer_get_metadata(engine_writer *w, const char *key, char **value) {
  if (!w) {
    if (value) *value = nullptr;
    return ENGINE_INVALID;
  }
  return get_metadata(w->db, &w->err, key, value);
}

uint64_t engine_writer_doccount(engine_writer *w) {
  uint64_t n = 0;
  if (w) guard(&w->err, [&] {
      n = w->db.get_doccount();
      return ENGINE_OK;
    });
  return n;
}

engine_status engine_writer_get_value(engine_writer *w, const char *unique_term, size_t tlen,
                                      unsigned slot, char **value, size_t *len) {
  if (!w) return ENGINE_INVALID;
  if (!value || !len || !term_ok(unique_term, tlen))
    return refuse(&w->err, ENGINE_INVALID, "no place for the value, or a bad unique term");
  *value = nullptr;
  *len = 0;
  return guard(&w->err, [&] {
    const std::string id(unique_term, tlen);
    Xapian::PostingIterator p = w->db.postlist_begin(id);
    if (p == w->db.postlist_end(id)) return ENGINE_OK;
    return hand_over_value(&w->err, w->db.get_document(*p).get_value(slot), value, len);
  });
}

engine_status engine_writer_value_upper_bound(engine_writer *w, unsigned slot, char **value,
                                              size_t *len) {
  if (!w) return ENGINE_INVALID;
  return value_upper_bound(w->db, &w->err, slot, value, len);
}

engine_status engine_writer_close(engine_writer *w) {
  if (!w) return ENGINE_OK;
  /* An explicit commit, because the destructor's implicit one swallows
   * errors; the destructor then releases the lock. */
  engine_status st = engine_writer_commit(w);
  delete w;
  return st;
}

const char *engine_writer_errmsg(const engine_writer *w) { return w ? w->err.c_str() : ""; }

/* ------------------------------------------------------------------ */
/* Queries                                                              */
/* ------------------------------------------------------------------ */

}  // extern "C"

namespace {

bool xapian_op(engine_query_op op, Xapian::Query::op *out) {
  switch (op) {
    case ENGINE_OP_AND: *out = Xapian::Query::OP_AND; return true;
    case ENGINE_OP_OR: *out = Xapian::Query::OP_OR; return true;
    case ENGINE_OP_AND_NOT: *out = Xapian::Query::OP_AND_NOT; return true;
    case ENGINE_OP_AND_MAYBE: *out = Xapian::Query::OP_AND_MAYBE; return true;
    case ENGINE_OP_FILTER: *out = Xapian::Query::OP_FILTER; return true;
    case ENGINE_OP_PHRASE: *out = Xapian::Query::OP_PHRASE; return true;
    case ENGINE_OP_NEAR: *out = Xapian::Query::OP_NEAR; return true;
    case ENGINE_OP_SYNONYM: *out = Xapian::Query::OP_SYNONYM; return true;
    case ENGINE_OP_MAX: *out = Xapian::Query::OP_MAX; return true;
  }
  return false;
}

Xapian::Query value_range(unsigned slot, const std::string *lo, const std::string *hi) {
  if (lo && hi) return Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot, *lo, *hi);
  if (lo) return Xapian::Query(Xapian::Query::OP_VALUE_GE, slot, *lo);
  if (hi) return Xapian::Query(Xapian::Query::OP_VALUE_LE, slot, *hi);
  return Xapian::Query::MatchAll; /* what Xapian makes of OP_VALUE_GE "" */
}

}  // namespace

extern "C" {

engine_query *engine_query_term(const char *term, size_t len, uint32_t wqf) {
  if (!term || len == 0) return nullptr; /* Query("") would match every document */
  return new_or_null([&] { return new engine_query{Xapian::Query(std::string(term, len), wqf)}; });
}

engine_query *engine_query_combine(engine_query_op op, engine_query *const *subs, size_t n,
                                   unsigned window) {
  Xapian::Query::op xop;
  if (!xapian_op(op, &xop) || (n > 0 && !subs)) return nullptr;
  for (size_t i = 0; i < n; i++)
    if (!subs[i]) return nullptr;
  const bool windowed = op == ENGINE_OP_PHRASE || op == ENGINE_OP_NEAR;
  return new_or_null([&] {
    std::vector<Xapian::Query> v;
    v.reserve(n);
    for (size_t i = 0; i < n; i++) v.push_back(subs[i]->q);
    /* window 0 is Xapian's "as many as there are subqueries" too. */
    return new engine_query{Xapian::Query(xop, v.begin(), v.end(), windowed ? window : 0)};
  });
}

engine_query *engine_query_scale(const engine_query *q, double factor) {
  if (!q || !(factor >= 0.0) || !std::isfinite(factor)) return nullptr;
  return new_or_null(
      [&] { return new engine_query{Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q->q, factor)}; });
}

engine_query *engine_query_value_range_n(unsigned slot, const char *lo, size_t lo_len,
                                         const char *hi, size_t hi_len) {
  if (slot == Xapian::BAD_VALUENO) return nullptr;
  return new_or_null([&] {
    const std::string l = bytes(lo, lo_len), h = bytes(hi, hi_len);
    return new engine_query{value_range(slot, lo ? &l : nullptr, hi ? &h : nullptr)};
  });
}

engine_query *engine_query_value_range(unsigned slot, const char *lo, const char *hi) {
  return engine_query_value_range_n(slot, lo, lo ? std::strlen(lo) : 0, hi,
                                    hi ? std::strlen(hi) : 0);
}

engine_query *engine_query_match_all(void) {
  return new_or_null([] { return new engine_query{Xapian::Query::MatchAll}; });
}

engine_query *engine_query_match_nothing(void) {
  return new_or_null([] { return new engine_query{Xapian::Query::MatchNothing}; });
}

int engine_query_is_empty(const engine_query *q) { return !q || q->q.empty(); }

char *engine_query_describe(const engine_query *q) {
  if (!q) return nullptr;
  return new_or_null([&] { return c_string(q->q.get_description()); });
}

void engine_query_free(engine_query *q) { delete q; }

/* ------------------------------------------------------------------ */
/* Opening and reading                                                  */
/* ------------------------------------------------------------------ */

}  // extern "C"

namespace {

/* "HOST:PORT" after "tcp:"; HOST may be a bracketed IPv6 address. */
bool parse_host_port(const char *spec, std::string *host, unsigned *port) {
  const char *colon = std::strrchr(spec, ':');
  if (!colon || colon == spec || !colon[1]) return false;
  char *end = nullptr;
  errno = 0;
  unsigned long p = std::strtoul(colon + 1, &end, 10);
  if (errno || *end || p == 0 || p > 65535 || colon[1] == '-' || colon[1] == '+') return false;
  host->assign(spec, colon);
  if (host->size() >= 2 && host->front() == '[' && host->back() == ']')
    *host = host->substr(1, host->size() - 2);
  *port = static_cast<unsigned>(p);
  return !host->empty();
}

engine_status open_remote(const char *spec, unsigned timeout_ms, Xapian::Database *shard,
                          std::string *err) {
  std::string host;
  unsigned port = 0;
  if (!parse_host_port(spec, &host, &port))
    return refuse(err, ENGINE_INVALID, "remote database name is not tcp:HOST:PORT");
#ifdef XAPIAN_HAS_REMOTE_BACKEND
  /* Declared as useconds_t, but Xapian 1.4.22 reads both timeouts as
   * MILLIseconds (its own comment says so; a 300 against a listener that
   * never answers gave up after 0.30 s, and test_engine checks that). */
  const useconds_t ms = timeout_ms ? timeout_ms : 10000;
  *shard = Xapian::Remote::open(host, port, ms, ms);
  return ENGINE_OK;
#else
  (void)timeout_ms;
  (void)shard;
  return refuse(err, ENGINE_INVALID, "this Xapian was built without the remote backend");
#endif
}

/* How one engine_db_open_opts call goes: its options and what it found. */
struct open_state {
  unsigned timeout_ms = 0;
  const engine_open_opts *opts = nullptr; /* NULL: every shard must open */
  size_t opened = 0, skipped = 0;
  std::string last_skip;                  /* the message of the last shard left out */
  std::vector<engine_path_id> *paths = nullptr; /* where to note each local name */
};

/* Stubs may name stubs; this bounds a stub that (indirectly) names itself. */
constexpr int kMaxStubDepth = 8;
/* A stub is a few lines per shard; anything bigger is not a stub. */
constexpr std::streamoff kMaxStubBytes = 1 << 20;

engine_status add_named(Xapian::Database *all, const std::string &name, open_state *os,
                        std::string *err, int depth);
void note_path(std::vector<engine_path_id> *paths, const std::string &name, const struct stat &st);

/* A relative path in a stub is relative to the stub's own directory (as
 * Xapian reads stubs). */
std::string stub_relative(const std::string &stub, const std::string &path) {
  if (path.empty() || path[0] == '/') return path;
  std::string::size_type slash = stub.rfind('/');
  return slash == std::string::npos ? path : stub.substr(0, slash + 1) + path;
}

/* One line of a stub file as tracuu reads it: "auto PATH", "glass PATH",
 * "remote HOST:PORT" or "remote :PROGRAM ARGS". Returns false for the
 * types tracuu leaves to Xapian (chert, inmemory, ...). */
bool split_stub_line(const std::string &line, std::string *type, std::string *rest) {
  std::string::size_type space = line.find(' ');
  *type = line.substr(0, space);
  *rest = space == std::string::npos ? std::string() : line.substr(space + 1);
  return *type == "auto" || *type == "glass" || *type == "remote";
}

/* The lines of the stub at path, or false when it should go to Xapian whole. */
bool read_stub(const std::string &path, std::vector<std::string> *lines) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in || in.tellg() > kMaxStubBytes) return false;
  in.seekg(0);
  std::string line, type, rest;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    if (!split_stub_line(line, &type, &rest)) return false;
    lines->push_back(line);
  }
  return !in.bad();
}

/* Opens one leaf: "tcp" (HOST:PORT of a --db tcp:HOST:PORT), "remote" (a
 * stub's remote line), or a database directory. */
engine_status open_leaf(const std::string &type, const std::string &rest, unsigned timeout_ms,
                        Xapian::Database *shard, std::string *err) {
  if (type == "tcp") return open_remote(rest.c_str(), timeout_ms, shard, err);
  if (type != "remote") {
    *shard = Xapian::Database(rest);
    return ENGINE_OK;
  }
  if (rest.compare(0, 5, ":tcp ") == 0)
    return refuse(err, ENGINE_INVALID,
                  "\"remote :tcp HOST:PORT\" would run a program called tcp: write "
                  "\"remote HOST:PORT\" for xapian-tcpsrv");
  if (rest.empty() || rest[0] != ':') return open_remote(rest.c_str(), timeout_ms, shard, err);
#ifdef XAPIAN_HAS_REMOTE_BACKEND
  /* ":PROGRAM ARGS", e.g. ":ssh host xapian-progsrv /srv/shard-0" */
  std::string::size_type space = rest.find(' ');
  std::string prog = rest.substr(1, space == std::string::npos ? space : space - 1);
  std::string args = space == std::string::npos ? std::string() : rest.substr(space + 1);
  *shard = Xapian::Remote::open(prog, args, timeout_ms ? timeout_ms : 10000);
  return ENGINE_OK;
#else
  return refuse(err, ENGINE_INVALID, "this Xapian was built without the remote backend");
#endif
}

/* Opens one leaf and adds it to all, or leaves it out when the caller
 * allows partial results and the leaf is out of reach (and only then: a
 * missing or damaged local shard is a fault to fix, not an outage). */
/* "Nothing there" from a directory the user may not look into is not a
 * missing index: Xapian finds no database in a directory it may not
 * search and says "Couldn't detect type of database", without the errno. */
engine_status denied_or(const std::string &path, engine_status st, std::string *msg) {
  if (st != ENGINE_NO_INDEX) return st;
  struct stat sb;
  const bool gone = ::stat(path.c_str(), &sb) != 0;
  if (gone ? errno != EACCES : !S_ISDIR(sb.st_mode) || ::access(path.c_str(), R_OK | X_OK) == 0)
    return st;
  set_message(msg, "Permission denied: this user may not read the directory");
  return ENGINE_IO;
}

engine_status add_leaf(Xapian::Database *all, const std::string &type, const std::string &rest,
                       const std::string &label, open_state *os, std::string *err) {
  Xapian::Database shard;
  std::string msg;
  engine_status st = guard(&msg, [&] { return open_leaf(type, rest, os->timeout_ms, &shard, &msg); });
  if (type == "auto" || type == "glass") st = denied_or(rest, st, &msg);
  if (st == ENGINE_NETWORK && os->opts && os->opts->allow_partial) {
    os->skipped++;
    os->last_skip = label + ": " + msg;
    if (os->opts->on_skip) os->opts->on_skip(os->opts->ctx, label.c_str(), st, msg.c_str());
    return ENGINE_OK;
  }
  if (st != ENGINE_OK) {
    *err = msg;
    return st;
  }
  all->add_database(shard);
  os->opened++;
  return ENGINE_OK;
}

/* Reads a stub file line by line, so that remote lines get the caller's
 * timeout (Xapian's own stub reader gives them its default of 10 s) and a
 * remote shard that is down can be left out alone. A stub with lines of
 * other types goes to Xapian whole, as before. */
engine_status add_stub(Xapian::Database *all, const std::string &path, open_state *os,
                       std::string *err, int depth) {
  std::vector<std::string> lines;
  if (!read_stub(path, &lines)) return add_leaf(all, "auto", path, path, os, err);
  std::string type, rest;
  engine_status st = ENGINE_OK;
  for (size_t i = 0; st == ENGINE_OK && i < lines.size(); i++) {
    split_stub_line(lines[i], &type, &rest);
    if (type == "remote")
      st = add_leaf(all, type, rest, (rest[0] == ':' ? "remote " : "tcp:") + rest, os, err);
    else st = add_named(all, stub_relative(path, rest), os, err, depth + 1);
  }
  return st;
}

/* Adds one named database to all: "tcp:HOST:PORT" goes to the remote
 * backend, a regular file is a stub, anything else (a database directory)
 * goes to Xapian. */
engine_status add_named(Xapian::Database *all, const std::string &name, open_state *os,
                        std::string *err, int depth) {
  if (name.empty()) return refuse(err, ENGINE_INVALID, "empty database name");
  if (depth > kMaxStubDepth) return refuse(err, ENGINE_INVALID, "stub files nested too deep");
  if (name.compare(0, 4, "tcp:") == 0) return add_leaf(all, "tcp", name.substr(4), name, os, err);
  struct stat st;
  const bool found = ::stat(name.c_str(), &st) == 0;
  if (found && os->paths) note_path(os->paths, name, st);
  if (found && S_ISREG(st.st_mode)) return add_stub(all, name, os, err, depth);
  return add_leaf(all, "auto", name, name, os, err);
}

/* Adds one named database to all (engine_compact's sources). */
engine_status add_shard(Xapian::Database *all, const char *name, unsigned timeout_ms,
                        std::string *err) {
  open_state os;
  os.timeout_ms = timeout_ms;
  return add_named(all, name ? name : "", &os, err, 0);
}

}  // namespace

extern "C" {

engine_status engine_db_open_opts(const char *const *names, size_t n, const engine_open_opts *opts,
                                  engine_db **out, char **errmsg) {
  if (errmsg) *errmsg = nullptr;
  if (!out) return ENGINE_INVALID;
  *out = nullptr;
  if (!names || n == 0) return hand_over_error(errmsg, "", "no database named", ENGINE_INVALID);
  std::unique_ptr<engine_db> db;
  std::string msg;
  const char *culprit = names[0]; /* the name the error message starts with */
  open_state os;
  os.timeout_ms = opts ? opts->timeout_ms : 0;
  os.opts = opts;
  engine_status st = guard(&msg, [&] {
    db.reset(new engine_db);
    os.paths = &db->paths;
    engine_status rc = ENGINE_OK;
    for (size_t i = 0; rc == ENGINE_OK && i < n; i++) {
      culprit = names[i];
      rc = add_named(&db->db, names[i] ? names[i] : "", &os, &msg, 0);
    }
    return rc;
  });
  if (st == ENGINE_OK && os.opened == 0 && os.skipped > 0) {
    /* Partial results from no shard at all are no results: say why. */
    return hand_over_error(errmsg, "every shard", "out of reach; the last: " + os.last_skip,
                           ENGINE_NETWORK);
  }
  if (st == ENGINE_OK) st = guard(&msg, [&] {
      db->uuid = db->db.get_uuid();
      return ENGINE_OK;
    });
  if (st != ENGINE_OK) return hand_over_error(errmsg, culprit, msg, st);
  db->shards = os.opened;
  *out = db.release();
  return ENGINE_OK;
}

engine_status engine_db_open(const char *const *names, size_t n, unsigned timeout_ms,
                             engine_db **out, char **errmsg) {
  engine_open_opts opts = {timeout_ms, 0, nullptr, nullptr};
  return engine_db_open_opts(names, n, &opts, out, errmsg);
}

size_t engine_db_shards(const engine_db *db) { return db ? db->shards : 0; }

void engine_db_close(engine_db *db) { delete db; }

const char *engine_db_errmsg(const engine_db *db) { return db ? db->err.c_str() : ""; }

engine_status engine_db_reopen(engine_db *db) {
  if (!db) return ENGINE_INVALID;
  return guard(&db->err, [&] {
    db->db.reopen();
    return ENGINE_OK;
  });
}

engine_status engine_db_retry_reopen(engine_db *db) {
  if (!db) return ENGINE_INVALID;
  return guard(&db->err, [&] {
    if (db->db.reopen()) return ENGINE_OK;
    /* Nothing newer was committed: the revision that "was discarded" is
     * the one on disk, so a block of it is damaged. */
    return refuse(&db->err, ENGINE_CORRUPT,
                  "DatabaseCorruptError: a block of the index names a revision that does "
                  "not exist (Xapian reads it as \"modified\"; no writer changed it)");
  });
}

uint64_t engine_db_doccount(engine_db *db) {
  uint64_t n = 0;
  if (db) guard(&db->err, [&] {
      n = db->db.get_doccount();
      return ENGINE_OK;
    });
  return n;
}

uint64_t engine_db_termfreq(engine_db *db, const char *term, size_t len) {
  uint64_t n = 0;
  /* Not Xapian's get_termfreq(""), which counts every document. */
  if (db && term && len > 0) guard(&db->err, [&] {
      n = db->db.get_termfreq(std::string(term, len));
      return ENGINE_OK;
    });
  return n;
}

engine_query *engine_query_rarest(engine_db *db, engine_query *const *subs, size_t n, size_t k) {
  if (!db || (n > 0 && !subs)) return nullptr;
  for (size_t i = 0; i < n; i++)
    if (!subs[i]) return nullptr;
  return new_or_null([&] {
    std::vector<std::pair<Xapian::doccount, size_t>> rank; /* (rarest count, index) */
    try {
      for (size_t i = 0; i < n; i++) {
        Xapian::doccount rarest = 0;
        const Xapian::Query &q = subs[i]->q;
        for (auto t = q.get_unique_terms_begin(); t != q.get_unique_terms_end(); ++t) {
          Xapian::doccount tf = db->db.get_termfreq(*t);
          if (tf && (!rarest || tf < rarest)) rarest = tf;
        }
        if (rarest) rank.emplace_back(rarest, i);
      }
      std::stable_sort(rank.begin(), rank.end(),
                       [](const auto &a, const auto &b) { return a.first < b.first; });
      if (rank.size() > k) rank.resize(k);
      /* back in the order given: the same query, described the same way */
      std::sort(rank.begin(), rank.end(),
                [](const auto &a, const auto &b) { return a.second < b.second; });
    } catch (const std::bad_alloc &) {
      throw;
    } catch (const Xapian::Error &) { /* no counts: every subquery */
      rank.clear();
      for (size_t i = 0; i < n; i++) rank.emplace_back(0, i);
    }
    std::vector<Xapian::Query> v;
    v.reserve(rank.size());
    for (const auto &r : rank) v.push_back(subs[r.second]->q);
    return new engine_query{Xapian::Query(Xapian::Query::OP_OR, v.begin(), v.end())};
  });
}

engine_status engine_db_get_metadata(engine_db *db, const char *key, char **value) {
  if (!db) {
    if (value) *value = nullptr;
    return ENGINE_INVALID;
  }
  /* A Database of several shards reads metadata from the first one. */
  return get_metadata(db->db, &db->err, key, value);
}

engine_status engine_db_value_upper_bound(engine_db *db, unsigned slot, char **value,
                                          size_t *len) {
  if (!db) return ENGINE_INVALID;
  /* a Database of several shards gives the largest of theirs */
  return value_upper_bound(db->db, &db->err, slot, value, len);
}

engine_status engine_db_allterms(engine_db *db, const char *prefix, engine_term_cb cb,
                                 void *ctx) {
  if (!db) return ENGINE_INVALID;
  if (!cb) return refuse(&db->err, ENGINE_INVALID, "no callback");
  return guard(&db->err, [&] {
    const std::string p(prefix ? prefix : "");
    each_term(db->db.allterms_begin(p), db->db.allterms_end(p), cb, ctx,
              [](const Xapian::TermIterator &it, const std::string &) {
                return uint64_t(it.get_termfreq());
              });
    return ENGINE_OK;
  });
}

/* ------------------------------------------------------------------ */
/* Searching                                                            */
/* ------------------------------------------------------------------ */

void engine_search_opts_init(engine_search_opts *opts) {
  if (!opts) return;
  std::memset(opts, 0, sizeof *opts);
  opts->limit = 10;
  opts->sort = ENGINE_SORT_RELEVANCE;
  opts->sort_slot = -1;
  opts->recency_slot = -1;
}

}  // extern "C"

namespace {

/* weight = recency_weight * 0.5 ^ (max(0, now - value) / halflife), for the
 * documents with a value in the slot; ValuePostingSource walks the slot's
 * value stream for us. Combined with the user query by OP_AND_MAYBE, so it
 * re-weights matches and never adds any. Not usable on remote shards:
 * xapian-tcpsrv does not know this class (the search then fails with
 * ENGINE_BAD_QUERY, "serialise() not supported for this PostingSource"). */
class RecencySource : public Xapian::ValuePostingSource {
 public:
  RecencySource(Xapian::valueno date_slot, double now, double halflife, double weight)
      : Xapian::ValuePostingSource(date_slot), now_(now), halflife_(halflife), weight_(weight) {}

  void init(const Xapian::Database &database) override {
    Xapian::ValuePostingSource::init(database);
    /* Exact: a document dated now (or later) gets the full weight. The
     * matcher prunes with this bound, so it must never be too small. */
    set_maxweight(weight_);
  }

  double get_weight() const override {
    const double age = std::max(0.0, now_ - Xapian::sortable_unserialise(get_value()));
    return weight_ * std::pow(0.5, age / halflife_);
  }

  /* One copy per shard: Xapian inits each with its sub-database. */
  RecencySource *clone() const override {
    return new RecencySource(get_slot(), now_, halflife_, weight_);
  }

  std::string get_description() const override {
    return "RecencySource(slot " + std::to_string(get_slot()) + ", now " +
           std::to_string(now_) + ", halflife " + std::to_string(halflife_) + ", weight " +
           std::to_string(weight_) + ")";
  }

 private:
  double now_, halflife_, weight_;
};

bool nonneg(double x) { return std::isfinite(x) && x >= 0.0; }

/* The options are checked here, before Xapian sees them, so that whatever
 * Xapian throws during the search can be blamed on the query. */
engine_status check_opts(const engine_search_opts &o, std::string *err) {
  if (o.sort != ENGINE_SORT_RELEVANCE && o.sort != ENGINE_SORT_VALUE)
    return refuse(err, ENGINE_INVALID, "unknown sort order");
  if (o.sort == ENGINE_SORT_VALUE && o.sort_slot < 0)
    return refuse(err, ENGINE_INVALID, "sorting by value needs sort_slot");
  if (!nonneg(o.bm25_k1) || !nonneg(o.bm25_k2) || !nonneg(o.bm25_k3) || !nonneg(o.bm25_b) ||
      o.bm25_b > 1.0 || !nonneg(o.bm25_min_normlen))
    return refuse(err, ENGINE_INVALID, "BM25 parameters must be >= 0 (b <= 1)");
  if (!nonneg(o.recency_weight))
    return refuse(err, ENGINE_INVALID, "recency_weight must be >= 0");
  if (o.recency_weight > 0.0 &&
      (o.recency_slot < 0 || !std::isfinite(o.recency_now) ||
       !(std::isfinite(o.recency_halflife) && o.recency_halflife > 0.0)))
    return refuse(err, ENGINE_INVALID, "recency needs a slot, a finite now and a halflife > 0");
  if (o.n_facet_slots > 0 && !o.facet_slots)
    return refuse(err, ENGINE_INVALID, "n_facet_slots without facet_slots");
  return ENGINE_OK;
}

void set_weighting(Xapian::Enquire &e, const engine_search_opts &o) {
  if (o.bm25_k1 == 0 && o.bm25_k2 == 0 && o.bm25_k3 == 0 && o.bm25_b == 0 &&
      o.bm25_min_normlen == 0)
    e.set_weighting_scheme(Xapian::BM25Weight());
  else
    e.set_weighting_scheme(
        Xapian::BM25Weight(o.bm25_k1, o.bm25_k2, o.bm25_k3, o.bm25_b, o.bm25_min_normlen));
}

Xapian::Query with_recency(const Xapian::Query &q, const engine_search_opts &o) {
  if (!(o.recency_weight > 0.0)) return q;
  /* Allocated once, handed over: Xapian deletes it with the last query. */
  std::unique_ptr<RecencySource> src(new RecencySource(
      static_cast<Xapian::valueno>(o.recency_slot), o.recency_now, o.recency_halflife,
      o.recency_weight));
  Xapian::Query boost(src.get()->release());
  src.release();
  return Xapian::Query(Xapian::Query::OP_AND_MAYBE, q, boost);
}

void set_order(Xapian::Enquire &e, const engine_search_opts &o) {
  const bool descending = o.sort_descending != 0;
  if (o.sort == ENGINE_SORT_VALUE)
    e.set_sort_by_value_then_relevance(static_cast<Xapian::valueno>(o.sort_slot), descending);
  else if (o.sort_slot >= 0)
    e.set_sort_by_relevance_then_value(static_cast<Xapian::valueno>(o.sort_slot), descending);
}

void add_facets(engine_mset &m, const engine_search_opts &o) {
  for (size_t i = 0; i < o.n_facet_slots; i++) {
    std::unique_ptr<Xapian::ValueCountMatchSpy> spy(
        new Xapian::ValueCountMatchSpy(o.facet_slots[i]));
    m.enquire.add_matchspy(spy.get());
    m.facets.emplace_back(o.facet_slots[i], std::move(spy));
  }
}

void run_search(engine_mset &m, const Xapian::Database &db, const Xapian::Query &q,
                const engine_search_opts &o) {
  set_weighting(m.enquire, o);
  m.enquire.set_query(with_recency(q, o));
  set_order(m.enquire, o);
  add_facets(m, o);
  /* A match spy only sees the documents the matcher looks at, and the
   * matcher stops looking once it knows the top offset+limit. Facet counts
   * over the whole match set therefore need check_at_least >= the number of
   * matches; the document count is a bound that is always enough. This
   * costs what FTS5 always pays: every match is scored. */
  Xapian::doccount check = o.check_at_least;
  if (!m.facets.empty()) check = std::max(check, db.get_doccount());
  m.mset = m.enquire.get_mset(o.offset, o.limit, check);
  /* Asks for every hit's document at once. A remote shard then sends them
   * pipelined, where each engine_mset_value / engine_mset_data would
   * otherwise wait for a round trip of its own (the blend re-ranking reads
   * the date of 200 hits: 200 round trips). Local shards read as before.
   * Only from the first hit: Xapian 1.4.22's MSet::fetch() on an MSet that
   * starts at an offset reads before its items and crashes (SIGSEGV in
   * Enquire::Internal::request_doc), so paged results go without it. */
  if (o.offset == 0) m.mset.fetch();
}

}  // namespace

extern "C" {

engine_status engine_db_search(engine_db *db, const engine_query *q,
                               const engine_search_opts *opts, engine_mset **out) {
  if (!out) return ENGINE_INVALID;
  *out = nullptr;
  if (!db) return ENGINE_INVALID;
  if (!q) return refuse(&db->err, ENGINE_INVALID, "no query");
  engine_search_opts defaults;
  if (!opts) {
    engine_search_opts_init(&defaults);
    opts = &defaults;
  }
  engine_status st = check_opts(*opts, &db->err);
  if (st != ENGINE_OK) return st;
  std::unique_ptr<engine_mset> m;
  st = guard(&db->err, Context::query, [&] {
    m.reset(new engine_mset(db->db));
    run_search(*m, db->db, q->q, *opts);
    return ENGINE_OK;
  });
  if (st == ENGINE_OK) *out = m.release();
  return st;
}

}  // extern "C"

/* ------------------------------------------------------------------ */
/* Results                                                              */
/* ------------------------------------------------------------------ */

namespace {

/* Runs an accessor body, which gets a place for its message; the first
 * failure becomes the mset's sticky status. */
template <typename Body>
engine_status mset_guard(const engine_mset *m, Body &&body) noexcept {
  std::string msg;
  engine_status st = guard(&msg, [&] { return body(&msg); });
  if (st != ENGINE_OK && m->status == ENGINE_OK) {
    m->status = st;
    m->err.swap(msg);
  }
  return st;
}

engine_status out_of_range(std::string *msg) {
  return refuse(msg, ENGINE_INVALID, "hit index out of range");
}

}  // namespace

extern "C" {

size_t engine_mset_size(const engine_mset *m) {
  size_t n = 0;
  if (m) mset_guard(m, [&](std::string *) {
      n = m->mset.size();
      return ENGINE_OK;
    });
  return n;
}

uint64_t engine_mset_estimated(const engine_mset *m) {
  uint64_t n = 0;
  if (m) mset_guard(m, [&](std::string *) {
      n = m->mset.get_matches_estimated();
      return ENGINE_OK;
    });
  return n;
}

uint64_t engine_mset_docid(const engine_mset *m, size_t i) {
  uint64_t id = 0;
  if (m) mset_guard(m, [&](std::string *msg) {
      if (i >= m->mset.size()) return out_of_range(msg);
      id = *m->mset[i];
      return ENGINE_OK;
    });
  return id;
}

double engine_mset_weight(const engine_mset *m, size_t i) {
  double w = 0.0;
  if (m) mset_guard(m, [&](std::string *msg) {
      if (i >= m->mset.size()) return out_of_range(msg);
      w = m->mset[i].get_weight();
      return ENGINE_OK;
    });
  return w;
}

const char *engine_mset_data(engine_mset *m, size_t i, size_t *len) {
  const std::string *s = nullptr;
  if (m) mset_guard(m, [&](std::string *msg) {
      if (i >= m->mset.size()) return out_of_range(msg);
      auto it = m->data.find(i);
      if (it == m->data.end())
        it = m->data.emplace(i, m->mset[i].get_document().get_data()).first;
      s = &it->second;
      return ENGINE_OK;
    });
  if (len) *len = s ? s->size() : 0;
  return s ? s->c_str() : nullptr;
}

const char *engine_mset_value(engine_mset *m, size_t i, unsigned slot, size_t *len) {
  const std::string *s = nullptr;
  if (m) mset_guard(m, [&](std::string *msg) {
      if (i >= m->mset.size()) return out_of_range(msg);
      const auto key = std::make_pair(i, slot);
      auto it = m->values.find(key);
      if (it == m->values.end())
        it = m->values.emplace(key, m->mset[i].get_document().get_value(slot)).first;
      s = &it->second;
      return ENGINE_OK;
    });
  if (len) *len = s ? s->size() : 0;
  return s ? s->c_str() : nullptr;
}

engine_status engine_mset_matching_terms(engine_mset *m, size_t i, engine_term_cb cb,
                                         void *ctx) {
  if (!m) return ENGINE_INVALID;
  return mset_guard(m, [&](std::string *msg) {
    if (!cb) return refuse(msg, ENGINE_INVALID, "no callback");
    if (i >= m->mset.size()) return out_of_range(msg);
    const Xapian::MSetIterator hit = m->mset[i];
    /* The count handed with each term is its frequency in the searched
     * databases, as the MSet already knows it. */
    each_term(m->enquire.get_matching_terms_begin(hit), m->enquire.get_matching_terms_end(hit),
              cb, ctx, [&](const Xapian::TermIterator &, const std::string &term) {
                return uint64_t(m->mset.get_termfreq(term));
              });
    return ENGINE_OK;
  });
}

engine_status engine_mset_facet(engine_mset *m, unsigned slot, engine_term_cb cb, void *ctx) {
  if (!m) return ENGINE_INVALID;
  return mset_guard(m, [&](std::string *msg) {
    if (!cb) return refuse(msg, ENGINE_INVALID, "no callback");
    auto f = std::find_if(m->facets.begin(), m->facets.end(),
                          [&](const auto &p) { return p.first == slot; });
    if (f == m->facets.end()) return refuse(msg, ENGINE_INVALID, "slot not in facet_slots");
    const Xapian::ValueCountMatchSpy &spy = *f->second;
    /* top_values_begin(n) reserves n entries: ask for exactly as many as
     * there are distinct values, never "all" as SIZE_MAX. */
    size_t distinct = 0;
    for (auto v = spy.values_begin(); v != spy.values_end(); ++v) distinct++;
    each_term(spy.top_values_begin(distinct), spy.top_values_end(distinct), cb, ctx,
              [](const Xapian::TermIterator &it, const std::string &) {
                return uint64_t(it.get_termfreq());
              });
    return ENGINE_OK;
  });
}

engine_status engine_mset_status(const engine_mset *m) { return m ? m->status : ENGINE_INVALID; }

const char *engine_mset_errmsg(const engine_mset *m) { return m ? m->err.c_str() : ""; }

void engine_mset_free(engine_mset *m) { delete m; }

/* ------------------------------------------------------------------ */
/* Plain Xapian, for baselines in bench/                                */
/* ------------------------------------------------------------------ */

engine_status engine_doc_index_text_plain(engine_doc *doc, const char *text, size_t len) {
  if (!doc || !bytes_ok(text, len)) return ENGINE_INVALID;
  return guard(nullptr, [&] {
    Xapian::TermGenerator tg; /* no stemmer set: unstemmed terms only */
    tg.set_document(doc->doc);
    tg.set_termpos(doc->plain_pos);
    tg.index_text(bytes(text, len));
    doc->plain_pos = tg.get_termpos();
    return ENGINE_OK;
  });
}

engine_query *engine_query_parse_plain(const char *text, size_t len) {
  if (!bytes_ok(text, len)) return nullptr;
  return new_or_null([&] {
    Xapian::QueryParser qp; /* no stemmer, no database: nothing but the text */
    qp.set_default_op(Xapian::Query::OP_OR);
    return new engine_query{qp.parse_query(bytes(text, len), Xapian::QueryParser::FLAG_DEFAULT)};
  });
}

/* ------------------------------------------------------------------ */
/* Maintenance                                                          */
/* ------------------------------------------------------------------ */

engine_status engine_compact(const char *const *sources, size_t n, const char *dest,
                             char **errmsg) {
  return engine_compact_flags(sources, n, dest, 0, errmsg);
}

engine_status engine_compact_flags(const char *const *sources, size_t n, const char *dest,
                                   unsigned flags, char **errmsg) {
  if (errmsg) *errmsg = nullptr;
  if (!sources || n == 0 || !dest || !*dest)
    return hand_over_error(errmsg, dest, "no sources or no destination", ENGINE_INVALID);
  std::string msg;
  const char *culprit = dest;
  engine_status st = guard(&msg, [&] {
    Xapian::Database all;
    engine_status rc = ENGINE_OK;
    for (size_t i = 0; rc == ENGINE_OK && i < n; i++) {
      culprit = sources[i];
      rc = add_shard(&all, sources[i], 0, &msg);
    }
    if (rc != ENGINE_OK) return rc;
    culprit = dest;
    /* Several sources are merged one after another, document ids renumbered
     * unless KEEP_IDS. */
    unsigned xflags = 0;
    if (flags & ENGINE_COMPACT_MULTIPASS) xflags |= Xapian::DBCOMPACT_MULTIPASS;
    if (flags & ENGINE_COMPACT_KEEP_IDS) xflags |= Xapian::DBCOMPACT_NO_RENUMBER;
    all.compact(dest, xflags);
    return ENGINE_OK;
  });
  return st == ENGINE_OK ? st : hand_over_error(errmsg, culprit, msg, st);
}

}  // extern "C"

/* ------------------------------------------------------------------ */
/* Following an index that changes (tracuu serve)                       */
/* ------------------------------------------------------------------ */

/* A reader that lives for months must see new commits (reopen), and must
 * notice when its names now mean another database: a symlink swapped by
 * `tracuu compact --swap`, a stub rewritten, a directory deleted or
 * replaced. Xapian cannot be asked the second question: measured on 1.4.22,
 * reopen() on a handle whose directory symlink was swapped reads the NEW
 * revision file (new document count and UUID) but keeps reading the OLD
 * table files it holds open, so documents come back from the wrong
 * database. So the names are checked first (stat), and the UUID after. */

namespace {

void note_path(std::vector<engine_path_id> *paths, const std::string &name, const struct stat &st) {
  engine_path_id id{name, st.st_dev, st.st_ino, 0, {0, 0}};
  if (S_ISREG(st.st_mode)) {
    id.size = st.st_size;
    id.mtime = st.st_mtim;
  }
  paths->push_back(std::move(id));
}

/* The first noted name that no longer is what it was, or nullptr. */
const engine_path_id *moved_path(const engine_db &db) {
  for (const auto &p : db.paths) {
    struct stat st;
    if (::stat(p.path.c_str(), &st) != 0 || st.st_dev != p.dev || st.st_ino != p.ino) return &p;
    if (S_ISREG(st.st_mode) && (st.st_size != p.size || st.st_mtim.tv_sec != p.mtime.tv_sec ||
                                st.st_mtim.tv_nsec != p.mtime.tv_nsec))
      return &p;
  }
  return nullptr;
}

}  // namespace

extern "C" {

int engine_db_moved(const engine_db *db) {
  if (!db) return 1;
  try {
    return moved_path(*db) != nullptr;
  } catch (...) {
    return 1;
  }
}

engine_status engine_db_refresh(engine_db *db, int *moved) {
  if (!moved) return ENGINE_INVALID;
  *moved = 0;
  if (!db) return ENGINE_INVALID;
  return guard(&db->err, [&] {
    if (const engine_path_id *p = moved_path(*db)) {
      *moved = 1;
      set_message(&db->err, (p->path + ": now names another database, or none").c_str());
      return ENGINE_OK;
    }
    db->db.reopen();
    const std::string uuid = db->db.get_uuid();
    if (uuid != db->uuid) { /* replaced in place, or swapped between the stat and the reopen */
      *moved = 1;
      set_message(&db->err, "the database was replaced by another one");
    }
    return ENGINE_OK;
  });
}

}  // extern "C"

/* ------------------------------------------------------------------ */
/* Bulk building (indexer/bulk.c)                                       */
/* ------------------------------------------------------------------ */

namespace {

/* Measured on 1.4.22: when a write fails under DB_DANGEROUS (a full disk,
 * a file size limit), Xapian's rollback throws InvalidOperationError
 * "cancel() not supported under Xapian::DB_DANGEROUS" in place of the
 * write's own error (test_full_disk). From a bulk writer that can only
 * mean the disk said no; the errno it had is lost. */
engine_status dangerous_status(engine_writer *w, engine_status st) noexcept {
  if (st != ENGINE_INVALID || w->err.find("DB_DANGEROUS") == std::string::npos) return st;
  set_message(&w->err, "a write failed: the disk is full, or a file size limit or quota was "
                       "reached (Xapian could not say which: DB_DANGEROUS)");
  return ENGINE_IO;
}

}  // namespace

extern "C" {

engine_status engine_doc_add_terms(engine_doc *doc, const char *base, const engine_term *terms,
                                   size_t n) {
  if (!doc || (n > 0 && (!base || !terms))) return ENGINE_INVALID;
  for (size_t i = 0; i < n; i++)
    if (!term_ok(base + terms[i].off, terms[i].len)) return ENGINE_INVALID;
  return guard(nullptr, [&] {
    /* One buffer for every term: Xapian copies what it keeps. */
    std::string term;
    term.reserve(ENGINE_MAX_TERM);
    for (size_t i = 0; i < n; i++) {
      const engine_term &t = terms[i];
      term.assign(base + t.off, t.len);
      if (t.pos) doc->doc.add_posting(term, t.pos, t.wdf);
      else if (t.wdf) doc->doc.add_term(term, t.wdf);
      else doc->doc.add_boolean_term(term);
    }
    return ENGINE_OK;
  });
}

engine_status engine_writer_open_bulk(const char *path, engine_writer **out, char **errmsg) {
  if (errmsg) *errmsg = nullptr;
  if (!out) return ENGINE_INVALID;
  *out = nullptr;
  if (!path || !*path) return hand_over_error(errmsg, path, "no path", ENGINE_INVALID);
  std::unique_ptr<engine_writer> w;
  std::string msg;
  engine_status st = guard(&msg, [&] {
    const int action = Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_NO_SYNC | Xapian::DB_DANGEROUS;
    w.reset(new engine_writer{Xapian::WritableDatabase(path, action), std::string(), true});
    return ENGINE_OK;
  });
  if (st != ENGINE_OK) return hand_over_error(errmsg, path, msg, st);
  *out = w.release();
  return ENGINE_OK;
}

engine_status engine_writer_put(engine_writer *w, uint64_t docid, const char *unique_term,
                                size_t len, engine_doc *doc) {
  if (!w) return ENGINE_INVALID;
  if (!doc || !term_ok(unique_term, len) || docid == 0 || docid > Xapian::docid(-1))
    return refuse(&w->err, ENGINE_INVALID, "no document, bad id, or unique term empty or too long");
  return dangerous_status(w, guard(&w->err, [&] {
    doc->doc.add_boolean_term(std::string(unique_term, len));
    w->db.replace_document(Xapian::docid(docid), doc->doc);
    return ENGINE_OK;
  }));
}

uint64_t engine_writer_lastdocid(engine_writer *w) {
  uint64_t n = 0;
  if (w) guard(&w->err, [&] {
      n = w->db.get_lastdocid();
      return ENGINE_OK;
    });
  return n;
}

engine_status engine_writer_allterms(engine_writer *w, const char *prefix, engine_term_cb cb,
                                     void *ctx) {
  if (!w) return ENGINE_INVALID;
  if (!cb) return refuse(&w->err, ENGINE_INVALID, "no callback");
  return guard(&w->err, [&] {
    const std::string p(prefix ? prefix : "");
    each_term(w->db.allterms_begin(p), w->db.allterms_end(p), cb, ctx,
              [](const Xapian::TermIterator &it, const std::string &) {
                return uint64_t(it.get_termfreq());
              });
    return ENGINE_OK;
  });
}

engine_status engine_writer_postings(engine_writer *w, const char *term, size_t len,
                                     uint64_t **ids, size_t *n) {
  if (ids) *ids = nullptr;
  if (n) *n = 0;
  if (!w) return ENGINE_INVALID;
  if (!ids || !n || !term_ok(term, len))
    return refuse(&w->err, ENGINE_INVALID, "no place for the ids, or term empty or too long");
  return guard(&w->err, [&] {
    std::vector<uint64_t> v;
    const std::string t(term, len);
    for (auto p = w->db.postlist_begin(t); p != w->db.postlist_end(t); ++p) v.push_back(*p);
    if (v.empty()) return ENGINE_OK;
    *ids = static_cast<uint64_t *>(std::malloc(v.size() * sizeof **ids));
    if (!*ids) return refuse(&w->err, ENGINE_NOMEM, "out of memory");
    std::memcpy(*ids, v.data(), v.size() * sizeof **ids);
    *n = v.size();
    return ENGINE_OK;
  });
}

engine_status engine_writer_move(engine_writer *w, uint64_t from, uint64_t to, int keep_slot) {
  if (!w) return ENGINE_INVALID;
  if (from == 0 || to == 0 || from > Xapian::docid(-1) || to > Xapian::docid(-1))
    return refuse(&w->err, ENGINE_INVALID, "bad document id");
  if (from == to) return ENGINE_OK;
  return guard(&w->err, [&] {
    /* A copy the writer owns: get_document() reads lazily from the
     * database, and the original is deleted right after. */
    const Xapian::Document src = w->db.get_document(Xapian::docid(from));
    Xapian::Document copy;
    for (auto t = src.termlist_begin(); t != src.termlist_end(); ++t) {
      const std::string term = *t;
      const Xapian::termcount wdf = t.get_wdf();
      Xapian::termcount positioned = 0;
      for (auto p = t.positionlist_begin(); p != t.positionlist_end(); ++p, ++positioned)
        copy.add_posting(term, *p, 0);
      if (wdf) copy.add_term(term, wdf);
      else if (!positioned) copy.add_boolean_term(term);
    }
    for (auto v = src.values_begin(); v != src.values_end(); ++v) copy.add_value(v.get_valueno(), *v);
    if (keep_slot >= 0) {
      std::string kept;
      try {
        kept = w->db.get_document(Xapian::docid(to)).get_value(Xapian::valueno(keep_slot));
      } catch (const Xapian::DocNotFoundError &) {
      }
      if (!kept.empty()) copy.add_value(Xapian::valueno(keep_slot), kept);
    }
    copy.set_data(src.get_data());
    w->db.replace_document(Xapian::docid(to), copy);
    w->db.delete_document(Xapian::docid(from));
    return ENGINE_OK;
  });
}

engine_status engine_writer_delete_id(engine_writer *w, uint64_t docid) {
  if (!w) return ENGINE_INVALID;
  if (docid == 0 || docid > Xapian::docid(-1)) return refuse(&w->err, ENGINE_INVALID, "bad document id");
  return guard(&w->err, [&] {
    try {
      w->db.delete_document(Xapian::docid(docid));
    } catch (const Xapian::DocNotFoundError &) {
      /* none is not an error */
    }
    return ENGINE_OK;
  });
}

}  // extern "C"

namespace {

/* Where Xapian's check writes its report: each whole line goes to the
 * caller as it comes, and the lines that name a fault are kept. */
class check_lines : public std::streambuf {
 public:
  check_lines(engine_check_cb cb, void *ctx) : cb_(cb), ctx_(ctx) {}
  const std::string &faults() const { return faults_; }
  void finish() {
    if (!line_.empty()) flush_line();
  }

 protected:
  int_type overflow(int_type c) override {
    if (c == traits_type::eof()) return traits_type::not_eof(c);
    if (c == '\n') flush_line();
    else line_.push_back(static_cast<char>(c));
    return c;
  }

 private:
  /* Xapian 1.4's words for "nothing wrong": table names, their statistics,
   * "checked okay/OK", "Lazily created, and not yet used.", the totals. */
  static bool informational(const std::string &l) {
    return l.empty() || l.back() == ':' || l.compare(0, 10, "blocksize=") == 0 ||
           l.find("checked") != std::string::npos || l.compare(0, 7, "Lazily ") == 0 ||
           l == "No errors found" || l.find("errors found") != std::string::npos;
  }
  void flush_line() {
    if (cb_) cb_(ctx_, line_.c_str());
    if (!informational(line_) && faults_.size() < 4096) faults_ += (faults_.empty() ? "" : "; ") + line_;
    line_.clear();
  }
  engine_check_cb cb_;
  void *ctx_;
  std::string line_, faults_;
};

/* Checks one database or stub (depth: stubs naming stubs); adds the fault
 * lines to *faults. */
engine_status check_named(const std::string &path, engine_check_cb cb, void *ctx,
                          std::string *faults, std::string *err, int depth) {
  if (depth > kMaxStubDepth) return refuse(err, ENGINE_INVALID, "stub files nested too deep");
  struct stat sb;
  std::vector<std::string> lines;
  if (::stat(path.c_str(), &sb) == 0 && S_ISREG(sb.st_mode) && read_stub(path, &lines)) {
    std::string type, rest;
    for (const std::string &line : lines) {
      split_stub_line(line, &type, &rest);
      if (type == "remote") {
        if (cb) cb(ctx, ("remote shard " + rest + " not checked here: check it on its host").c_str());
        continue;
      }
      engine_status st = check_named(stub_relative(path, rest), cb, ctx, faults, err, depth + 1);
      if (st != ENGINE_OK && st != ENGINE_CORRUPT) return st;
    }
    return faults->empty() ? ENGINE_OK : ENGINE_CORRUPT;
  }
  check_lines sink(cb, ctx);
  std::ostream out(&sink);
  size_t errors = 0;
  std::string msg;
  engine_status st = guard(&msg, [&] {
    errors = Xapian::Database::check(path, 0, &out);
    return ENGINE_OK;
  });
  sink.finish();
  st = denied_or(path, st, &msg);
  if (st == ENGINE_OK && errors == 0) return ENGINE_OK;
  if (st != ENGINE_OK && st != ENGINE_CORRUPT && st != ENGINE_INTERNAL) {
    *err = msg;
    return st;
  }
  /* Whatever Xapian's check throws about a table it reads is damage. */
  std::string what = st == ENGINE_OK ? std::to_string(errors) + " errors: " + sink.faults()
                                     : msg;
  *faults += (faults->empty() ? "" : "; ") + path + ": " + what;
  return ENGINE_CORRUPT;
}

}  // namespace

extern "C" {

engine_status engine_check(const char *path, engine_check_cb cb, void *ctx, char **report) {
  if (report) *report = nullptr;
  if (!path || !*path) return ENGINE_INVALID;
  std::string faults, err;
  engine_status st = guard(&err, [&] { return check_named(path, cb, ctx, &faults, &err, 0); });
  if (report && st != ENGINE_OK) *report = c_string(st == ENGINE_CORRUPT ? faults : err);
  return st;
}

engine_status engine_db_each_document(engine_db *db, engine_doc_cb cb, void *ctx) {
  if (!db || !cb) return ENGINE_INVALID;
  return guard(&db->err, [&] {
    for (Xapian::PostingIterator it = db->db.postlist_begin(""); it != db->db.postlist_end("");
         ++it) {
      const Xapian::docid id = *it;
      const std::string data = db->db.get_document(id).get_data();
      progress_step();
      if (cb(ctx, id, data.data(), data.size())) break;
    }
    return ENGINE_OK;
  });
}

engine_status engine_db_document_terms(engine_db *db, uint64_t docid, engine_term_cb cb,
                                       void *ctx) {
  if (!db || !cb || docid == 0 || docid > UINT32_MAX) return ENGINE_INVALID;
  return guard(&db->err, [&] {
    const Xapian::docid id = static_cast<Xapian::docid>(docid);
    for (Xapian::TermIterator t = db->db.termlist_begin(id); t != db->db.termlist_end(id); ++t) {
      const std::string term = *t;
      progress_step();
      if (cb(ctx, term.data(), term.size(), 0)) break; /* a frequency costs a lookup */
    }
    return ENGINE_OK;
  });
}

engine_status engine_doc_each_term(const engine_doc *doc, engine_term_cb cb, void *ctx) {
  if (!doc || !cb) return ENGINE_INVALID;
  return guard(nullptr, [&] {
    for (Xapian::TermIterator t = doc->doc.termlist_begin(); t != doc->doc.termlist_end(); ++t) {
      const std::string term = *t;
      progress_step();
      if (cb(ctx, term.data(), term.size(), 0)) break;
    }
    return ENGINE_OK;
  });
}

const engine_progress *engine_thread_progress(void) { return &progress; }

void engine_progress_read(const engine_progress *p, uint64_t *steps, uint32_t *depth) {
  *steps = __atomic_load_n(&p->steps, __ATOMIC_RELAXED);
  *depth = __atomic_load_n(&p->depth, __ATOMIC_RELAXED);
}

}  // extern "C"
