/* The JSON API: one object per answer, {"hits": [...], ...}; each hit with
 * the keys of `tracuu search --json` (render_json.h). Every answer says
 * whether shards were left out ("partial", "left_out"); every error is
 * {"error": {"code": STATUS, "message": "..."}}. */
#include <stdio.h>
#include <string.h>

#include "query/render_json.h"
#include "web/html.h"
#include "web/web_internal.h"

/* JSON text is UTF-8: a byte that is not (from a message of a library, say)
 * becomes U+FFFD rather than reach a client. */
static void append_utf8(dynbuf *b, const char *s) {
  size_t n = strlen(s);
  if (html_utf8_valid(s, n)) {
    dynbuf_append(b, s, n);
    return;
  }
  for (size_t i = 0; i < n; i++) {
    size_t len = 1;
    while (len <= 4 && i + len <= n && !html_utf8_valid(s + i, len)) len++;
    if (len <= 4 && i + len <= n) {
      dynbuf_append(b, s + i, len);
      i += len - 1;
    } else {
      dynbuf_append_str(b, "\xEF\xBF\xBD");
    }
  }
}

static void api_reply(json_object *o, int status, web_reply *out) {
  out->status = status;
  out->content_type = "application/json; charset=utf-8";
  append_utf8(&out->body, o ? render_json_text(o) : "{}");
  dynbuf_append_byte(&out->body, '\n');
  json_object_put(o);
}

void api_error(int status, const char *message, web_reply *out) {
  json_object *e = json_object_new_object();
  json_object_object_add(e, "code", json_object_new_int(status));
  json_object_object_add(e, "message", json_object_new_string(message));
  json_object *o = json_object_new_object();
  json_object_object_add(o, "error", e);
  dynbuf_reset(&out->body);
  out->csp = NULL;
  api_reply(o, status, out);
}

/* "partial": whether shards were left out, "left_out": their names. */
static void add_partial(json_object *o, const web_req *rq) {
  json_object_object_add(o, "partial", json_object_new_boolean(rq->left_out > 0));
  if (!rq->left_out) return;
  json_object *names = json_object_new_array();
  for (const char *n = rq->left_out_names; *n;) {
    size_t len = strcspn(n, ",");
    json_object_array_add(names, json_object_new_string_len(n, (int)len));
    n += len;
    n += strspn(n, ", ");
  }
  json_object_object_add(o, "left_out", names);
}

/* {"hits": [...], summary keys..., "partial": ...} */
static json_object *hits_object(const web_req *rq, const query_result *res) {
  json_object *o = render_json_summary(res);
  json_object *hits = json_object_new_array();
  for (size_t i = 0; i < res->n_hits; i++) json_object_array_add(hits, render_json_hit(&res->hits[i], 0));
  json_object_object_add(o, "hits", hits);
  add_partial(o, rq);
  return o;
}

void api_search(const web_req *rq, web_reply *out) {
  query_request req;
  char from[11], to[11], err[1024];
  query_result *res = NULL;
  if (web_request_of(rq->p, &req, from, to, err, sizeof err) != 0) {
    api_error(400, err, out);
    return;
  }
  engine_status qs = query_run(rq->db, &req, &res, err, sizeof err);
  if (qs != ENGINE_OK) {
    api_error(web_status_of(qs, err, sizeof err), err, out);
    return;
  }
  api_reply(hits_object(rq, res), 200, out);
  query_result_free(res);
}

static json_object *related_array(const query_related *rel) {
  json_object *a = json_object_new_array();
  for (size_t i = 0; rel && i < rel->n; i++) json_object_array_add(a, render_json_related(&rel->items[i]));
  return a;
}

void api_doc(const web_req *rq, web_reply *out) {
  char err[1024];
  query_result *res = NULL;
  engine_status qs = query_doc(rq->db, rq->arg, rq->p->q[0] ? rq->p->q : NULL, &res, err, sizeof err);
  if (qs != ENGINE_OK) {
    api_error(web_status_of(qs, err, sizeof err), err, out);
    return;
  }
  if (res->n_hits == 0) {
    query_result_free(res);
    api_error(404, "no document with this id", out);
    return;
  }
  json_object *o = hits_object(rq, res);
  query_related *rel = NULL;
  const char *num = res->hits[0].rec.number;
  if (num && query_related_run(rq->db, num, WEB_MAX_RELATED, &rel, err, sizeof err) != ENGINE_OK)
    rel = NULL;
  json_object_object_add(o, "related", related_array(rel));
  query_related_free(rel);
  query_result_free(res);
  api_reply(o, 200, out);
}

void api_number(const web_req *rq, web_reply *out) {
  char err[1024];
  query_result *res = NULL;
  engine_status qs = query_ref(rq->db, rq->arg, 100, &res, err, sizeof err);
  if (qs != ENGINE_OK) {
    api_error(web_status_of(qs, err, sizeof err), err, out);
    return;
  }
  api_reply(hits_object(rq, res), 200, out);
  query_result_free(res);
}
