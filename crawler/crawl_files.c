/* crawl_files: the files pages link (PDF, DOCX, ODT, DOC, RTF), read and
 * indexed with the documents that link them.
 *
 * A page and its files are one document. A document page's links to files
 * in the site's scope (at most attachments_per_page) are recorded in the
 * state (link table) and the files queued like new URLs. A file answered
 * with new bytes is stored like a page (its WARC response) and queued for
 * the reader child (attach.h's jobs, one at a time), while the crawl goes
 * on fetching: the OCR of a long scan never holds up the requests in
 * flight. Its text, as read, is kept in the store too, as a WARC
 * "conversion" record right where it was read (the attachment's JSON,
 * model/record.h, with "error" when the read failed), and the state says
 * where (filetext). Then the file is settled: each document linking it is
 * assembled again (its page read back from the store, extracted, the
 * texts of all its files attached) and indexed; a file no document links
 * (one linked from a listing) is a document of its own, under its URL.
 *
 * Until its text is recorded a file is held pending (state.h): a crawl
 * killed meanwhile reads it again on its next run. A replay of the store
 * (tracuu index --from-store) reads the conversion records in order and
 * never reads a file again; a file whose read a killed crawl never ended
 * is not in the replay (the next crawl reads it). */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crawler/crawl_internal.h"

/* Documents one file's settling assembles again at most. */
#define FILES_MAX_PARENTS 64

struct file_job {
  char *url, *warc_file;
  int64_t warc_offset;
  file_job *next;
};

int crawl_is_file(const char *url, const char *content_type, const char *body, size_t len) {
  if (attach_sniff(body ? body : "", len) != ATTACH_TYPE_UNKNOWN) return 1;
  for (const char *p = content_type; p && *p; p++)
    if (strncasecmp(p, "html", 4) == 0) return 0;
  return attach_url_wanted(url, content_type);
}

/* --- links ----------------------------------------------------------------- */

void crawl_files_follow(crawler *c, const extract_result *x, const char *page, int depth) {
  const site_view *s = crawl_site_for(c, page);
  size_t cap = s ? (size_t)s->files_per_page : CONFIG_DEFAULT_FILES_PER_PAGE;
  if (cap > x->n_attachments) cap = x->n_attachments;
  state_link *links = cap ? calloc(cap, sizeof *links) : NULL;
  char **urls = cap ? calloc(cap, sizeof *urls) : NULL;
  size_t n = 0;
  if (cap && (!links || !urls)) {
    crawl_stop(c, CRAWL_NOMEM, "out of memory");
    cap = 0;
  }
  for (size_t i = 0; i < x->n_attachments && n < cap && c->fatal == CRAWL_OK; i++) {
    char *u = fetch_url_resolve(NULL, x->attachments[i].url);
    /* a replay has no sites: what the crawl linked was in its scope */
    int take = u && attach_url_wanted(u, NULL) && (!c->n_sites || crawl_site_for(c, u));
    for (size_t k = 0; take && k < n; k++) take = strcmp(urls[k], u) != 0;
    if (!take) {
      free(u);
      continue;
    }
    urls[n] = u;
    links[n] = (state_link){u, x->attachments[i].text};
    n++;
    if (c->f) crawl_frontier_add_file(c, u, depth < 0 ? 1 : depth + 1);
  }
  /* a listing's files are documents of their own: it is recorded linking none */
  if (c->fatal == CRAWL_OK && crawl_ensure_tx(c) == 0 &&
      state_links_set(c->st, page, links, x->listing ? 0 : n) != 0)
    crawl_stop(c, CRAWL_IO, "%s", state_errmsg(c->st));
  for (size_t k = 0; k < n; k++) free(urls[k]);
  free(urls);
  free(links);
}

/* --- a file's text, kept in the store ------------------------------------- */

/* Reads the record at file/offset back (what the writer holds is flushed
 * first): 1 with *rec filled (valid until the next read), else 0 (logged). */
static int read_back(crawler *c, const char *url, const char *file, int64_t offset,
                     warc_record *rec) {
  char err[512];
  if (c->warc && warc_flush(c->warc, err, sizeof err) != 0) {
    crawl_stop(c, CRAWL_IO, "%s", err);
    return 0;
  }
  if (!c->reader || store_reader_get(c->reader, file, offset, rec, err, sizeof err) != 1) {
    crawl_log(c, url, "cannot read back from the store: %s", c->reader ? err : "no reader");
    return 0;
  }
  return 1;
}

/* The text of file url, if it was read: 1 with *a filled, 0 when not
 * (never read, or its read failed), -1 when the run stopped. */
static int file_text(crawler *c, const char *url, record_attachment *a) {
  char *wf = NULL, err[256];
  int64_t off = 0;
  int ok = 0;
  int got = state_file_text_get(c->st, url, &wf, &off, &ok);
  if (got < 0) crawl_stop(c, CRAWL_IO, "%s", state_errmsg(c->st));
  int rc = got < 0 ? -1 : 0;
  warc_record rec;
  if (got == 1 && ok && read_back(c, url, wf, off, &rec)) {
    if (strcmp(rec.type, "conversion") == 0 &&
        record_attachment_parse(rec.body, rec.body_len, a, err, sizeof err) == 0) {
      rc = 1;
      if (strcmp(a->url, url) != 0) { /* the same bytes under another URL */
        free(a->url);
        if (!(a->url = strdup(url))) {
          record_attachment_clear(a);
          crawl_stop(c, CRAWL_NOMEM, "out of memory");
          rc = -1;
        }
      }
    } else {
      crawl_log(c, url, "the store holds no text of this file where the state says: %s",
                strcmp(rec.type, "conversion") == 0 ? err : "another record");
    }
  }
  free(wf);
  return rc;
}

typedef struct {
  state_link *links;
  size_t n, cap;
  int nomem;
} link_list;

static int keep_link(void *ctx, const state_link *l) {
  link_list *ll = ctx;
  if (ll->n == ll->cap) {
    size_t cap = ll->cap ? ll->cap * 2 : 8;
    state_link *p = realloc(ll->links, cap * sizeof *p);
    if (!p) return ll->nomem = 1;
    ll->links = p;
    ll->cap = cap;
  }
  char *f = strdup(l->file), *t = l->label ? strdup(l->label) : NULL;
  if (!f || (l->label && !t)) {
    free(f);
    free(t);
    return ll->nomem = 1;
  }
  ll->links[ll->n++] = (state_link){f, t};
  return 0;
}

static void link_list_free(link_list *ll) {
  for (size_t i = 0; i < ll->n; i++) {
    free((char *)ll->links[i].file);
    free((char *)ll->links[i].label);
  }
  free(ll->links);
}

int crawl_files_attach(crawler *c, const char *page, extract_result *x) {
  link_list ll = {0};
  if (state_links_of(c->st, page, keep_link, &ll) != 0) crawl_stop(c, CRAWL_IO, "%s", state_errmsg(c->st));
  else if (ll.nomem) crawl_stop(c, CRAWL_NOMEM, "out of memory");
  record *r = &x->rec;
  for (size_t i = 0; i < ll.n && c->fatal == CRAWL_OK && r->n_attachments < RECORD_MAX_ATTACHMENTS; i++) {
    record_attachment a;
    if (file_text(c, ll.links[i].file, &a) != 1) continue;
    record_attachment *grown = realloc(r->attachments, (r->n_attachments + 1) * sizeof *grown);
    if (!grown || (ll.links[i].label && !(a.label = strdup(ll.links[i].label)))) {
      if (grown) r->attachments = grown;
      record_attachment_clear(&a);
      crawl_stop(c, CRAWL_NOMEM, "out of memory");
      break;
    }
    r->attachments = grown;
    r->attachments[r->n_attachments++] = a;
    crawl_unindex(c, ll.links[i].file, 0); /* a document of its own until a page linked it */
  }
  link_list_free(&ll);
  return c->fatal == CRAWL_OK ? 0 : -1;
}

/* --- settling: what a file's text belongs to, indexed again ----------------- */

/* The document of page, assembled again from the store with its files. */
static void assemble(crawler *c, const char *page) {
  state_page p;
  int known = state_page_get(c->st, page, &p);
  if (known < 0) crawl_stop(c, CRAWL_IO, "%s", state_errmsg(c->st));
  warc_record rec;
  extract_result x;
  if (known == 1 && !p.gone && p.warc_file && read_back(c, page, p.warc_file, p.warc_offset, &rec) &&
      rec.http_status == 200 &&
      crawl_extract(c, crawl_site_for(c, page), page, rec.content_type, rec.body, rec.body_len,
                    &x) == 0) {
    if (!x.listing && crawl_files_attach(c, page, &x) == 0) crawl_index(c, page, &x, 0, 0, 1);
    extract_result_clear(&x);
  }
  state_page_clear(&p);
}

/* A file no document links: a document of its own (id and url: its URL;
 * the indexer makes its title from its header or first line). */
static void index_alone(crawler *c, const char *url) {
  extract_result x;
  memset(&x, 0, sizeof x);
  record_attachment a;
  int got = file_text(c, url, &a);
  if (got < 0) return;
  if (got == 0) { /* not read (or no longer): not in the index */
    crawl_unindex(c, url, 0);
    return;
  }
  state_page p; /* stamped with the file's fetch, as a page is */
  int64_t fetched = state_page_get(c->st, url, &p) == 1 ? p.last_fetch : 0;
  state_page_clear(&p);
  x.rec.id = strdup(url);
  x.rec.url = strdup(url);
  x.rec.attachments = malloc(sizeof *x.rec.attachments);
  if (!x.rec.id || !x.rec.url || !x.rec.attachments) {
    record_attachment_clear(&a);
    crawl_stop(c, CRAWL_NOMEM, "out of memory");
  } else {
    x.rec.attachments[0] = a;
    x.rec.n_attachments = 1;
    /* a crawl lists it; a replay lists none */
    crawl_index(c, url, &x, crawl_stamp(c, fetched), c->store != NULL, 0);
  }
  extract_result_clear(&x);
}

typedef struct {
  char *urls[FILES_MAX_PARENTS];
  size_t n;
  int nomem;
} parents;

static int keep_parent(void *ctx, const char *url) {
  parents *p = ctx;
  if (p->n == FILES_MAX_PARENTS) return 1;
  if (!(p->urls[p->n] = strdup(url))) return p->nomem = 1;
  p->n++;
  return 0;
}

void crawl_files_settle(crawler *c, const char *file) {
  parents ps = {.n = 0};
  if (c->fatal != CRAWL_OK) return;
  if (state_linked_from(c->st, file, keep_parent, &ps) != 0)
    crawl_stop(c, CRAWL_IO, "%s", state_errmsg(c->st));
  else if (ps.nomem)
    crawl_stop(c, CRAWL_NOMEM, "out of memory");
  else if (ps.n == 0)
    index_alone(c, file);
  else
    crawl_unindex(c, file, 0); /* it was alone before a document linked it */
  for (size_t i = 0; i < ps.n && c->fatal == CRAWL_OK; i++) assemble(c, ps.urls[i]);
  for (size_t i = 0; i < ps.n; i++) free(ps.urls[i]);
}

/* --- reading --------------------------------------------------------------- */

/* What a read gave, counted and kept: its text (or why there is none) as a
 * conversion record, the state told where, the file no longer held. */
static void read_done(crawler *c, const char *url, attach_status st, const attach_doc *doc,
                      const char *why) {
  record_attachment a;
  memset(&a, 0, sizeof a);
  int ok = st == ATTACH_OK;
  char err[512];
  snprintf(err, sizeof err, "%s%s%s", attach_strerror(st), why && why[0] ? ": " : "", why ? why : "");
  if (ok && attach_doc_to_record(doc, url, NULL, &a) != 0) {
    crawl_stop(c, CRAWL_NOMEM, "out of memory");
    return;
  }
  char *json = NULL;
  if (ok) {
    json = record_attachment_to_json(&a, 1);
  } else { /* why it could not be read, for a replay to count */
    json_object *o = json_object_new_object();
    if (o) {
      json_object_object_add(o, "url", json_object_new_string(url));
      json_object_object_add(o, "error", json_object_new_string(err));
      const char *t = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
      json = t ? strdup(t) : NULL;
      json_object_put(o);
    }
  }
  if (!json) crawl_stop(c, CRAWL_NOMEM, "out of memory");
  const char *file;
  int64_t off;
  char werr[512];
  if (json && crawl_ensure_tx(c) == 0) {
    if (warc_append_conversion(c->warc, url, crawl_clock(c), "application/json", json,
                               strlen(json), &file, &off, werr, sizeof werr) != 0)
      crawl_stop(c, CRAWL_IO, "%s", werr);
    else if (state_file_text_set(c->st, url, file, off, ok) != 0 ||
             state_pending_hold(c->st, url, 0) != 0)
      crawl_stop(c, CRAWL_IO, "%s", state_errmsg(c->st));
    c->warc_dirty = 1;
  }
  free(json);
  record_attachment_clear(&a);
  if (ok) {
    c->sum->attachments++;
    c->sum->attachment_pages += doc->n_page;
    c->sum->ocr_pages += (uint64_t)doc->ocr_pages;
  } else {
    c->sum->attachments_failed++;
    crawl_log(c, url, "attachment not read: %s", err);
  }
  crawl_files_settle(c, url);
}

static void job_free(file_job *j) {
  if (!j) return;
  free(j->url);
  free(j->warc_file);
  free(j);
}

void crawl_files_read(crawler *c, const char *url, const char *warc_file, int64_t warc_offset) {
  if (!c->warc) { /* a replay writes nothing: a crawl will read it */
    crawl_log(c, url, "this file was stored but never read: crawl again to read it");
    return;
  }
  file_job *j = calloc(1, sizeof *j);
  if (!j || !(j->url = strdup(url)) || !(j->warc_file = strdup(warc_file))) {
    job_free(j);
    crawl_stop(c, CRAWL_NOMEM, "out of memory");
    return;
  }
  j->warc_offset = warc_offset;
  if (crawl_ensure_tx(c) == 0 && state_pending_hold(c->st, url, 1) != 0)
    crawl_stop(c, CRAWL_IO, "%s", state_errmsg(c->st));
  if (c->jobs_tail) c->jobs_tail->next = j;
  else c->jobs = j;
  c->jobs_tail = j;
}

/* Starts the reader on the next file queued (a file that cannot be
 * started ends at once, as a failed read). */
static void start_next(crawler *c) {
  while (!c->job && c->jobs && c->fatal == CRAWL_OK) {
    file_job *j = c->jobs;
    c->jobs = j->next;
    if (!c->jobs) c->jobs_tail = NULL;
    j->next = NULL;
    warc_record rec;
    char err[256] = "";
    attach_status st = ATTACH_SYSTEM;
    if (read_back(c, j->url, j->warc_file, j->warc_offset, &rec)) {
      st = attach_job_start(rec.body ? rec.body : "", rec.body_len, j->url, rec.content_type,
                            &c->aopt, &c->job, err, sizeof err);
    } else {
      snprintf(err, sizeof err, "its answer could not be read back from the store");
    }
    if (c->job) {
      c->reading = j;
      return;
    }
    read_done(c, j->url, st, NULL, err);
    job_free(j);
  }
}

int crawl_files_pump(crawler *c, int wait_ms) {
  start_next(c);
  if (c->job) {
    attach_doc doc;
    attach_status st;
    char err[256];
    if (attach_job_poll(c->job, wait_ms, &st, &doc, err, sizeof err)) {
      attach_job_free(c->job);
      c->job = NULL;
      file_job *j = c->reading;
      c->reading = NULL;
      if (c->fatal == CRAWL_OK) read_done(c, j->url, st, &doc, err);
      attach_doc_clear(&doc);
      job_free(j);
      start_next(c);
    }
  }
  return c->job != NULL || c->jobs != NULL;
}

void crawl_files_free(crawler *c) {
  attach_job_free(c->job);
  c->job = NULL;
  job_free(c->reading);
  c->reading = NULL;
  while (c->jobs) {
    file_job *j = c->jobs;
    c->jobs = j->next;
    job_free(j);
  }
  c->jobs_tail = NULL;
  store_reader_free(c->reader);
  c->reader = NULL;
}

/* --- replay ------------------------------------------------------------------ */

void crawl_files_replayed(crawler *c, const warc_record *rec) {
  const char *url = rec->target_uri;
  json_tokener *tok = json_tokener_new();
  json_object *o = tok ? json_tokener_parse_ex(tok, rec->body ? rec->body : "",
                                               (int)(rec->body_len < 0x7fffffff ? rec->body_len : 0))
                       : NULL;
  json_tokener_free(tok);
  json_object *e = NULL, *v = NULL;
  int ok = o && !json_object_object_get_ex(o, "error", &e);
  if (ok) {
    c->sum->attachments++;
    if (json_object_object_get_ex(o, "ocr_pages", &v)) c->sum->ocr_pages += (uint64_t)json_object_get_int64(v);
    const char *text = json_object_object_get_ex(o, "text", &v) ? json_object_get_string(v) : "";
    uint64_t pages = 1;
    for (const char *p = text; p && *p; p++) pages += *p == '\f';
    c->sum->attachment_pages += text && text[0] ? pages : 0;
  } else {
    c->sum->attachments_failed++;
  }
  json_object_put(o);
  if (crawl_ensure_tx(c) != 0) return;
  if (state_file_text_set(c->st, url, rec->file, rec->offset, ok) != 0 ||
      state_pending_hold(c->st, url, 0) != 0) {
    crawl_stop(c, CRAWL_IO, "%s", state_errmsg(c->st));
    return;
  }
  crawl_files_settle(c, url);
}
