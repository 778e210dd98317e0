#include "bench/corpus.h"

#include <errno.h>
#include <glob.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ------------------------------------------------------------------ */
/* Small helpers: errors, files, strings, growing arrays                */
/* ------------------------------------------------------------------ */

static int fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Writes the reason into err and returns -1, so that error paths are one line. */
static int fail(char *err, size_t errlen, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  if (err && errlen) vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
  return -1;
}

/* Builds shared/corpus/sub into path and checks it is a directory: the one
 * place that explains a missing or misplaced shared data folder. */
static int corpus_dir(const char *shared, const char *sub, char *path /* OUT: PATH_MAX */,
                      char *err, size_t errlen) {
  struct stat st;
  if (!shared || !shared[0]) return fail(err, errlen, "no shared data folder given");
  int n = snprintf(path, PATH_MAX, "%s/corpus/%s", shared, sub);
  if (n < 0 || n >= PATH_MAX) return fail(err, errlen, "%s/corpus/%s: path too long", shared, sub);
  if (stat(path, &st) != 0)
    return fail(err, errlen, "%s: %s (is %s the shared data folder?)", path, strerror(errno),
                shared);
  if (!S_ISDIR(st.st_mode)) return fail(err, errlen, "%s: not a directory", path);
  return 0;
}

/* The files matching dir/pattern, sorted (glob's default), at least one. */
static int list_files(const char *dir, const char *pattern, glob_t *g /* OUT */, char *err,
                      size_t errlen) {
  char full[PATH_MAX];
  int n = snprintf(full, sizeof full, "%s/%s", dir, pattern);
  if (n < 0 || (size_t)n >= sizeof full) return fail(err, errlen, "%s: path too long", dir);
  int rc = glob(full, GLOB_ERR, NULL, g);
  if (rc == 0) return 0;
  globfree(g);
  if (rc == GLOB_NOMATCH) return fail(err, errlen, "%s: no file matches", full);
  return fail(err, errlen, "%s: cannot list the files", full);
}

/* Reads a whole file into a malloc'ed, NUL-terminated buffer (caller frees). */
static int read_file(const char *path, char **out /* OUT */, size_t *len /* OUT */, char *err,
                     size_t errlen) {
  *out = NULL;
  FILE *f = fopen(path, "rb");
  if (!f) return fail(err, errlen, "%s: %s", path, strerror(errno));
  struct stat st;
  if (fstat(fileno(f), &st) != 0 || st.st_size < 0 || (uintmax_t)st.st_size > CORPUS_MAX_FILE) {
    fclose(f);
    return fail(err, errlen, "%s: unreadable or larger than %u bytes", path, CORPUS_MAX_FILE);
  }
  size_t size = (size_t)st.st_size;
  char *buf = malloc(size + 1);
  if (!buf) {
    fclose(f);
    return fail(err, errlen, "%s: out of memory", path);
  }
  size_t got = fread(buf, 1, size, f);
  int bad = ferror(f) || got != size;
  fclose(f);
  if (bad) {
    free(buf);
    return fail(err, errlen, "%s: read error", path);
  }
  buf[size] = '\0';
  *out = buf;
  *len = size;
  return 0;
}

/* Copies s[0..n) into *slot. Records keep absent fields as NULL, so an empty
 * string stays NULL. Returns -1 only when out of memory. */
static int set_str(char **slot, const char *s, size_t n) {
  *slot = NULL;
  if (!s || n == 0) return 0;
  char *copy = malloc(n + 1);
  if (!copy) return -1;
  memcpy(copy, s, n);
  copy[n] = '\0';
  *slot = copy;
  return 0;
}

/* a + sep + b into *slot; just a (or b) when the other is empty. */
static int set_joined(char **slot, const char *a, size_t an, const char *sep, const char *b,
                      size_t bn) {
  if (an == 0) return set_str(slot, b, bn);
  if (bn == 0) return set_str(slot, a, an);
  size_t sn = strlen(sep);
  if (an > SIZE_MAX - sn - bn - 1) return -1;
  char *s = malloc(an + sn + bn + 1);
  if (!s) return -1;
  memcpy(s, a, an);
  memcpy(s + an, sep, sn);
  memcpy(s + an + sn, b, bn);
  s[an + sn + bn] = '\0';
  *slot = s;
  return 0;
}

char *corpus_alqac_id(const char *law_id, const char *article_id) {
  char *id = NULL;
  if (set_joined(&id, law_id, strlen(law_id), "#", article_id, strlen(article_id)) != 0)
    return NULL;
  return id;
}

/* Makes room for one more item of size bytes in *items (doubling). */
static int grow(void **items, size_t *cap, size_t count, size_t size) {
  if (count < *cap) return 0;
  size_t ncap = *cap ? *cap * 2 : 1024;
  if (ncap < *cap || ncap > SIZE_MAX / size) return -1;
  void *p = realloc(*items, ncap * size);
  if (!p) return -1;
  *items = p;
  *cap = ncap;
  return 0;
}

/* ------------------------------------------------------------------ */
/* Collections                                                          */
/* ------------------------------------------------------------------ */

void corpus_docs_init(corpus_docs *docs) { memset(docs, 0, sizeof *docs); }

static void doc_clear(corpus_doc *d) {
  record_clear(&d->rec);
  free(d->law_id);
  free(d->article_id);
  memset(d, 0, sizeof *d);
}

/* Frees the documents from index keep on: how a failed loader undoes its work. */
static void docs_truncate(corpus_docs *docs, size_t keep) {
  while (docs->count > keep) doc_clear(&docs->docs[--docs->count]);
}

void corpus_docs_free(corpus_docs *docs) {
  if (!docs) return;
  docs_truncate(docs, 0);
  free(docs->docs);
  corpus_docs_init(docs);
}

/* A new zeroed document at the end of docs; NULL when out of memory. */
static corpus_doc *docs_push(corpus_docs *docs) {
  if (grow((void **)&docs->docs, &docs->cap, docs->count, sizeof *docs->docs) != 0) return NULL;
  corpus_doc *d = &docs->docs[docs->count++];
  memset(d, 0, sizeof *d);
  return d;
}

void corpus_questions_init(corpus_questions *qs) { memset(qs, 0, sizeof *qs); }

static void question_clear(corpus_question *q) {
  for (size_t i = 0; i < q->n_relevant; i++) {
    free(q->relevant[i].law_id);
    free(q->relevant[i].article_id);
  }
  free(q->relevant);
  free(q->id);
  free(q->text);
  memset(q, 0, sizeof *q);
}

static void questions_truncate(corpus_questions *qs, size_t keep) {
  while (qs->count > keep) question_clear(&qs->items[--qs->count]);
}

void corpus_questions_free(corpus_questions *qs) {
  if (!qs) return;
  questions_truncate(qs, 0);
  free(qs->items);
  corpus_questions_init(qs);
}

/* ------------------------------------------------------------------ */
/* RFC 4180 CSV, parsed in place                                        */
/* ------------------------------------------------------------------ */

/* More columns than any file we read; a row past it is malformed. */
#define CSV_MAX_COLUMNS 32

typedef struct {
  const char *s; /* points into the file buffer (unescaped in place) */
  size_t n;
} csv_field;

typedef struct {
  char *p, *end;
  unsigned long line; /* 1-based line of p, for error messages */
} csv_reader;

/* A quoted field: "" stands for one quote, and newlines are data. The
 * unescaped text is written over the escaped one, which is never shorter. */
static int csv_quoted(csv_reader *c, csv_field *f) {
  char *w = ++c->p;
  f->s = w;
  for (;;) {
    if (c->p == c->end) return -1;
    char ch = *c->p++;
    if (ch == '"') {
      if (c->p == c->end || *c->p != '"') break;
      c->p++;
    } else if (ch == '\n') {
      c->line++;
    }
    *w++ = ch;
  }
  f->n = (size_t)(w - f->s);
  return 0;
}

/* Reads one field and its delimiter. Returns ',' when the row goes on, '\n'
 * at the end of a row (LF or CRLF), 0 at the end of the input, -1 when the
 * input is malformed. */
static int csv_field_next(csv_reader *c, csv_field *f) {
  if (c->p < c->end && *c->p == '"') {
    if (csv_quoted(c, f) != 0) return -1;
  } else {
    f->s = c->p;
    while (c->p < c->end && *c->p != ',' && *c->p != '\n') c->p++;
    f->n = (size_t)(c->p - f->s);
    int row_end = c->p == c->end || *c->p == '\n';
    if (row_end && f->n && f->s[f->n - 1] == '\r') f->n--; /* CRLF */
  }
  if (c->p == c->end) return 0;
  if (*c->p == ',') {
    c->p++;
    return ',';
  }
  if (*c->p == '\r' && c->end - c->p > 1 && c->p[1] == '\n') c->p++;
  if (*c->p != '\n') return -1; /* text after a closing quote */
  c->p++;
  c->line++;
  return '\n';
}

/* Reads one row into fields. Returns the number of fields, 0 at the end of
 * the input, -1 when malformed (reason in err). */
static int csv_row(csv_reader *c, const char *path, csv_field *fields, char *err,
                   size_t errlen) {
  if (c->p == c->end) return 0;
  unsigned long first = c->line;
  int n = 0, delim;
  do {
    if (n == CSV_MAX_COLUMNS)
      return fail(err, errlen, "%s:%lu: more than %d fields", path, first, CSV_MAX_COLUMNS);
    delim = csv_field_next(c, &fields[n++]);
    if (delim < 0)
      return fail(err, errlen, "%s:%lu: unterminated quote or text after a closing quote",
                  path, c->line);
  } while (delim == ',');
  return n;
}

/* ------------------------------------------------------------------ */
/* phapdien                                                             */
/* ------------------------------------------------------------------ */

/* The columns we use, found by name in the header, not by position. */
enum { PD_MAPC, PD_TEN, PD_NOIDUNG, PD_VBQPPL, PD_LINK, PD_NCOLS };
static const char *const pd_names[PD_NCOLS] = {"mapc", "ten", "noidung", "vbqppl",
                                               "vbqppl_link"};

static int pd_header(const csv_field *h, int n, int col[PD_NCOLS] /* OUT */, const char *path,
                     char *err, size_t errlen) {
  for (int k = 0; k < PD_NCOLS; k++) {
    col[k] = -1;
    for (int i = 0; i < n && col[k] < 0; i++)
      if (h[i].n == strlen(pd_names[k]) && memcmp(h[i].s, pd_names[k], h[i].n) == 0) col[k] = i;
    if (col[k] < 0) return fail(err, errlen, "%s: no column \"%s\" in the header", path, pd_names[k]);
  }
  return 0;
}

/* One article; the id falls back to "<file>:<row>" when mapc is empty. */
static int pd_record(record *r, const csv_field *f, const int col[PD_NCOLS], const char *path,
                     unsigned long row) {
  const csv_field *mapc = &f[col[PD_MAPC]], *body = &f[col[PD_NOIDUNG]], *cite = &f[col[PD_VBQPPL]];
  int rc;
  if (mapc->n) {
    rc = set_str(&r->id, mapc->s, mapc->n);
  } else {
    const char *base = strrchr(path, '/');
    char id[PATH_MAX + 32];
    snprintf(id, sizeof id, "%s:%lu", base ? base + 1 : path, row);
    rc = set_str(&r->id, id, strlen(id));
  }
  if (rc == 0) rc = set_str(&r->title, f[col[PD_TEN]].s, f[col[PD_TEN]].n);
  if (rc == 0) rc = set_joined(&r->body, body->s, body->n, "\n\n", cite->s, cite->n);
  if (rc == 0) rc = set_str(&r->url, f[col[PD_LINK]].s, f[col[PD_LINK]].n);
  return rc;
}

/* Every data row of one CSV file buffer. */
static int pd_rows(csv_reader *c, const char *path, corpus_docs *docs, char *err, size_t errlen) {
  csv_field f[CSV_MAX_COLUMNS];
  int col[PD_NCOLS];
  int ncols = csv_row(c, path, f, err, errlen);
  if (ncols <= 0) return ncols < 0 ? -1 : fail(err, errlen, "%s: empty file", path);
  if (pd_header(f, ncols, col, path, err, errlen) != 0) return -1;
  for (unsigned long row = 1;; row++) {
    unsigned long line = c->line;
    int n = csv_row(c, path, f, err, errlen);
    if (n <= 0) return n;
    if (n == 1 && f[0].n == 0) continue; /* a blank line, e.g. at the end */
    if (n != ncols)
      return fail(err, errlen, "%s:%lu: %d fields, the header has %d", path, line, n, ncols);
    corpus_doc *d = docs_push(docs);
    if (!d || pd_record(&d->rec, f, col, path, row) != 0)
      return fail(err, errlen, "%s:%lu: out of memory", path, line);
  }
}

static int pd_file(const char *path, corpus_docs *docs, char *err, size_t errlen) {
  char *buf;
  size_t len;
  if (read_file(path, &buf, &len, err, errlen) != 0) return -1;
  csv_reader c = {.p = buf, .end = buf + len, .line = 1};
  if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) c.p += 3; /* UTF-8 BOM */
  int rc = pd_rows(&c, path, docs, err, errlen);
  free(buf);
  return rc;
}

int corpus_load_phapdien(const char *shared, corpus_docs *docs, char *err, size_t errlen) {
  char dir[PATH_MAX];
  glob_t g;
  if (corpus_dir(shared, "phapdien", dir, err, errlen) != 0) return -1;
  if (list_files(dir, "*.csv", &g, err, errlen) != 0) return -1;
  size_t start = docs->count;
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < g.gl_pathc; i++) rc = pd_file(g.gl_pathv[i], docs, err, errlen);
  globfree(&g);
  if (rc != 0) docs_truncate(docs, start);
  return rc;
}

/* ------------------------------------------------------------------ */
/* JSON (json-c)                                                        */
/* ------------------------------------------------------------------ */

/* Parses a whole file; the caller releases the result with json_object_put. */
static json_object *json_file(const char *path, char *err, size_t errlen) {
  char *buf;
  size_t len;
  if (read_file(path, &buf, &len, err, errlen) != 0) return NULL;
  json_tokener *tok = json_tokener_new();
  json_object *obj = NULL;
  if (!tok) {
    fail(err, errlen, "%s: out of memory", path);
  } else if (len > INT_MAX) {
    fail(err, errlen, "%s: too large for the JSON parser", path);
  } else {
    obj = json_tokener_parse_ex(tok, buf, (int)len);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    if (!obj || jerr != json_tokener_success) {
      fail(err, errlen, "%s: invalid JSON: %s", path,
           jerr == json_tokener_success ? "truncated" : json_tokener_error_desc(jerr));
      json_object_put(obj);
      obj = NULL;
    }
  }
  json_tokener_free(tok);
  free(buf);
  return obj;
}

/* The string at key (ids may also be written as integers); NULL when absent
 * or of another type. */
static const char *json_text(json_object *o, const char *key, size_t *len /* OUT */) {
  json_object *v;
  *len = 0;
  if (!json_object_object_get_ex(o, key, &v)) return NULL;
  if (!json_object_is_type(v, json_type_string) && !json_object_is_type(v, json_type_int))
    return NULL;
  const char *s = json_object_get_string(v);
  *len = json_object_is_type(v, json_type_string) ? (size_t)json_object_get_string_len(v)
                                                  : strlen(s);
  return s;
}

/* Copies the string at key into *slot (NULL when absent or empty). */
static int json_set(char **slot, json_object *o, const char *key) {
  size_t n;
  const char *s = json_text(o, key, &n);
  return set_str(slot, s, n);
}

/* The array at key (or o itself when key is NULL); NULL when not an array. */
static json_object *json_array(json_object *o, const char *key) {
  json_object *v = o;
  if (key && !json_object_object_get_ex(o, key, &v)) return NULL;
  return json_object_is_type(v, json_type_array) ? v : NULL;
}

/* ------------------------------------------------------------------ */
/* congbao                                                              */
/* ------------------------------------------------------------------ */

/* The topic is the name of the folder holding the file: docs/<topic>/x.json. */
static void path_topic(const char *path, char *out, size_t n) {
  const char *file = strrchr(path, '/');
  const char *dir = file;
  while (dir && dir > path && dir[-1] != '/') dir--;
  size_t len = file && dir ? (size_t)(file - dir) : 0;
  snprintf(out, n, "%.*s", (int)len, dir ? dir : "");
}

static int cb_record(record *r, json_object *o, const char *path, char *err, size_t errlen) {
  size_t n;
  const char *key = json_text(o, "slug", &n);
  if (!key || !n) key = json_text(o, "so_hieu", &n);
  if (!key || !n) return fail(err, errlen, "%s: neither \"slug\" nor \"so_hieu\"", path);
  char topic[PATH_MAX];
  path_topic(path, topic, sizeof topic);
  int rc = set_joined(&r->id, topic, strlen(topic), "/", key, n);
  if (rc == 0) rc = json_set(&r->title, o, "mo_ta");
  if (rc == 0) rc = json_set(&r->body, o, "full_text");
  if (rc == 0) rc = json_set(&r->url, o, "nguon_url");
  if (rc == 0) rc = json_set(&r->type, o, "loai");
  if (rc == 0) rc = json_set(&r->category, o, "topic_name");
  return rc == 0 ? 0 : fail(err, errlen, "%s: out of memory", path);
}

static int cb_file(const char *path, corpus_docs *docs, char *err, size_t errlen) {
  json_object *o = json_file(path, err, errlen);
  if (!o) return -1;
  int rc;
  corpus_doc *d = NULL;
  if (!json_object_is_type(o, json_type_object))
    rc = fail(err, errlen, "%s: not a JSON object", path);
  else if (!(d = docs_push(docs)))
    rc = fail(err, errlen, "%s: out of memory", path);
  else
    rc = cb_record(&d->rec, o, path, err, errlen);
  json_object_put(o);
  return rc;
}

int corpus_load_congbao(const char *shared, corpus_docs *docs, char *err, size_t errlen) {
  char dir[PATH_MAX];
  glob_t g;
  if (corpus_dir(shared, "congbao", dir, err, errlen) != 0) return -1;
  if (list_files(dir, "docs/*/*.json", &g, err, errlen) != 0) return -1;
  size_t start = docs->count;
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < g.gl_pathc; i++) rc = cb_file(g.gl_pathv[i], docs, err, errlen);
  globfree(&g);
  if (rc != 0) docs_truncate(docs, start);
  return rc;
}

/* ------------------------------------------------------------------ */
/* ALQAC                                                                */
/* ------------------------------------------------------------------ */

/* The two releases differ in the questions' file name and id key. */
static const struct {
  const char *dir;
  const char *questions;
  const char *question_id;
} alqac_release[] = {
    [CORPUS_ALQAC_2022] = {"2022", "question.json", "id"},
    [CORPUS_ALQAC_2023] = {"2023", "train.json", "question_id"},
};

/* Parses corpus/alqac/<year>/law.json, or the questions' file, which must
 * hold a JSON array. */
static json_object *alqac_file(const char *shared, corpus_alqac_year year, int questions,
                               char *path /* OUT: PATH_MAX */, char *err, size_t errlen) {
  char dir[PATH_MAX];
  if ((unsigned)year >= sizeof alqac_release / sizeof alqac_release[0]) {
    fail(err, errlen, "unknown ALQAC release %d", (int)year);
    return NULL;
  }
  if (corpus_dir(shared, "alqac", dir, err, errlen) != 0) return NULL;
  const char *file = questions ? alqac_release[year].questions : "law.json";
  int n = snprintf(path, PATH_MAX, "%s/%s/%s", dir, alqac_release[year].dir, file);
  if (n < 0 || n >= PATH_MAX) {
    fail(err, errlen, "%s: path too long", dir);
    return NULL;
  }
  json_object *o = json_file(path, err, errlen);
  if (o && !json_array(o, NULL)) {
    fail(err, errlen, "%s: not a JSON array", path);
    json_object_put(o);
    o = NULL;
  }
  return o;
}

/* The (law_id, article_id) pair and the record of one article. */
static int alqac_article(corpus_doc *d, const char *law, size_t law_n, json_object *a,
                         const char *path, size_t li, size_t ai, char *err, size_t errlen) {
  size_t art_n;
  const char *art = json_text(a, "id", &art_n);
  if (!art || !art_n)
    return fail(err, errlen, "%s: law %zu, article %zu: no \"id\"", path, li, ai);
  int rc = set_str(&d->law_id, law, law_n);
  if (rc == 0) rc = set_str(&d->article_id, art, art_n);
  if (rc == 0) rc = set_joined(&d->rec.id, law, law_n, "#", art, art_n);
  if (rc == 0) rc = json_set(&d->rec.body, a, "text");
  return rc == 0 ? 0 : fail(err, errlen, "%s: out of memory", path);
}

static int alqac_law(json_object *law, const char *path, size_t li, corpus_docs *docs, char *err,
                     size_t errlen) {
  size_t law_n;
  const char *law_id = json_text(law, "id", &law_n);
  json_object *arts = json_array(law, "articles");
  if (!law_id || !law_n || !arts)
    return fail(err, errlen, "%s: law %zu: no \"id\" or no \"articles\" array", path, li);
  int rc = 0;
  for (size_t ai = 0; rc == 0 && ai < json_object_array_length(arts); ai++) {
    corpus_doc *d = docs_push(docs);
    rc = d ? alqac_article(d, law_id, law_n, json_object_array_get_idx(arts, ai), path, li, ai,
                           err, errlen)
           : fail(err, errlen, "%s: out of memory", path);
  }
  return rc;
}

int corpus_load_alqac_articles(const char *shared, corpus_alqac_year year, corpus_docs *docs,
                               char *err, size_t errlen) {
  char path[PATH_MAX];
  json_object *laws = alqac_file(shared, year, 0, path, err, errlen);
  if (!laws) return -1;
  size_t start = docs->count;
  int rc = 0;
  for (size_t li = 0; rc == 0 && li < json_object_array_length(laws); li++)
    rc = alqac_law(json_object_array_get_idx(laws, li), path, li, docs, err, errlen);
  json_object_put(laws);
  if (rc != 0) docs_truncate(docs, start);
  return rc;
}

/* The relevant pairs of one question: at least one, each with both ids. */
static int alqac_relevant(corpus_question *q, json_object *rel, const char *path, size_t qi,
                          char *err, size_t errlen) {
  size_t n = rel ? json_object_array_length(rel) : 0;
  if (n == 0) return fail(err, errlen, "%s: question %zu: no \"relevant_articles\"", path, qi);
  q->relevant = calloc(n, sizeof *q->relevant);
  if (!q->relevant) return fail(err, errlen, "%s: out of memory", path);
  q->n_relevant = n;
  for (size_t i = 0; i < n; i++) {
    json_object *pair = json_object_array_get_idx(rel, i);
    corpus_article_ref *ref = &q->relevant[i];
    if (json_set(&ref->law_id, pair, "law_id") != 0 ||
        json_set(&ref->article_id, pair, "article_id") != 0)
      return fail(err, errlen, "%s: out of memory", path);
    if (!ref->law_id || !ref->article_id)
      return fail(err, errlen, "%s: question %zu: relevant article %zu lacks an id", path, qi, i);
  }
  return 0;
}

static int alqac_question(corpus_question *q, json_object *o, const char *id_key,
                          const char *path, size_t qi, char *err, size_t errlen) {
  if (json_set(&q->id, o, id_key) != 0 || json_set(&q->text, o, "text") != 0)
    return fail(err, errlen, "%s: out of memory", path);
  if (!q->id || !q->text)
    return fail(err, errlen, "%s: question %zu: no \"%s\" or no \"text\"", path, qi, id_key);
  return alqac_relevant(q, json_array(o, "relevant_articles"), path, qi, err, errlen);
}

int corpus_load_alqac_questions(const char *shared, corpus_alqac_year year, corpus_questions *qs,
                                char *err, size_t errlen) {
  char path[PATH_MAX];
  json_object *arr = alqac_file(shared, year, 1, path, err, errlen);
  if (!arr) return -1;
  size_t start = qs->count;
  int rc = 0;
  for (size_t qi = 0; rc == 0 && qi < json_object_array_length(arr); qi++) {
    if (grow((void **)&qs->items, &qs->cap, qs->count, sizeof *qs->items) != 0) {
      rc = fail(err, errlen, "%s: out of memory", path);
      break;
    }
    corpus_question *q = &qs->items[qs->count++];
    memset(q, 0, sizeof *q);
    rc = alqac_question(q, json_object_array_get_idx(arr, qi), alqac_release[year].question_id,
                        path, qi, err, errlen);
  }
  json_object_put(arr);
  if (rc != 0) questions_truncate(qs, start);
  return rc;
}
