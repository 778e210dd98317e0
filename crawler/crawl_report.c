/* crawl_report: the summary of a run as JSON, with the documents it
 * indexed for the first time or again, and STORE/last-crawl.json. */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/timefmt.h"
#include "crawler/crawl_internal.h"

static char *dup_or_null(const char *s, int *nomem) {
  if (!s) return NULL;
  char *d = strdup(s);
  if (!d) *nomem = 1;
  return d;
}

void crawl_report_doc(crawl_summary *s, const record *r, int changed) {
  size_t bytes = strlen(r->url ? r->url : r->id) + (r->title ? strlen(r->title) : 0) +
                 (r->number ? strlen(r->number) : 0);
  if (s->n_docs >= CRAWL_SUMMARY_DOCS || s->docs_bytes + bytes > CRAWL_SUMMARY_BYTES) {
    s->docs_more++;
    return;
  }
  if (!s->docs && !(s->docs = calloc(CRAWL_SUMMARY_DOCS, sizeof *s->docs))) {
    s->docs_more++; /* out of memory: counted, not listed */
    return;
  }
  crawl_doc *d = &s->docs[s->n_docs];
  int nomem = 0;
  d->url = dup_or_null(r->url ? r->url : r->id, &nomem);
  d->number = dup_or_null(r->number, &nomem);
  d->title = dup_or_null(r->title, &nomem);
  d->changed = changed;
  if (nomem || !d->url) {
    free(d->url);
    free(d->number);
    free(d->title);
    memset(d, 0, sizeof *d);
    s->docs_more++;
    return;
  }
  s->n_docs++;
  s->docs_bytes += bytes;
}

void crawl_summary_clear(crawl_summary *s) {
  if (!s) return;
  for (size_t i = 0; i < s->n_docs; i++) {
    free(s->docs[i].url);
    free(s->docs[i].number);
    free(s->docs[i].title);
  }
  free(s->docs);
  s->docs = NULL;
  s->n_docs = s->docs_bytes = 0;
}

static int add(json_object *o, const char *key, json_object *v) {
  return json_object_object_add(o, key, v) == 0 ? 0 : -1;
}

static json_object *str_or_null(const char *s) { return s ? json_object_new_string(s) : NULL; }

static json_object *docs_json(const crawl_summary *s) {
  json_object *a = json_object_new_array();
  for (size_t i = 0; a && i < s->n_docs; i++) {
    json_object *d = json_object_new_object();
    if (!d || add(d, "url", json_object_new_string(s->docs[i].url)) != 0 ||
        add(d, "number", str_or_null(s->docs[i].number)) != 0 ||
        add(d, "title", str_or_null(s->docs[i].title)) != 0 ||
        add(d, "change", json_object_new_string(s->docs[i].changed ? "changed" : "new")) != 0 ||
        json_object_array_add(a, d) != 0) {
      json_object_put(d);
      json_object_put(a);
      return NULL;
    }
  }
  return a;
}

char *crawl_summary_json(const crawl_summary *s) {
  const struct {
    const char *key;
    uint64_t value;
  } counts[] = {{"fetched", s->fetched},     {"new", s->new_pages},
                {"changed", s->changed},     {"unchanged", s->unchanged},
                {"not_modified", s->not_modified}, {"duplicate", s->duplicate},
                {"failed", s->failed},       {"gone", s->gone},
                {"broken", s->broken},       {"skipped", s->skipped},
                {"robots_blocked", s->robots_blocked}, {"capped", s->capped},
                {"listings", s->listings},   {"bytes", s->bytes},
                {"indexed", s->indexed},     {"removed", s->removed},
                {"recovered", s->recovered}, {"revisits", s->revisits},
                {"revisits_changed", s->revisits_changed}, {"retrying", s->retrying},
                {"left_new", s->left_new},   {"left_due", s->left_due},
                {"attachments", s->attachments}, {"attachment_pages", s->attachment_pages},
                {"ocr_pages", s->ocr_pages}, {"attachments_failed", s->attachments_failed},
                {"documents_more", s->docs_more}};
  json_object *o = json_object_new_object();
  char iso[TIMEFMT_ISO_LEN];
  int ok = o && add(o, "run", json_object_new_int64(s->run)) == 0 &&
           add(o, "resumed", json_object_new_boolean(s->resumed)) == 0 &&
           add(o, "started", s->started ? json_object_new_string(timefmt_iso(s->started, iso))
                                        : NULL) == 0;
  for (size_t i = 0; ok && i < sizeof counts / sizeof counts[0]; i++)
    ok = add(o, counts[i].key, json_object_new_uint64(counts[i].value)) == 0;
  ok = ok && add(o, "stopped", str_or_null(s->stopped)) == 0 &&
       add(o, "clock_back", json_object_new_int64(s->clock_back)) == 0 &&
       add(o, "indexed_after", json_object_new_int64(s->indexed_after)) == 0;
  json_object *docs = ok ? docs_json(s) : NULL; /* o owns it once added */
  ok = ok && docs && add(o, "documents", docs) == 0;
  char secs[32]; /* to the millisecond, written as such */
  snprintf(secs, sizeof secs, "%.3f", s->seconds);
  ok = ok && add(o, "seconds", json_object_new_double_s(s->seconds, secs)) == 0;
  const char *text = ok ? json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE) : NULL;
  char *out = text ? strdup(text) : NULL;
  json_object_put(o);
  return out;
}

void crawl_report_write(crawler *c) {
  char err[512];
  char *json = crawl_summary_json(c->sum);
  if (!json) return;
  if (store_report_write(c->o->store, json, err, sizeof err) != 0) crawl_stop(c, CRAWL_IO, "%s", err);
  free(json);
}
