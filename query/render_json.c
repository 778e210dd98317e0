#include "query/render_json.h"

#include <string.h>

#include "common/timefmt.h"

static json_object *str_or_null(const char *s) { return s ? json_object_new_string(s) : NULL; }

static void add(json_object *o, const char *key, json_object *v) { json_object_object_add(o, key, v); }

static json_object *spans_json(const query_span *spans, size_t n) {
  json_object *all = json_object_new_array();
  for (size_t i = 0; i < n; i++) {
    json_object *pair = json_object_new_array();
    json_object_array_add(pair, json_object_new_int64((int64_t)spans[i].start));
    json_object_array_add(pair, json_object_new_int64((int64_t)spans[i].end));
    json_object_array_add(all, pair);
  }
  return all;
}

/* The files of a document, as search results list them: what they are and
 * how they were read, never their text ("attachments": a contract, issue 15). */
static json_object *attachments_json(const record *r) {
  json_object *all = json_object_new_array();
  for (size_t i = 0; all && i < r->n_attachments; i++) {
    const record_attachment *a = &r->attachments[i];
    json_object *o = json_object_new_object();
    add(o, "url", str_or_null(a->url));
    add(o, "type", str_or_null(a->type));
    add(o, "pages", json_object_new_int(a->pages));
    add(o, "chars", json_object_new_int64(a->chars));
    add(o, "ocr", json_object_new_boolean(a->ocr_pages > 0));
    add(o, "ocr_pages", json_object_new_int(a->ocr_pages));
    add(o, "label", str_or_null(a->label));
    json_object_array_add(all, o);
  }
  return all;
}

json_object *render_json_hit(const query_hit *h, int explain) {
  json_object *o = json_object_new_object();
  if (!o) return NULL;
  add(o, "rank", json_object_new_int((int)h->rank));
  add(o, "id", str_or_null(h->rec.id));
  add(o, "url", str_or_null(h->rec.url));
  add(o, "title", str_or_null(h->rec.title));
  add(o, "date", str_or_null(h->rec.date));
  add(o, "posted", str_or_null(h->rec.posted));
  add(o, "date_source", str_or_null(h->rec.date_source));
  add(o, "number", str_or_null(h->rec.number));
  add(o, "type", str_or_null(h->rec.type));
  add(o, "issuer", str_or_null(h->rec.issuer));
  add(o, "issuer_as_written", str_or_null(h->rec.issuer_as_written));
  add(o, "category", str_or_null(h->rec.category));
  add(o, "signer", str_or_null(h->rec.signer));
  add(o, "effective", str_or_null(h->rec.effective));
  add(o, "status", json_object_new_string(query_doc_status_name(h->status)));
  add(o, "status_by", str_or_null(h->status_by));
  char iso[TIMEFMT_ISO_MS_LEN];
  add(o, "indexed", h->indexed_ms ? json_object_new_string(timefmt_iso_ms(h->indexed_ms, iso)) : NULL);
  add(o, "score", json_object_new_double(h->score));
  add(o, "relevance", json_object_new_double(h->relevance));
  add(o, "snippet", str_or_null(h->snippet));
  add(o, "highlights", spans_json(h->spans, h->n_spans));
  const record_attachment *from =
      h->snippet_from >= 0 && (size_t)h->snippet_from < h->rec.n_attachments ? &h->rec.attachments[h->snippet_from] : NULL;
  add(o, "snippet_from", from ? json_object_new_string(from->url) : NULL);
  add(o, "snippet_ocr", json_object_new_boolean(from && h->snippet_ocr));
  add(o, "attachments", attachments_json(&h->rec));
  if (explain) add(o, "explain", str_or_null(h->explain));
  return o;
}

static json_object *facets_json(const query_result *res) {
  json_object *all = json_object_new_object();
  for (size_t f = 0; f < res->n_facets; f++) {
    json_object *vals = json_object_new_array();
    for (size_t i = 0; i < res->facets[f].n; i++) {
      json_object *v = json_object_new_object();
      add(v, "value", json_object_new_string(res->facets[f].values[i].value));
      add(v, "count", json_object_new_int64((int64_t)res->facets[f].values[i].count));
      json_object_array_add(vals, v);
    }
    add(all, res->facets[f].name, vals);
  }
  return all;
}

json_object *render_json_summary(const query_result *res) {
  json_object *o = json_object_new_object();
  if (!o) return NULL;
  add(o, "facets", facets_json(res));
  add(o, "total", json_object_new_int64((int64_t)res->estimated));
  if (res->suggestion) add(o, "suggestion", json_object_new_string(res->suggestion));
  add(o, "relaxed", json_object_new_boolean(res->relaxed));
  return o;
}

json_object *render_json_related(const query_related_item *it) {
  json_object *o = json_object_new_object();
  if (!o) return NULL;
  add(o, "relation", str_or_null(it->relation));
  add(o, "direction", json_object_new_string(strcmp(it->relation, "self") == 0 ? "self"
                                             : it->incoming                  ? "in"
                                                                             : "out"));
  add(o, "id", str_or_null(it->id));
  add(o, "number", str_or_null(it->number));
  add(o, "date", str_or_null(it->date));
  add(o, "title", str_or_null(it->title));
  add(o, "sentence", str_or_null(it->sentence));
  return o;
}

const char *render_json_text(json_object *o) {
  return json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
}
