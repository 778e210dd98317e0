/* The JSON API: one object per answer, {"hits": [...], ...}; each hit with
 * the keys of `tracuu search --json` (render_json.h). */
#include <stdio.h>
#include <string.h>

#include "query/render_json.h"
#include "web/web_internal.h"

static void api_reply(json_object *o, int status, web_reply *out) {
  out->status = status;
  out->content_type = "application/json; charset=utf-8";
  dynbuf_append_str(&out->body, o ? render_json_text(o) : "{}");
  dynbuf_append_byte(&out->body, '\n');
  json_object_put(o);
}

static void api_error(int status, const char *message, web_reply *out) {
  json_object *o = json_object_new_object();
  json_object_object_add(o, "error", json_object_new_string(message));
  api_reply(o, status, out);
}

/* {"hits": [...], summary keys...} */
static json_object *hits_object(const query_result *res) {
  json_object *o = render_json_summary(res);
  json_object *hits = json_object_new_array();
  for (size_t i = 0; i < res->n_hits; i++) json_object_array_add(hits, render_json_hit(&res->hits[i], 0));
  json_object_object_add(o, "hits", hits);
  return o;
}

void api_search(const web_req *rq, web_reply *out) {
  query_request req;
  char from[11], to[11], err[300];
  query_result *res = NULL;
  if (web_request_of(rq->p, &req, from, to, err, sizeof err) != 0) {
    api_error(400, err, out);
    return;
  }
  query_status qs = query_run(rq->db, &req, &res, err, sizeof err);
  if (qs != QUERY_OK) {
    api_error(web_status_of(qs), err, out);
    return;
  }
  api_reply(hits_object(res), 200, out);
  query_result_free(res);
}

static json_object *related_array(const query_related *rel) {
  json_object *a = json_object_new_array();
  for (size_t i = 0; rel && i < rel->n; i++) json_object_array_add(a, render_json_related(&rel->items[i]));
  return a;
}

void api_doc(const web_req *rq, web_reply *out) {
  char err[300];
  query_result *res = NULL;
  query_status qs = query_doc(rq->db, rq->arg, rq->p->q[0] ? rq->p->q : NULL, &res, err, sizeof err);
  if (qs != QUERY_OK) {
    api_error(web_status_of(qs), err, out);
    return;
  }
  if (res->n_hits == 0) {
    query_result_free(res);
    {
    api_error(404, "no document with this id", out);
    return;
  }
  }
  json_object *o = hits_object(res);
  query_related *rel = NULL;
  const char *num = res->hits[0].rec.number;
  if (num && query_related_run(rq->db, num, WEB_MAX_RELATED, &rel, err, sizeof err) != QUERY_OK)
    rel = NULL;
  json_object_object_add(o, "related", related_array(rel));
  query_related_free(rel);
  query_result_free(res);
  api_reply(o, 200, out);
}

void api_number(const web_req *rq, web_reply *out) {
  char err[300];
  query_result *res = NULL;
  query_status qs = query_ref(rq->db, rq->arg, 100, &res, err, sizeof err);
  if (qs != QUERY_OK) {
    api_error(web_status_of(qs), err, out);
    return;
  }
  api_reply(hits_object(res), 200, out);
  query_result_free(res);
}
