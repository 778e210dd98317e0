/* The HTTP side: libmicrohttpd, routing, limits, one database handle per
 * worker. */
#include "web/server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/html.h"
#include "web/web_internal.h"

/* Request headers and the URL must fit in this much memory per connection. */
#define WEB_CONNECTION_MEMORY (32u * 1024)

struct web_server {
  struct MHD_Daemon *daemon;
  engine_db *dbs[WEB_MAX_THREADS];
  pthread_mutex_t locks[WEB_MAX_THREADS];
  size_t n_dbs;
  const char *store;
  uint16_t port;
  char answered; /* its address marks a connection already answered (con_cls) */
};

/* ---- one database handle per request ---- */

/* A free handle: there are as many as worker threads, so one is free; the
 * blocking lock is only a fallback. Returns its index. */
static size_t db_acquire(web_server *s) {
  for (size_t i = 0; i < s->n_dbs; i++)
    if (pthread_mutex_trylock(&s->locks[i]) == 0) return i;
  pthread_mutex_lock(&s->locks[0]);
  return 0;
}

static void db_release(web_server *s, size_t i) { pthread_mutex_unlock(&s->locks[i]); }

/* ---- parameters ---- */

/* The decoded argument `name` into out; 0 absent or fine, -1 too long or malformed. */
static int get_param(struct MHD_Connection *c, const char *name, char *out, size_t cap) {
  out[0] = '\0';
  const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, name);
  if (!v) return 0;
  return html_url_decode(v, strlen(v), out, cap) < 0 ? -1 : 0;
}

static int read_params(struct MHD_Connection *c, web_params *p) {
  char offset[16];
  int rc = get_param(c, "q", p->q, sizeof p->q);
  rc |= get_param(c, "from", p->from, sizeof p->from);
  rc |= get_param(c, "to", p->to, sizeof p->to);
  rc |= get_param(c, "type", p->type, sizeof p->type);
  rc |= get_param(c, "issuer", p->issuer, sizeof p->issuer);
  rc |= get_param(c, "category", p->category, sizeof p->category);
  rc |= get_param(c, "sort", p->sort, sizeof p->sort);
  rc |= get_param(c, "offset", offset, sizeof offset);
  if (rc) return -1;
  char *end;
  unsigned long off = offset[0] ? strtoul(offset, &end, 10) : 0;
  if (offset[0] && (*end || off > WEB_MAX_OFFSET)) return -1;
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
    {"/", 0, page_search},
};

/* path (raw, still percent-encoded) -> handler and decoded argument. For
 * /doc/ID/original, ID is the component before "/original". */
static handler route_of(const char *path, char *arg, size_t cap, int *bad) {
  *bad = 0;
  if (strcmp(path, "/style.css") == 0) return NULL;
  size_t n = strlen(path);
  static const char orig[] = "/original";
  if (strncmp(path, "/doc/", 5) == 0 && n > 5 + sizeof orig - 1 &&
      strcmp(path + n - (sizeof orig - 1), orig) == 0) {
    *bad = html_url_decode(path + 5, n - 5 - (sizeof orig - 1), arg, cap) <= 0;
    return page_original;
  }
  for (size_t i = 0; i < sizeof ROUTES / sizeof ROUTES[0]; i++) {
    size_t plen = strlen(ROUTES[i].prefix);
    if (!ROUTES[i].has_arg) {
      if (strcmp(path, ROUTES[i].prefix) == 0) return ROUTES[i].h;
      continue;
    }
    if (strncmp(path, ROUTES[i].prefix, plen) != 0) continue;
    *bad = html_url_decode(path + plen, n - plen, arg, cap) <= 0;
    return ROUTES[i].h;
  }
  *bad = 1;
  return NULL;
}

/* Builds the reply for one request. */
static void answer(web_server *s, struct MHD_Connection *c, const char *path, web_reply *out) {
  web_params p = {0};
  char arg[WEB_MAX_PARAM + 1] = "";
  int bad;
  handler h = route_of(path, arg, sizeof arg, &bad);
  if (!h && !bad) {
    page_style(out);
    return;
  }
  if (bad) {
    page_error(404, "Không có trang này.", out);
    return;
  }
  if (read_params(c, &p) != 0) {
    page_error(414, "Tham số quá dài hoặc không hợp lệ.", out);
    return;
  }
  size_t slot = db_acquire(s);
  web_req rq = {.db = s->dbs[slot], .store = s->store, .p = &p, .arg = arg};
  h(&rq, out);
  db_release(s, slot);
}

/* Headers every answer carries; the archived original gets its own CSP. */
#define APP_CSP \
  "default-src 'none'; style-src 'self'; img-src 'self' data:; frame-src 'self'; form-action 'self'; " \
  "base-uri 'none'; frame-ancestors 'self'"

static enum MHD_Result send_reply(struct MHD_Connection *c, web_reply *r) {
  if (dynbuf_status(&r->body) != DYNBUF_OK) page_error(500, "Trang quá lớn.", r);
  struct MHD_Response *resp = MHD_create_response_from_buffer(r->body.len, r->body.data ? r->body.data : (void *)"",
                                                              MHD_RESPMEM_MUST_COPY);
  if (!resp) return MHD_NO;
  MHD_add_response_header(resp, "Content-Type", r->content_type);
  MHD_add_response_header(resp, "Content-Security-Policy", r->csp ? r->csp : APP_CSP);
  MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
  MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
  MHD_add_response_header(resp, "Cache-Control", "no-store");
  if (!r->csp) MHD_add_response_header(resp, "X-Frame-Options", "SAMEORIGIN");
  enum MHD_Result ret = MHD_queue_response(c, (unsigned)r->status, resp);
  MHD_destroy_response(resp);
  return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls) {
  (void)version;
  (void)upload;
  web_server *s = cls;
  int readonly = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
  web_reply r;
  if (*upload_size || *con_cls == &s->answered) {
    *upload_size = 0; /* a body is read and dropped */
    return MHD_YES;
  }
  if (!*con_cls) { /* the headers only: refuse writes now, else wait for the end */
    *con_cls = readonly ? (void *)s : (void *)&s->answered;
    if (readonly) return MHD_YES;
  }
  web_reply_init(&r);
  if (!readonly) page_error(405, "Chỉ đọc: chỉ nhận GET và HEAD.", &r);
  else answer(s, c, url, &r);
  enum MHD_Result ret = send_reply(c, &r);
  web_reply_free(&r);
  return ret;
}

/* The path is decoded by route_of (an ID may hold "%2F"); query arguments
 * by read_params. MHD itself leaves them as they came. */
static size_t keep_escaped(void *cls, struct MHD_Connection *c, char *s) {
  (void)cls;
  (void)c;
  return strlen(s);
}

/* ---- start and stop ---- */

int web_is_loopback(const char *address) {
  struct in_addr a;
  return inet_pton(AF_INET, address, &a) == 1 && (ntohl(a.s_addr) >> 24) == 127;
}

static void server_free(web_server *s) {
  for (size_t i = 0; i < s->n_dbs; i++) pthread_mutex_destroy(&s->locks[i]);
  free(s);
}

int web_server_start(const web_config *cfg, web_server **out, char *err, size_t errlen) {
  *out = NULL;
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(cfg->port)};
  if (inet_pton(AF_INET, cfg->address, &sa.sin_addr) != 1) {
    snprintf(err, errlen, "\"%s\" is not an IPv4 address", cfg->address);
    return -1;
  }
  if (cfg->n_dbs < 1 || cfg->n_dbs > WEB_MAX_THREADS) {
    snprintf(err, errlen, "1 to %d database handles are needed", WEB_MAX_THREADS);
    return -1;
  }
  web_server *s = calloc(1, sizeof *s);
  if (!s) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  for (; s->n_dbs < cfg->n_dbs; s->n_dbs++) {
    s->dbs[s->n_dbs] = cfg->dbs[s->n_dbs];
    pthread_mutex_init(&s->locks[s->n_dbs], NULL);
  }
  s->store = cfg->store;
  s->daemon = MHD_start_daemon(
      MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_TURBO, 0, NULL, NULL, on_request, s,
      MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
      MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg->n_dbs,
      MHD_OPTION_CONNECTION_LIMIT, (unsigned)WEB_MAX_CONNECTIONS,
      MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)WEB_MAX_PER_IP,
      MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)WEB_TIMEOUT_SECONDS,
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)WEB_CONNECTION_MEMORY,
      MHD_OPTION_UNESCAPE_CALLBACK, keep_escaped, NULL,
      MHD_OPTION_END);
  if (!s->daemon) {
    snprintf(err, errlen, "cannot listen on %s:%u (in use, or not an address of this machine)",
             cfg->address, (unsigned)cfg->port);
    server_free(s);
    return -1;
  }
  const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
  s->port = info ? info->port : cfg->port;
  *out = s;
  return 0;
}

uint16_t web_server_port(const web_server *s) { return s->port; }

void web_server_stop(web_server *s) {
  if (!s) return;
  MHD_stop_daemon(s->daemon);
  server_free(s);
}
