/* What pages and the API share: parameters as a query, archived originals. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"
#include "web/web_internal.h"

void web_reply_init(web_reply *r) {
  memset(r, 0, sizeof *r);
  r->status = 200;
  r->content_type = "text/html; charset=utf-8";
  dynbuf_init(&r->body, WEB_MAX_REPLY);
}

void web_reply_free(web_reply *r) { dynbuf_free(&r->body); }

int web_status_of(engine_status st, char *err, size_t errlen) {
  switch (st) {
  case ENGINE_OK: return 200;
  case ENGINE_BAD_QUERY:
  case ENGINE_INVALID: return 400;
  case ENGINE_NETWORK:
  case ENGINE_RETRY: return 503;
  case ENGINE_CORRUPT:
  case ENGINE_VERSION: {
    char why[512];
    snprintf(why, sizeof why, "%s", err);
    snprintf(err, errlen,
             "Chỉ mục không đọc được (%s: %s). Người quản trị: \"tracuu check\" cho biết chỗ "
             "hỏng; hãy dựng lại chỉ mục (tracuu index, hoặc tracuu index --from-store).",
             engine_strerror(st), why);
    return 500;
  }
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

static void copy_field(char *dst, size_t cap, const char *src) {
  snprintf(dst, cap, "%s", src ? src : "");
}

int web_original_load(const char *store, const char *url, int want_body, web_original *out,
                      char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  store_original so;
  int rc = store_original_load(store, url, want_body, &so, err, errlen);
  if (rc != 1) return rc;
  copy_field(out->ctype, sizeof out->ctype, so.content_type);
  copy_field(out->date, sizeof out->date, so.date);
  out->body = so.body; /* handed over */
  out->len = so.len;
  so.body = NULL;
  store_original_clear(&so);
  return 1;
}
