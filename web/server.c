/* The application side of the server: routing, parameters, a fresh index
 * handle per request (dbpool.h), the headers every answer carries, and
 * errors worded for where they land (JSON under /api/, else a page). The
 * HTTP side is http.c. */
#include "web/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "web/html.h"
#include "web/http.h"
#include "web/web_internal.h"

struct web_server {
  http_server *http;
  dbpool *pool;
  const char *store;
  void (*gave_up)(void *ctx, unsigned left, unsigned workers);
  void *gave_up_ctx;
};

static int is_api(const char *target) { return strncmp(target, "/api/", 5) == 0; }

/* An error in the words of where it lands. */
static void web_error(int api, int status, const char *message, web_reply *out) {
  if (api) api_error(status, message, out);
  else page_error(status, message, out);
}

/* ---- parameters ---- */

typedef struct {
  const char *name;
  size_t offset, cap;
} param_field;

#define FIELD(f) {#f, offsetof(web_params, f), sizeof(((web_params *)0)->f)}
static const param_field FIELDS[] = {FIELD(q),      FIELD(from),     FIELD(to), FIELD(type),
                                     FIELD(issuer), FIELD(category), FIELD(sort)};
#undef FIELD

/* The query string into p: each known name's first value, decoded. 0, or an
 * HTTP status with *why. */
static int read_params(const char *query, web_params *p, char *why, size_t whylen) {
  char offset[16] = "";
  unsigned args = 0;
  unsigned char seen[sizeof FIELDS / sizeof FIELDS[0] + 1] = {0};
  for (const char *a = query; a && *a;) {
    size_t n = strcspn(a, "&");
    const char *eq = memchr(a, '=', n);
    size_t nl = eq ? (size_t)(eq - a) : n;
    const char *v = eq ? eq + 1 : a + n;
    size_t vl = (size_t)(a + n - v);
    if (n && ++args > WEB_MAX_ARGS) {
      snprintf(why, whylen, "too many query parameters (at most %d)", WEB_MAX_ARGS);
      return 400;
    }
    size_t k = 0, nf = sizeof FIELDS / sizeof FIELDS[0];
    while (k < nf && !(strlen(FIELDS[k].name) == nl && memcmp(FIELDS[k].name, a, nl) == 0)) k++;
    int is_offset = nl == 6 && memcmp(a, "offset", 6) == 0;
    if ((k < nf || is_offset) && !seen[is_offset ? nf : k]) {
      seen[is_offset ? nf : k] = 1;
      char *out = is_offset ? offset : (char *)p + FIELDS[k].offset;
      size_t cap = is_offset ? sizeof offset : FIELDS[k].cap, len;
      const char *name = is_offset ? "offset" : FIELDS[k].name;
      switch (html_url_decode_arg(v, vl, 1, out, cap, &len)) {
      case HTML_DECODED: break;
      case HTML_DECODE_TOO_LONG:
        snprintf(why, whylen, "%s: longer than %zu bytes", name, cap - 1);
        return 414;
      case HTML_DECODE_NOT_UTF8:
        snprintf(why, whylen, "%s: not UTF-8", name);
        return 400;
      case HTML_DECODE_MALFORMED:
        snprintf(why, whylen, "%s: a malformed %%-escape or a NUL byte", name);
        return 400;
      }
    }
    a += n;
    if (*a) a++;
  }
  char *end;
  unsigned long off = offset[0] ? strtoul(offset, &end, 10) : 0;
  if (offset[0] && (*end || offset[0] == '-' || off > WEB_MAX_OFFSET)) {
    snprintf(why, whylen, "offset: a whole number from 0 to %d", WEB_MAX_OFFSET);
    return 400;
  }
  p->offset = (unsigned)off;
  return 0;
}

/* ---- routing ---- */

typedef void (*handler)(const web_req *rq, web_reply *out);

typedef struct {
  const char *prefix; /* the path, or its start when the rest is an argument */
  int has_arg;
  handler h;
} route;

static const route ROUTES[] = {
    {"/api/search", 0, api_search},
    {"/api/doc/", 1, api_doc},
    {"/api/so/", 1, api_number},
    {"/doc/", 1, page_doc},
    {"/so/", 1, page_number},
    {"/feed", 0, feed_search},
    {"/", 0, page_search},
};

/* The decoded path argument: 0, or the status to answer (404 for an empty
 * one, 400 for bytes that are not UTF-8 or a malformed escape). */
static int decode_arg(const char *s, size_t n, char *arg, size_t cap) {
  size_t len;
  html_decode_status st = html_url_decode_arg(s, n, 0, arg, cap, &len);
  if (st == HTML_DECODED) return len ? 0 : 404;
  return st == HTML_DECODE_TOO_LONG ? 414 : 400;
}

/* path [0, n) (still percent-encoded) -> handler and decoded argument
 * (arg holds n + 1 bytes); *bad is 0 or the status to answer instead. For
 * /doc/ID/original, ID is the component before "/original". NULL with
 * *bad = 0: the stylesheet. */
static handler route_of(const char *path, size_t n, char *arg, int *bad) {
  *bad = 0;
  if (n == 10 && memcmp(path, "/style.css", 10) == 0) return NULL;
  static const char orig[] = "/original";
  size_t ol = sizeof orig - 1;
  if (strncmp(path, "/doc/", 5) == 0 && n > 5 + ol && memcmp(path + n - ol, orig, ol) == 0) {
    *bad = decode_arg(path + 5, n - 5 - ol, arg, n + 1);
    return page_original;
  }
  for (size_t i = 0; i < sizeof ROUTES / sizeof ROUTES[0]; i++) {
    size_t plen = strlen(ROUTES[i].prefix);
    if (!ROUTES[i].has_arg) {
      if (n == plen && memcmp(path, ROUTES[i].prefix, n) == 0) return ROUTES[i].h;
      continue;
    }
    if (n < plen || memcmp(path, ROUTES[i].prefix, plen) != 0) continue;
    *bad = decode_arg(path + plen, n - plen, arg, n + 1);
    return ROUTES[i].h;
  }
  *bad = 404;
  return NULL;
}

/* The status and message for an index that cannot be leased. */
static int unavailable(engine_status st, const char *msg, char *why, size_t whylen) {
  switch (st) {
  case ENGINE_NO_INDEX:
    snprintf(why, whylen, "no index to serve (%s): it was deleted or moved, or is being "
                          "rebuilt; it is served again as soon as it is back", msg);
    return 503;
  case ENGINE_NETWORK:
    snprintf(why, whylen, "a shard is out of reach: %s (tracuu serve --allow-partial "
                          "answers from the others)", msg);
    return 503;
  case ENGINE_CORRUPT:
  case ENGINE_VERSION:
    snprintf(why, whylen, "the index cannot be read (%s): %s; rebuild it", engine_strerror(st), msg);
    return 500;
  default:
    snprintf(why, whylen, "cannot open the index: %s", msg);
    return st == ENGINE_IO || st == ENGINE_LOCKED ? 503 : 500;
  }
}

/* A first try that failed faster than this is tried again (a dropped
 * connection fails at once); one that waited out a shard's --timeout is not,
 * so a shard that hangs costs one --timeout, not two. */
#define WEB_RETRY_FAST_MS 500

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Runs h on a fresh handle; once more on new handles when the first try
 * failed fast on the server's side (a shard whose connection dropped, a
 * database that changed under the request, a record read in the middle of
 * a swap): only what fails twice is answered as a failure. */
static void run_with_index(web_server *s, handler h, web_req *rq, int api, web_reply *out) {
  double start = now_ms();
  for (int attempt = 0; attempt < 2; attempt++) {
    dbpool_lease lease;
    char msg[600], why[800];
    engine_status st = dbpool_acquire(s->pool, &lease, msg, sizeof msg);
    if (st != ENGINE_OK) {
      int status = unavailable(st, msg, why, sizeof why);
      web_error(api, status, why, out);
      return;
    }
    rq->db = lease.db;
    rq->left_out = lease.left_out;
    rq->left_out_names = lease.left_out_names;
    web_reply_free(out);
    web_reply_init(out);
    h(rq, out);
    int failed = out->status >= 500;
    dbpool_release(s->pool, &lease, failed);
    rq->db = NULL;
    rq->left_out_names = "";
    if (!failed || now_ms() - start > WEB_RETRY_FAST_MS) return;
  }
}

static void answer(web_server *s, const char *target, web_reply *out) {
  int api = is_api(target);
  size_t n = strcspn(target, "?");
  const char *query = target[n] ? target + n + 1 : "";
  char *arg = malloc(n + 1);
  web_params *p = calloc(1, sizeof *p);
  char why[300];
  int bad = 0;
  handler h = arg && p ? route_of(target, n, arg, &bad) : NULL;
  int status;
  if (!arg || !p) web_error(api, 500, "out of memory", out);
  else if (!h && !bad) page_style(out);
  else if (bad == 404) web_error(api, 404, api ? "no such page or document" : "Không có trang này.", out);
  else if (bad) web_error(api, bad, api ? "the path is not UTF-8, or holds a malformed %-escape"
                                        : "Đường dẫn không hợp lệ (không phải UTF-8).", out);
  else if ((status = read_params(query, p, why, sizeof why)) != 0) web_error(api, status, why, out);
  else {
    web_req rq = {.store = s->store, .p = p, .arg = arg, .left_out_names = ""};
    run_with_index(s, h, &rq, api, out);
  }
  free(arg);
  free(p);
}

/* Headers every answer carries; the archived original gets its own CSP. */
#define APP_CSP \
  "default-src 'none'; style-src 'self'; img-src 'self' data:; frame-src 'self'; form-action 'self'; " \
  "base-uri 'none'; frame-ancestors 'self'"

/* A request whose worker was given up (http.h): measured, Xapian 1.4.22
 * loops for ever on some damaged blocks of an index. */
#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)
#define GIVEN_UP_MESSAGE                                                                          \
  "Không có câu trả lời sau " STRINGIFY(HTTP_HANDLER_CPU_SECONDS) " giây CPU (Xapian lặp mãi "     \
  "trên một số khối hỏng của chỉ mục). Người quản trị: \"tracuu check\" cho biết chỗ hỏng; hãy " \
  "dựng lại chỉ mục (tracuu index, hoặc tracuu index --from-store)."

static void on_request(void *ctx, const http_request *hr, http_reply *out) {
  web_server *s = ctx;
  web_reply r;
  web_reply_init(&r);
  if (hr->refused == 500 && hr->why && strcmp(hr->why, HTTP_WHY_GIVEN_UP) == 0)
    web_error(is_api(hr->target), 500, GIVEN_UP_MESSAGE, &r);
  else if (hr->refused) web_error(is_api(hr->target), hr->refused, hr->why, &r);
  else answer(s, hr->target, &r);
  if (dynbuf_status(&r.body) != DYNBUF_OK) web_error(is_api(hr->target), 500, "the answer is too large", &r);
  out->status = r.status;
  dynbuf_printf(&out->headers,
                "Content-Type: %s\r\nContent-Security-Policy: %s\r\nX-Content-Type-Options: nosniff\r\n"
                "Referrer-Policy: no-referrer\r\nCache-Control: no-store\r\n%s",
                r.content_type, r.csp ? r.csp : APP_CSP, r.csp ? "" : "X-Frame-Options: SAMEORIGIN\r\n");
  dynbuf_free(&out->body);
  out->body = r.body; /* handed over */
}

static void on_gave_up(void *ctx, unsigned left, unsigned workers) {
  web_server *s = ctx;
  if (s->gave_up) s->gave_up(s->gave_up_ctx, left, workers);
}

/* ---- start and stop ---- */

int web_is_loopback(const char *address) {
  struct in_addr a;
  return inet_pton(AF_INET, address, &a) == 1 && (ntohl(a.s_addr) >> 24) == 127;
}

int web_server_start(const web_config *cfg, web_server **out, char *err, size_t errlen) {
  *out = NULL;
  if (!cfg->pool || cfg->threads < 1 || cfg->threads > WEB_MAX_THREADS) {
    snprintf(err, errlen, "an index and 1 to %d threads are needed", WEB_MAX_THREADS);
    return -1;
  }
  web_server *s = calloc(1, sizeof *s);
  if (!s) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  s->pool = cfg->pool;
  s->store = cfg->store;
  s->gave_up = cfg->gave_up;
  s->gave_up_ctx = cfg->gave_up_ctx;
  http_config hc = {cfg->address, cfg->port, cfg->threads, on_request, s, on_gave_up};
  if (http_start(&hc, &s->http, err, errlen) != 0) {
    free(s);
    return -1;
  }
  *out = s;
  return 0;
}

uint16_t web_server_port(const web_server *s) { return http_port(s->http); }

unsigned web_server_given_up(web_server *s) { return http_given_up(s->http); }

void web_server_stop(web_server *s) {
  if (!s) return;
  http_stop(s->http);
  free(s);
}
