/* What pages and the API share: parameters as a query, archived originals. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "state.h"
#include "warc.h"
#include "web_internal.h"

void web_reply_init(web_reply *r) {
  memset(r, 0, sizeof *r);
  r->status = 200;
  r->content_type = "text/html; charset=utf-8";
  dynbuf_init(&r->body, WEB_MAX_REPLY);
}

void web_reply_free(web_reply *r) { dynbuf_free(&r->body); }

int web_status_of(query_status qs) {
  switch (qs) {
  case QUERY_OK: return 200;
  case QUERY_BAD: return 400;
  case QUERY_NETWORK: return 503;
  default: return 500;
  }
}

static const char *or_null(const char *s) { return s[0] ? s : NULL; }

/* A date parameter into iso, or "" when absent; -1 when it is not a date. */
static int date_param(const char *name, const char *v, int end, char iso[11], char *err,
                      size_t errlen) {
  iso[0] = '\0';
  if (!v[0] || query_parse_date(v, end, iso)) return 0;
  snprintf(err, errlen, "%s: not a date (YYYY-MM-DD, dd/mm/yyyy, YYYY-MM or YYYY)", name);
  return -1;
}

static int sort_param(const char *v, query_sort *out, char *err, size_t errlen) {
  if (!v[0] || strcmp(v, "blend") == 0) *out = QUERY_SORT_BLEND;
  else if (strcmp(v, "relevance") == 0) *out = QUERY_SORT_RELEVANCE;
  else if (strcmp(v, "date") == 0) *out = QUERY_SORT_DATE;
  else {
    snprintf(err, errlen, "sort: relevance, date or blend");
    return -1;
  }
  return 0;
}

int web_request_of(const web_params *p, query_request *req, char from[11], char to[11], char *err,
                   size_t errlen) {
  query_request_init(req);
  if (date_param("from", p->from, 0, from, err, errlen) != 0) return -1;
  if (date_param("to", p->to, 1, to, err, errlen) != 0) return -1;
  if (sort_param(p->sort, &req->sort, err, errlen) != 0) return -1;
  req->text = or_null(p->q);
  req->from = or_null(from);
  req->to = or_null(to);
  req->type = or_null(p->type);
  req->issuer = or_null(p->issuer);
  req->category = or_null(p->category);
  req->offset = p->offset;
  req->limit = WEB_PAGE_SIZE;
  req->facets = 1;
  req->suggest = 1;
  return 0;
}

/* ---- the archived original ---- */

/* Where the store's state says url's last answer is: store/FILE. */
static int original_path(const char *store, const char *url, char path[PATH_MAX],
                         int64_t *offset, char *err, size_t errlen) {
  char state_path[PATH_MAX];
  if (snprintf(state_path, sizeof state_path, "%s/state.sqlite", store) >= (int)sizeof state_path)
    return 0;
  if (access(state_path, R_OK) != 0) return 0; /* no crawl there: never create one */
  crawl_state *st = NULL;
  char *msg = NULL;
  if (state_open(state_path, &st, &msg) != 0) {
    snprintf(err, errlen, "%s", msg ? msg : "cannot open the crawl state");
    free(msg);
    return -1;
  }
  state_page pg;
  int known = state_page_get(st, url, &pg);
  int found = known == 1 && pg.warc_file && !strchr(pg.warc_file, '/') &&
              snprintf(path, PATH_MAX, "%s/%s", store, pg.warc_file) < PATH_MAX;
  *offset = pg.warc_offset;
  if (known < 0) snprintf(err, errlen, "the crawl state cannot be read");
  state_page_clear(&pg);
  state_close(st);
  return known < 0 ? -1 : found;
}

static void copy_field(char *dst, size_t cap, const char *src) {
  snprintf(dst, cap, "%s", src ? src : "");
}

int web_original_load(const char *store, const char *url, int want_body, web_original *out,
                      char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  char path[PATH_MAX];
  int64_t offset = 0;
  int found = store && url ? original_path(store, url, path, &offset, err, errlen) : 0;
  if (found <= 0) return found;
  warc_reader *r = NULL;
  if (warc_reader_open(path, &r, err, errlen) != 0) return -1;
  warc_record rec;
  int rc = -1;
  if (warc_reader_seek(r, offset) == 0) rc = warc_reader_next(r, &rec, err, errlen);
  else snprintf(err, errlen, "%s: cannot seek to %lld", path, (long long)offset);
  if (rc == 1 && strcmp(rec.type, "response") == 0 && rec.target_uri &&
      strcmp(rec.target_uri, url) == 0) {
    copy_field(out->ctype, sizeof out->ctype, rec.content_type);
    copy_field(out->date, sizeof out->date, rec.date);
    if (want_body) {
      out->body = malloc(rec.body_len + 1);
      if (out->body) memcpy(out->body, rec.body, rec.body_len), out->len = rec.body_len;
      else rc = -1, snprintf(err, errlen, "out of memory");
    }
  } else if (rc >= 0) {
    rc = 0; /* the state points at something else: treat as not archived */
  }
  warc_reader_close(r);
  return rc;
}
