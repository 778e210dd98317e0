#include "indexer/indexer.h"

#include "indexer/bulk.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "common/dynbuf.h"
#include "model/schema.h"
#include "model/schema_terms.h"

_Static_assert(SCHEMA_MAX_TERM == ENGINE_MAX_TERM, "the schema builds terms the engine can store");

struct indexer {
  engine_writer *writer; /* incremental */
  bulk *bulk;            /* or a bulk build (indexer_open_bulk) */
  unsigned pending; /* documents added since the last commit */
  int had_docs;       /* the index holds documents (or did): look stamps up */
  int64_t floor;      /* the stamps' upper bound when opened */
  int64_t last_stamp; /* the largest stamp given so far */
  int64_t clock_offset_ms;
  dynbuf errmsg;
};

/* ------------------------------------------------------------------ */
/* The writer                                                           */
/* ------------------------------------------------------------------ */

__attribute__((format(printf, 2, 3))) static void set_error(indexer *ix, const char *fmt, ...) {
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  dynbuf_reset(&ix->errmsg);
  dynbuf_append_str(&ix->errmsg, msg);
}

/* Creates every missing parent directory of path (not path itself: Xapian
 * creates the database directory). */
int indexer_make_parents(const char *path) {
  char *copy = strdup(path);
  if (!copy) return -1;
  int rc = 0;
  for (char *p = copy + 1; rc == 0 && (p = strchr(p, '/')) != NULL; p++) {
    *p = '\0';
    if (mkdir(copy, 0777) != 0 && errno != EEXIST) rc = -1;
    *p = '/';
  }
  free(copy);
  return rc;
}

static char *dup_message(const char *a, const char *b) {
  size_t n = strlen(a) + strlen(b) + 1;
  char *m = malloc(n);
  if (m) snprintf(m, n, "%s%s", a, b);
  return m;
}

/* Refuses an index of another schema; marks a new one with ours. */
static engine_status check_schema(engine_writer *w, const char *path, char **errmsg) {
  char *version = NULL;
  engine_status st = engine_writer_get_metadata(w, TRACUU_SCHEMA_KEY, &version);
  if (st != ENGINE_OK) return st;
  if (version[0] == '\0' && engine_writer_doccount(w) == 0) {
    st = engine_writer_set_metadata(w, TRACUU_SCHEMA_KEY, TRACUU_SCHEMA_VERSION);
  } else if (strcmp(version, TRACUU_SCHEMA_VERSION) != 0) {
    st = ENGINE_VERSION;
    if (errmsg) {
      char msg[512];
      snprintf(msg, sizeof msg,
               "index %s was built with schema version \"%s\", this tracuu writes version %s: "
               "remove it and index again",
               path, version, TRACUU_SCHEMA_VERSION);
      *errmsg = strdup(msg);
    }
  }
  free(version);
  return st;
}

/* A stamp (ms) from its sortable key; 0 when there is none. */
static int64_t stamp_of(const char *v, size_t len) {
  return v && len ? (int64_t)engine_sortable_unserialise(v, len) : 0;
}

static engine_status read_floor(indexer *ix) {
  char *v = NULL;
  size_t len = 0;
  engine_status st = engine_writer_value_upper_bound(ix->writer, SLOT_INDEXED, &v, &len);
  ix->floor = ix->last_stamp = stamp_of(v, len);
  ix->had_docs = engine_writer_doccount(ix->writer) > 0;
  free(v);
  return st;
}

void indexer_set_clock(indexer *ix, int64_t offset_ms) { ix->clock_offset_ms = offset_ms; }

int64_t indexer_stamp_floor(const indexer *ix) {
  return ix->bulk ? bulk_stamp_floor(ix->bulk) : ix->floor;
}

int64_t indexer_last_stamp(const indexer *ix) {
  return ix->bulk ? bulk_last_stamp(ix->bulk) : ix->last_stamp;
}

/* The stamp of the document with id term: the one it has, else given (a
 * new document's, from the caller), else a new one. */
static engine_status stamp_for(indexer *ix, const char *term, size_t tlen, int64_t given,
                               int64_t *stamp) {
  if (ix->had_docs) {
    char *v = NULL;
    size_t len = 0;
    engine_status st = engine_writer_get_value(ix->writer, term, tlen, SLOT_INDEXED, &v, &len);
    *stamp = stamp_of(v, len);
    free(v);
    if (st != ENGINE_OK || *stamp) return st;
  }
  if (given > 0) {
    *stamp = given;
    return ENGINE_OK;
  }
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  int64_t now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + ix->clock_offset_ms;
  *stamp = now > ix->last_stamp ? now : ix->last_stamp + 1;
  return ENGINE_OK;
}

engine_status indexer_open(const char *path, indexer **out, char **errmsg) {
  *out = NULL;
  if (errmsg) *errmsg = NULL;
  if (indexer_make_parents(path) != 0) {
    if (errmsg) *errmsg = dup_message("cannot create the parent directories of ", path);
    return ENGINE_IO;
  }
  indexer *ix = calloc(1, sizeof *ix);
  if (!ix) return ENGINE_NOMEM;
  dynbuf_init(&ix->errmsg, 1024);
  engine_status st = engine_writer_open(path, ENGINE_CREATE, &ix->writer, errmsg);
  if (st == ENGINE_OK) st = check_schema(ix->writer, path, errmsg);
  if (st == ENGINE_OK) st = read_floor(ix);
  if (st != ENGINE_OK) {
    if (errmsg && !*errmsg && ix->writer) *errmsg = strdup(engine_writer_errmsg(ix->writer));
    engine_writer_close(ix->writer);
    dynbuf_free(&ix->errmsg);
    free(ix);
    return st;
  }
  *out = ix;
  return ENGINE_OK;
}

engine_status indexer_open_bulk(const char *path, const bulk_opts *opts, indexer **out,
                                char **errmsg) {
  *out = NULL;
  indexer *ix = calloc(1, sizeof *ix);
  if (!ix) return ENGINE_NOMEM;
  dynbuf_init(&ix->errmsg, 4096);
  engine_status st = bulk_open(path, opts, &ix->bulk, errmsg);
  if (st != ENGINE_OK) {
    dynbuf_free(&ix->errmsg);
    free(ix);
    return st;
  }
  *out = ix;
  return ENGINE_OK;
}

/* A bulk build's failure, as the handle's message. */
static engine_status bulk_note(indexer *ix, engine_status st) {
  if (st != ENGINE_OK) set_error(ix, "%s", bulk_errmsg(ix->bulk));
  return st;
}

engine_status indexer_add(indexer *ix, const record *r) { return indexer_add_stamped(ix, r, 0); }

engine_status indexer_add_stamped(indexer *ix, const record *r, int64_t stamp) {
  if (ix->bulk) return bulk_note(ix, bulk_add_stamped(ix->bulk, r, stamp));
  engine_doc *doc = NULL;
  engine_status st = indexer_build_document(r, &doc);
  if (st != ENGINE_OK) {
    set_error(ix, "cannot build the document: %s", engine_strerror(st));
    return st;
  }
  char term[SCHEMA_ID_TERM_MAX], key[18];
  size_t tlen = schema_id_term(r->id, term);
  st = stamp_for(ix, term, tlen, stamp, &stamp);
  if (stamp > ix->last_stamp) ix->last_stamp = stamp;
  if (st == ENGINE_OK)
    st = engine_doc_set_value(doc, SLOT_INDEXED, key, engine_sortable_serialise((double)stamp, key));
  if (st == ENGINE_OK) st = engine_writer_replace(ix->writer, term, tlen, doc);
  engine_doc_free(doc);
  if (st != ENGINE_OK) {
    set_error(ix, "%s", engine_writer_errmsg(ix->writer));
    return st;
  }
  ix->had_docs = 1; /* an id added again keeps this stamp, even before a commit */
  if (++ix->pending >= INDEXER_BATCH) return indexer_commit(ix);
  return ENGINE_OK;
}

engine_status indexer_remove(indexer *ix, const char *id) {
  if (ix->bulk) return bulk_note(ix, bulk_remove(ix->bulk, id));
  char term[SCHEMA_ID_TERM_MAX];
  size_t tlen = schema_id_term(id, term);
  engine_status st = engine_writer_delete(ix->writer, term, tlen);
  if (st != ENGINE_OK) set_error(ix, "%s", engine_writer_errmsg(ix->writer));
  return st;
}

engine_status indexer_commit(indexer *ix) {
  if (ix->bulk) return ENGINE_OK; /* whole or nothing, at indexer_close */
  engine_status st = engine_writer_commit(ix->writer);
  if (st != ENGINE_OK) {
    set_error(ix, "%s", engine_writer_errmsg(ix->writer));
    return st;
  }
  ix->pending = 0;
  return ENGINE_OK;
}

uint64_t indexer_doccount(indexer *ix) {
  return ix->bulk ? bulk_count(ix->bulk) : engine_writer_doccount(ix->writer);
}

engine_status indexer_close(indexer *ix) {
  if (!ix) return ENGINE_OK;
  engine_status st = ENGINE_OK;
  if (ix->bulk) st = bulk_finish(ix->bulk, NULL, NULL);
  else st = engine_writer_close(ix->writer);
  dynbuf_free(&ix->errmsg);
  free(ix);
  return st;
}

void indexer_abort(indexer *ix) {
  if (ix && ix->bulk) {
    bulk_abort(ix->bulk);
    ix->bulk = NULL;
  }
  indexer_close(ix);
}

const char *indexer_errmsg(const indexer *ix) { return dynbuf_str(&ix->errmsg); }
