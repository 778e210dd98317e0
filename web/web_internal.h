/* Declarations shared by the files of the web module; not a public contract. */
#ifndef TRACUU_WEB_INTERNAL_H
#define TRACUU_WEB_INTERNAL_H

#include <stddef.h>

#include "common/dynbuf.h"
#include "engine/engine.h"
#include "query/query.h"
#include "web/server.h"

#define WEB_PAGE_SIZE 10
#define WEB_MAX_OFFSET 10000
#define WEB_MAX_REPLY (16u * 1024 * 1024) /* a reply body never grows past this */
#define WEB_MAX_RELATED 200

/* The search parameters, decoded; "" when absent. q has the CLI's limit. */
typedef struct {
  char q[QUERY_MAX_BYTES + 1];
  char from[WEB_MAX_PARAM + 1], to[WEB_MAX_PARAM + 1];
  char type[WEB_MAX_PARAM + 1], issuer[WEB_MAX_PARAM + 1], category[WEB_MAX_PARAM + 1];
  char sort[16];
  unsigned offset;
} web_params;

/* One request, routed. */
typedef struct {
  engine_db *db;           /* this worker's handle */
  const char *store;       /* or NULL */
  const web_params *p;
  const char *arg;         /* the decoded ID or NUMBER of the path, or NULL */
  size_t left_out;         /* shards left out of this answer (--allow-partial) */
  const char *left_out_names; /* "tcp:HOST:PORT, ..." or "" */
} web_req;

/* What goes back. body is owned by the reply (web_reply_free). */
typedef struct {
  int status;
  const char *content_type; /* static */
  const char *csp;          /* static Content-Security-Policy, or NULL for the default */
  dynbuf body;
} web_reply;

void web_reply_init(web_reply *r);
void web_reply_free(web_reply *r);

/* ---- search.c: the parameters as a query ---- */

/* Fills req from p (dates checked and made YYYY-MM-DD into the two buffers).
 * Returns 0, or -1 with err saying which parameter is wrong. */
int web_request_of(const web_params *p, query_request *req /* OUT */, char from[11], char to[11],
                   char *err /* OUT */, size_t errlen);

/* The archived answer of url in the store. 1 found, 0 none, -1 error (err). */
typedef struct {
  char *body;         /* owned (free) */
  size_t len;
  char ctype[128];    /* the HTTP Content-Type as fetched, or "" */
  char date[40];      /* WARC-Date, or "" */
} web_original;
int web_original_load(const char *store, const char *url, int want_body,
                      web_original *out /* OUT */, char *err /* OUT */, size_t errlen);

/* ---- pages.c: HTML ---- */

/* path + "?q=...&from=..." for p, every non-empty parameter in a fixed order
 * (offset last), each value percent-encoded. */
void web_search_url(dynbuf *b, const char *path, const web_params *p);

void page_search(const web_req *rq, web_reply *out);
void page_doc(const web_req *rq, web_reply *out);
void page_number(const web_req *rq, web_reply *out);
void page_original(const web_req *rq, web_reply *out);
void page_error(int status, const char *message, web_reply *out);
void page_style(web_reply *out);

/* ---- feed.c: Atom ---- */

void feed_search(const web_req *rq, web_reply *out);

/* ---- api.c: JSON ---- */

void api_search(const web_req *rq, web_reply *out);
void api_doc(const web_req *rq, web_reply *out);
void api_number(const web_req *rq, web_reply *out);
/* {"error": {"code": STATUS, "message": "..."}}: every error under /api/. */
void api_error(int status, const char *message, web_reply *out);

/* The HTTP status for an engine status: 400 for a query that cannot be
 * understood, 503 for a shard out of reach or an index that kept changing,
 * 500 otherwise. For a damaged index (ENGINE_CORRUPT, ENGINE_VERSION) err
 * becomes the message that says so and what to do: rebuild it. */
int web_status_of(engine_status st, char *err /* IN/OUT */, size_t errlen);

#endif
