/* web: the local search page, `tracuu serve`.
 *
 * A read-only HTTP server (web/http.h) over an index and, when
 * given, the crawl store:
 *   /                  the search page (q, from, to, type, issuer, category,
 *                      sort, offset)
 *   /doc/ID            one document: metadata, the whole text with ?q=
 *                      highlighted, its legal relations, its archived original
 *   /doc/ID/original   the archived page as fetched, under a CSP that allows
 *                      no script and the sandbox directive
 *   /so/NUMBER         the document with that legal number and those citing it
 *   /style.css         the only asset
 *   /api/search, /api/doc/ID, /api/so/NUMBER   the same answers as one JSON
 *                      object: {"hits": [...], ...}, each hit with the keys of
 *                      `tracuu search --json` (query/render_json.h)
 * ID and NUMBER are one percent-encoded path component. An ID is only ever
 * looked up as an index term, never used as a path; the WARC file of an
 * original comes from the store's state, never from the URL.
 *
 * The index is followed while it changes (web/dbpool.h): new commits are
 * seen within DBPOOL_REFRESH_MS, a swapped or deleted index at the next
 * request; a request that meets a remote shard gone or a database changed
 * under it is run once more on fresh handles. The HTTP side (web/http.h)
 * bounds slow and greedy clients. Under /api/ every answer, errors too, is
 * JSON: {"error": {"code": STATUS, "message": "..."}}.
 *
 * Never prints. */
#ifndef TRACUU_WEB_SERVER_H
#define TRACUU_WEB_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "web/dbpool.h"

#define WEB_MAX_THREADS 4
#define WEB_MAX_PARAM 512  /* bytes of a decoded parameter other than q */
#define WEB_MAX_ARGS 32    /* query arguments; more: 400 */

typedef struct {
  dbpool *pool;        /* borrowed: it must outlive the server */
  unsigned threads;    /* worker threads, 1 to WEB_MAX_THREADS (at most the pool's handles) */
  const char *store;   /* the crawl store directory, or NULL: no originals */
  const char *address; /* numeric IPv4 address to bind ("127.0.0.1") */
  uint16_t port;       /* 0 = any free port (see web_server_port) */
  /* Told when a worker is given up (http.h: http_gave_up); may be NULL. Its
   * request got a 500 that names "tracuu check". */
  void (*gave_up)(void *ctx, unsigned left, unsigned workers);
  void *gave_up_ctx;
} web_config;

typedef struct web_server web_server;

/* Starts serving in background threads. On failure returns -1, *out is
 * NULL and err says why (address in use, bad address...). */
int web_server_start(const web_config *cfg, web_server **out /* OUT */, char *err /* OUT */,
                     size_t errlen);

/* The port actually bound. */
uint16_t web_server_port(const web_server *s);

/* 1 when address is a loopback address (127.0.0.0/8). */
int web_is_loopback(const char *address);

/* Workers given up and not come back (http.h: http_given_up). */
unsigned web_server_given_up(web_server *s);

/* Stops accepting, waits for the workers, frees. NULL is ok; not while
 * web_server_given_up says > 0 (those workers may still use the server). */
void web_server_stop(web_server *s);

#endif
