#include "model/record.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/oneline.h"
#include "text/text.h"

/* The fields of a record in output order, with where each lives. */
static const struct {
  const char *key;
  size_t offset;
} record_fields[] = {
    {"id", offsetof(record, id)},           {"url", offsetof(record, url)},
    {"title", offsetof(record, title)},     {"date", offsetof(record, date)},
    {"posted", offsetof(record, posted)},   {"date_source", offsetof(record, date_source)},
    {"number", offsetof(record, number)},   {"type", offsetof(record, type)},
    {"issuer", offsetof(record, issuer)},   {"issuer_as_written", offsetof(record, issuer_as_written)},
    {"category", offsetof(record, category)},
    {"signer", offsetof(record, signer)},   {"signer_role", offsetof(record, signer_role)},
    {"place", offsetof(record, place)},     {"summary", offsetof(record, summary)},
    {"effective", offsetof(record, effective)},
    {"body", offsetof(record, body)},
};
#define N_FIELDS (sizeof record_fields / sizeof record_fields[0])

static char **field_slot(record *r, size_t i) {
  return (char **)((char *)r + record_fields[i].offset);
}

static const char *field_value(const record *r, size_t i) {
  return *(char *const *)((const char *)r + record_fields[i].offset);
}

static const char *const RELATION_NAMES[] = {"cites",    "basis",   "amends",
                                              "replaces", "repeals", "implements"};

static int relation_name_ok(const char *s) {
  for (size_t i = 0; i < sizeof RELATION_NAMES / sizeof RELATION_NAMES[0]; i++)
    if (strcmp(s, RELATION_NAMES[i]) == 0) return 1;
  return 0;
}

void record_clear(record *r) {
  if (!r) return;
  for (size_t i = 0; i < N_FIELDS; i++) {
    free(*field_slot(r, i));
    *field_slot(r, i) = NULL;
  }
  for (size_t i = 0; i < r->n_relations; i++) {
    free(r->relations[i].relation);
    free(r->relations[i].number);
    free(r->relations[i].sentence);
  }
  free(r->relations);
  r->relations = NULL;
  r->n_relations = 0;
  for (size_t i = 0; i < r->n_attachments; i++) record_attachment_clear(&r->attachments[i]);
  free(r->attachments);
  r->attachments = NULL;
  r->n_attachments = 0;
}

void record_attachment_clear(record_attachment *a) {
  if (!a) return;
  free(a->url);
  free(a->label);
  free(a->type);
  free(a->encoding);
  free(a->note);
  free(a->text);
  free(a->ocr_at);
  memset(a, 0, sizeof *a);
}

int record_attachment_ocr_in(const record_attachment *a, size_t from, size_t to) {
  int page = 1;
  for (size_t i = 0; a->text && i < to && a->text[i]; i++) {
    if (a->text[i] != '\f') continue;
    if (i >= from) { /* the range runs on past page `page` */
      for (size_t k = 0; k < a->n_ocr_at; k++)
        if (a->ocr_at[k] == page) return 1;
    }
    page++;
  }
  for (size_t k = 0; k < a->n_ocr_at; k++) /* the page the range ends on */
    if (a->ocr_at[k] == page) return 1;
  return 0;
}

int record_date_source_valid(const char *s) {
  static const char *const SOURCES[] = {"header", "title", "text", "posted"};
  for (size_t i = 0; s && i < sizeof SOURCES / sizeof SOURCES[0]; i++)
    if (strcmp(s, SOURCES[i]) == 0) return 1;
  return 0;
}

static int is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int record_date_valid(const char *s, int *y, int *m, int *d) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-') return 0;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return 0;
  int yy = atoi(s), mm = atoi(s + 5), dd = atoi(s + 8);
  if (mm < 1 || mm > 12 || dd < 1) return 0;
  if (dd > days[mm - 1] + (mm == 2 && is_leap(yy))) return 0;
  if (y) *y = yy;
  if (m) *m = mm;
  if (d) *d = dd;
  return 1;
}


/* The length of the well-formed UTF-8 sequence at s[0..n) (n > 0), or 0
 * when s[0] starts none (no overlongs, surrogates or code points past
 * U+10FFFF) or is a NUL ("\u0000" in JSON): the fields are C strings, and a
 * NUL cut "a\u0000x" and "a\u0000y" to the same id "a". */
static size_t utf8_seq(const unsigned char *s, size_t n) {
  unsigned c = s[0];
  if (c == 0) return 0;
  if (c < 0x80) return 1;
  size_t k = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
  if (k == 0 || n < k) return 0;
  for (size_t i = 1; i < k; i++)
    if ((s[i] & 0xC0) != 0x80) return 0;
  if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] > 0x9F) || (c == 0xF0 && s[1] < 0x90) ||
      (c == 0xF4 && s[1] > 0x8F))
    return 0;
  return k;
}

/* Copies a JSON string value. JSON text is UTF-8 (RFC 8259): invalid bytes
 * become U+FFFD one by one and nothing else changes (the legacy-encoding
 * guess of text_to_utf8, run over a whole field, read a body with a run of
 * bad bytes as Latin-1 and turned all its Vietnamese into mojibake). Valid
 * UTF-8 still goes through the pipeline's rescue, which undoes double
 * encoding ("Nguyá»…n"). A NUL becomes U+FFFD too. Returns NULL when out of
 * memory. */
static char *copy_utf8(const char *s, size_t len, int *repaired) {
  if (!repaired) return strndup(s, len); /* stored by tracuu: already repaired */
  const unsigned char *u = (const unsigned char *)s;
  size_t bad = 0;
  for (size_t i = 0, k; i < len; i += k ? k : 1) bad += (k = utf8_seq(u + i, len - i)) == 0;
  if (bad == 0) {
    char *out = NULL;
    size_t out_len = 0;
    text_encoding found = TEXT_ENC_UTF8;
    if (text_to_utf8(s, len, "utf-8", &out, &out_len, &found) != TEXT_OK) return NULL;
    if (found != TEXT_ENC_UTF8) *repaired = 1;
    return out;
  }
  *repaired = 1;
  if (bad > (SIZE_MAX - len - 1) / 2) return NULL;
  char *out = malloc(len + 2 * bad + 1), *o = out; /* each bad byte grows to 3 */
  if (!out) return NULL;
  for (size_t i = 0, k; i < len; i += k ? k : 1) {
    if ((k = utf8_seq(u + i, len - i)) == 0) {
      memcpy(o, "\xEF\xBF\xBD", 3);
      o += 3;
    } else {
      memcpy(o, s + i, k);
      o += k;
    }
  }
  *o = '\0';
  return out;
}

/* A string member of an object: NULL when absent; *bad = 1 when not a string, 2 when out of memory. */
static char *string_member(json_object *o, const char *key, int *repaired, int *bad) {
  json_object *v = NULL;
  if (!json_object_object_get_ex(o, key, &v) || json_object_is_type(v, json_type_null)) return NULL;
  if (!json_object_is_type(v, json_type_string)) {
    *bad = 1;
    return NULL;
  }
  char *c = copy_utf8(json_object_get_string(v), (size_t)json_object_get_string_len(v), repaired);
  if (!c) *bad = 2;
  return c;
}

/* "relations": an array of {"relation", "number", "sentence"}. Returns 0, or
 * -1 with err set. */
static int parse_relations(json_object *obj, record *r, int *repaired, char *err, size_t errlen) {
  json_object *arr = NULL;
  if (!json_object_object_get_ex(obj, "relations", &arr) || json_object_is_type(arr, json_type_null))
    return 0;
  if (!json_object_is_type(arr, json_type_array)) {
    snprintf(err, errlen, "\"relations\" must be an array");
    return -1;
  }
  size_t n = json_object_array_length(arr);
  if (n > RECORD_MAX_RELATIONS) {
    snprintf(err, errlen, "more than %d \"relations\"", RECORD_MAX_RELATIONS);
    return -1;
  }
  if (n == 0) return 0;
  r->relations = calloc(n, sizeof *r->relations);
  if (!r->relations) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  for (size_t i = 0; i < n; i++) {
    json_object *o = json_object_array_get_idx(arr, i);
    record_relation *rel = &r->relations[r->n_relations++];
    int bad = !json_object_is_type(o, json_type_object);
    if (!bad) rel->relation = string_member(o, "relation", repaired, &bad);
    if (!bad) rel->number = string_member(o, "number", repaired, &bad);
    if (!bad) rel->sentence = string_member(o, "sentence", repaired, &bad);
    if (bad == 2) {
      snprintf(err, errlen, "out of memory");
      return -1;
    }
    if (bad || !rel->relation || !relation_name_ok(rel->relation) || !rel->number || !rel->number[0]) {
      snprintf(err, errlen,
               "\"relations\"[%zu] must be {\"relation\": cites|basis|amends|replaces|repeals|"
               "implements, \"number\": \"...\", \"sentence\": \"...\"}",
               i);
      return -1;
    }
  }
  return 0;
}

/* An integer member in [0, max]: 0 when absent; -1 when not such a number. */
static long long int_member(json_object *o, const char *key, long long max, int *bad) {
  json_object *v = NULL;
  if (!json_object_object_get_ex(o, key, &v) || json_object_is_type(v, json_type_null)) return 0;
  if (!json_object_is_type(v, json_type_int)) {
    *bad = 1;
    return 0;
  }
  int64_t n = json_object_get_int64(v);
  if (n < 0 || n > max) *bad = 1;
  return n < 0 || n > max ? 0 : n;
}

/* One attachment object into *a (zeroed). 0, or 1 (bad shape), or 2 (NOMEM). */
static int parse_attachment(json_object *o, record_attachment *a, int *repaired) {
  int bad = !json_object_is_type(o, json_type_object);
  if (!bad) a->url = string_member(o, "url", repaired, &bad);
  if (!bad) a->label = string_member(o, "label", repaired, &bad);
  if (!bad) a->type = string_member(o, "type", repaired, &bad);
  if (!bad) a->encoding = string_member(o, "encoding", repaired, &bad);
  if (!bad) a->note = string_member(o, "note", repaired, &bad);
  if (!bad) a->text = string_member(o, "text", repaired, &bad);
  if (bad == 2) return 2;
  if (bad || !a->url || !a->url[0]) return 1;
  a->pages = (int)int_member(o, "pages", INT32_MAX, &bad);
  a->chars = int_member(o, "chars", INT64_MAX, &bad);
  a->ocr_pages = (int)int_member(o, "ocr_pages", INT32_MAX, &bad);
  json_object *arr = NULL;
  if (!bad && json_object_object_get_ex(o, "ocr_at", &arr) && !json_object_is_type(arr, json_type_null)) {
    size_t n = json_object_is_type(arr, json_type_array) ? json_object_array_length(arr) : 0;
    if (!json_object_is_type(arr, json_type_array) || n > RECORD_MAX_OCR_AT) return 1;
    a->ocr_at = n ? calloc(n, sizeof *a->ocr_at) : NULL;
    if (n && !a->ocr_at) return 2;
    for (size_t i = 0; i < n && !bad; i++) {
      json_object *v = json_object_array_get_idx(arr, i);
      int64_t page = json_object_is_type(v, json_type_int) ? json_object_get_int64(v) : 0;
      if (page < 1 || page > INT32_MAX) bad = 1;
      else a->ocr_at[a->n_ocr_at++] = (int)page;
    }
  }
  if (!bad && (size_t)a->ocr_pages < a->n_ocr_at) a->ocr_pages = (int)a->n_ocr_at;
  return bad ? 1 : 0;
}

/* "attachments": an array of attachment objects. 0, or -1 with err set. */
static int parse_attachments(json_object *obj, record *r, int *repaired, char *err, size_t errlen) {
  json_object *arr = NULL;
  if (!json_object_object_get_ex(obj, "attachments", &arr) ||
      json_object_is_type(arr, json_type_null))
    return 0;
  if (!json_object_is_type(arr, json_type_array)) {
    snprintf(err, errlen, "\"attachments\" must be an array");
    return -1;
  }
  size_t n = json_object_array_length(arr);
  if (n > RECORD_MAX_ATTACHMENTS) {
    snprintf(err, errlen, "more than %d \"attachments\"", RECORD_MAX_ATTACHMENTS);
    return -1;
  }
  if (n == 0) return 0;
  r->attachments = calloc(n, sizeof *r->attachments);
  if (!r->attachments) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  for (size_t i = 0; i < n; i++) {
    int rc = parse_attachment(json_object_array_get_idx(arr, i), &r->attachments[r->n_attachments++],
                              repaired);
    if (rc == 2) {
      snprintf(err, errlen, "out of memory");
      return -1;
    }
    if (rc) {
      snprintf(err, errlen,
               "\"attachments\"[%zu] must be {\"url\": \"...\", \"type\", \"label\", \"text\": "
               "strings, \"pages\", \"chars\", \"ocr_pages\": counts, \"ocr_at\": [pages]}",
               i);
      return -1;
    }
  }
  return 0;
}

/* repaired NULL: the text is a record tracuu stored itself, valid UTF-8
 * already, so strings are copied as they are (the rescue costs more than
 * the JSON parse on a 100 KB gazette document, ten times per search). */
static int parse_record(const char *line, size_t len, record *r, int *repaired, char *err,
                        size_t errlen) {
  if (repaired) *repaired = 0;
  memset(r, 0, sizeof *r);
  json_tokener *tok = json_tokener_new();
  if (!tok) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  if (len > (size_t)INT32_MAX) len = INT32_MAX; /* json-c takes an int length */
  json_object *obj = json_tokener_parse_ex(tok, line, (int)len);
  enum json_tokener_error jerr = json_tokener_get_error(tok);
  size_t parsed = json_tokener_get_parse_end(tok);
  json_tokener_free(tok);
  if (!obj || jerr != json_tokener_success) {
    snprintf(err, errlen, "not valid JSON (%s at byte %zu)",
             jerr == json_tokener_continue ? "unexpected end of line"
                                           : json_tokener_error_desc(jerr),
             parsed + 1);
    json_object_put(obj);
    return -1;
  }
  for (; parsed < len; parsed++) {
    if (line[parsed] != ' ' && line[parsed] != '\t' && line[parsed] != '\r') {
      snprintf(err, errlen, "text after the JSON object at byte %zu", parsed + 1);
      json_object_put(obj);
      return -1;
    }
  }
  if (!json_object_is_type(obj, json_type_object)) {
    snprintf(err, errlen, "not a JSON object");
    json_object_put(obj);
    return -1;
  }
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < N_FIELDS; i++) {
    json_object *v = NULL;
    if (!json_object_object_get_ex(obj, record_fields[i].key, &v) || json_object_is_type(v, json_type_null))
      continue;
    if (!json_object_is_type(v, json_type_string)) {
      snprintf(err, errlen, "\"%s\" must be a string", record_fields[i].key);
      rc = -1;
      break;
    }
    char *copy = copy_utf8(json_object_get_string(v), (size_t)json_object_get_string_len(v), repaired);
    if (!copy) {
      snprintf(err, errlen, "out of memory");
      rc = -1;
      break;
    }
    *field_slot(r, i) = copy;
  }
  if (rc == 0) rc = parse_relations(obj, r, repaired, err, errlen);
  if (rc == 0) rc = parse_attachments(obj, r, repaired, err, errlen);
  json_object_put(obj);
  if (rc == 0 && (!r->id || !r->id[0])) {
    snprintf(err, errlen, "missing \"id\" (a non-empty string is required)");
    rc = -1;
  }
  if (rc == 0 && r->date && r->date[0] && !record_date_valid(r->date, NULL, NULL, NULL)) {
    char shown[41];
    snprintf(err, errlen, "\"date\" is \"%s\", expected a real date as YYYY-MM-DD",
             oneline_quote(r->date, shown, sizeof shown));
    rc = -1;
  }
  if (rc == 0 && r->posted && r->posted[0] && !record_date_valid(r->posted, NULL, NULL, NULL)) {
    char shown[41];
    snprintf(err, errlen, "\"posted\" is \"%s\", expected a real date as YYYY-MM-DD",
             oneline_quote(r->posted, shown, sizeof shown));
    rc = -1;
  }
  if (rc == 0 && r->date_source && r->date_source[0] && !record_date_source_valid(r->date_source)) {
    char shown[41];
    snprintf(err, errlen, "\"date_source\" is \"%s\", expected one of " RECORD_DATE_SOURCES,
             oneline_quote(r->date_source, shown, sizeof shown));
    rc = -1;
  }
  if (rc == 0 && r->effective && r->effective[0] && !record_date_valid(r->effective, NULL, NULL, NULL)) {
    char shown[41];
    snprintf(err, errlen, "\"effective\" is \"%s\", expected a real date as YYYY-MM-DD",
             oneline_quote(r->effective, shown, sizeof shown));
    rc = -1;
  }
  if (rc != 0) record_clear(r);
  return rc;
}

/* Adds key: s to o unless s is NULL. 0, or -1 when out of memory. */
static int add_string(json_object *o, const char *key, const char *s) {
  if (!s) return 0;
  json_object *v = json_object_new_string(s);
  if (!v || json_object_object_add(o, key, v) != 0) {
    json_object_put(v);
    return -1;
  }
  return 0;
}

static int add_int_to(json_object *arr, long long v) {
  json_object *j = json_object_new_int64(v);
  if (!j || json_object_array_add(arr, j) != 0) {
    json_object_put(j);
    return -1;
  }
  return 0;
}

static int add_relations_json(json_object *obj, const record *r) {
  json_object *arr = json_object_new_array();
  if (!arr || json_object_object_add(obj, "relations", arr) != 0) {
    json_object_put(arr);
    return -1;
  }
  for (size_t i = 0; i < r->n_relations; i++) {
    const record_relation *rel = &r->relations[i];
    json_object *o = json_object_new_object();
    if (!o || json_object_array_add(arr, o) != 0) {
      json_object_put(o);
      return -1;
    }
    if (add_string(o, "relation", rel->relation) || add_string(o, "number", rel->number) ||
        add_string(o, "sentence", rel->sentence))
      return -1;
  }
  return 0;
}

static int add_int(json_object *o, const char *key, long long v) {
  json_object *j = json_object_new_int64(v);
  if (!j || json_object_object_add(o, key, j) != 0) {
    json_object_put(j);
    return -1;
  }
  return 0;
}

/* The attachment as a new JSON object, or NULL when out of memory. */
static json_object *attachment_object(const record_attachment *a, int with_text) {
  json_object *o = json_object_new_object();
  json_object *ocr = o ? json_object_new_boolean(a->ocr_pages > 0) : NULL;
  int bad = !o || !ocr;
  if (!bad && (add_string(o, "url", a->url) || add_string(o, "label", a->label) ||
               add_string(o, "type", a->type) || add_int(o, "pages", a->pages) ||
               add_int(o, "chars", a->chars)))
    bad = 1;
  if (!bad && json_object_object_add(o, "ocr", ocr) != 0) bad = 1;
  else ocr = NULL;
  if (!bad && add_int(o, "ocr_pages", a->ocr_pages)) bad = 1;
  if (!bad && a->n_ocr_at) {
    json_object *arr = json_object_new_array();
    if (!arr || json_object_object_add(o, "ocr_at", arr) != 0) {
      json_object_put(arr);
      bad = 1;
    }
    for (size_t i = 0; !bad && i < a->n_ocr_at; i++)
      if (add_int_to(arr, a->ocr_at[i]) != 0) bad = 1;
  }
  if (!bad && (add_string(o, "encoding", a->encoding) || add_string(o, "note", a->note) ||
               (with_text && add_string(o, "text", a->text))))
    bad = 1;
  json_object_put(ocr);
  if (bad) {
    json_object_put(o);
    return NULL;
  }
  return o;
}

char *record_attachment_to_json(const record_attachment *a, int with_text) {
  json_object *o = attachment_object(a, with_text);
  if (!o) return NULL;
  const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
  char *out = text ? strdup(text) : NULL;
  json_object_put(o);
  return out;
}

int record_attachment_parse(const char *json, size_t len, record_attachment *a, char *err,
                            size_t errlen) {
  memset(a, 0, sizeof *a);
  json_tokener *tok = json_tokener_new();
  if (!tok) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  if (len > (size_t)INT32_MAX) len = INT32_MAX;
  json_object *obj = json_tokener_parse_ex(tok, json, (int)len);
  int ok = obj && json_tokener_get_error(tok) == json_tokener_success;
  json_tokener_free(tok);
  int rc = ok ? parse_attachment(obj, a, NULL) : 1;
  json_object_put(obj);
  if (rc) {
    snprintf(err, errlen, "%s", rc == 2 ? "out of memory" : "not an attachment as tracuu writes it");
    record_attachment_clear(a);
    return -1;
  }
  return 0;
}

static int add_attachments_json(json_object *obj, const record *r) {
  json_object *arr = json_object_new_array();
  if (!arr || json_object_object_add(obj, "attachments", arr) != 0) {
    json_object_put(arr);
    return -1;
  }
  for (size_t i = 0; i < r->n_attachments; i++) {
    json_object *o = attachment_object(&r->attachments[i], 1);
    if (!o || json_object_array_add(arr, o) != 0) {
      json_object_put(o);
      return -1;
    }
  }
  return 0;
}

char *record_to_json(const record *r) {
  json_object *obj = json_object_new_object();
  if (!obj) return NULL;
  for (size_t i = 0; i < N_FIELDS; i++) {
    const char *v = field_value(r, i);
    if (!v) continue;
    json_object *s = json_object_new_string(v);
    if (!s || json_object_object_add(obj, record_fields[i].key, s) != 0) {
      json_object_put(s);
      json_object_put(obj);
      return NULL;
    }
  }
  if ((r->n_relations && add_relations_json(obj, r) != 0) ||
      (r->n_attachments && add_attachments_json(obj, r) != 0)) {
    json_object_put(obj);
    return NULL;
  }
  const char *text = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
  char *out = text ? strdup(text) : NULL;
  json_object_put(obj);
  return out;
}

struct record_reader {
  FILE *fp;
  int owns_fp;
  char *line;
  size_t cap;
  unsigned long lineno;
};

record_reader *record_reader_open(const char *path) {
  record_reader *rd = calloc(1, sizeof *rd);
  if (!rd) return NULL;
  struct stat st;
  if (strcmp(path, "-") == 0) {
    rd->fp = stdin;
  } else if ((rd->fp = fopen(path, "rb")) != NULL) {
    rd->owns_fp = 1;
    /* fopen takes a directory, and its first read fails: say so now. */
    if (fstat(fileno(rd->fp), &st) == 0 && S_ISDIR(st.st_mode)) {
      fclose(rd->fp);
      rd->fp = NULL;
      errno = EISDIR;
    }
  }
  if (!rd->fp) {
    int saved = errno;
    free(rd);
    errno = saved;
    return NULL;
  }
  return rd;
}

/* Room for len + 1 more bytes in rd->line, up to RECORD_MAX_LINE + 1. */
static int line_room(record_reader *rd, size_t len) {
  if (len + 1 < rd->cap) return 0;
  size_t cap = rd->cap ? rd->cap * 2 : 4096;
  if (cap > (size_t)RECORD_MAX_LINE + 1) cap = (size_t)RECORD_MAX_LINE + 1;
  char *p = realloc(rd->line, cap);
  if (!p) return -1;
  rd->line = p;
  rd->cap = cap;
  return 0;
}

/* The next line into rd->line (its '\n' dropped, NUL-terminated), its
 * length in *out. A line over RECORD_MAX_LINE is never held whole: past the
 * limit its bytes are read and dropped up to its end, so the next line is
 * the next line. Returns 1 (a line), 0 (end of input), -1 (this line is too
 * long, or memory ran out: *why), -2 (the input cannot be read: errno). */
static int read_line(record_reader *rd, size_t *out, const char **why) {
  size_t len = 0;
  int c, over = 0, nomem = 0;
  errno = 0;
  while ((c = getc_unlocked(rd->fp)) != EOF && c != '\n') {
    if (over || nomem) continue;
    if (len == RECORD_MAX_LINE) over = 1;
    else if (line_room(rd, len) != 0) nomem = 1;
    else rd->line[len++] = (char)c;
  }
  if (c == EOF && ferror(rd->fp)) {
    if (!errno) errno = EIO;
    return -2;
  }
  if (c == EOF && len == 0 && !over && !nomem) return 0;
  if (over || nomem) {
    *why = over ? "line longer than the limit" : "out of memory reading the line";
    return -1;
  }
  if (line_room(rd, len) != 0) {
    *why = "out of memory reading the line";
    return -1;
  }
  rd->line[len] = '\0';
  *out = len;
  return 1;
}

int record_reader_next(record_reader *rd, record *r, int *repaired, char *err, size_t errlen) {
  for (;;) {
    size_t len = 0;
    const char *why = "";
    int got = read_line(rd, &len, &why);
    if (got == 0) return 0;
    rd->lineno++;
    if (got == -2) {
      snprintf(err, errlen, "%s", strerror(errno));
      return -2;
    }
    if (got < 0) {
      if (strcmp(why, "line longer than the limit") == 0)
        snprintf(err, errlen, "line longer than %u bytes", RECORD_MAX_LINE);
      else snprintf(err, errlen, "%s", why);
      return -1;
    }
    while (len && rd->line[len - 1] == '\r') len--;
    size_t i = 0;
    while (i < len && (rd->line[i] == ' ' || rd->line[i] == '\t')) i++;
    if (i == len) continue; /* blank line */
    return record_parse_json(rd->line, len, r, repaired, err, errlen) == 0 ? 1 : -1;
  }
}

unsigned long record_reader_line(const record_reader *rd) { return rd->lineno; }

void record_reader_close(record_reader *rd) {
  if (!rd) return;
  if (rd->owns_fp) fclose(rd->fp);
  free(rd->line);
  free(rd);
}

int record_parse_json(const char *line, size_t len, record *r, int *repaired, char *err,
                      size_t errlen) {
  return parse_record(line, len, r, repaired, err, errlen);
}

int record_parse_stored(const char *data, size_t len, record *r, char *err, size_t errlen) {
  return parse_record(data, len, r, NULL, err, errlen);
}
