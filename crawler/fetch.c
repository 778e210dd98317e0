/* fetch: a queue per host, one transfer per host at a time, libcurl's
 * multi handle underneath. Redirects and retries go back to the front of
 * their host's queue, so they obey the host's delay like any request. */
#include "crawler/fetch.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <arpa/inet.h>
#include <poll.h>
#include <sys/socket.h>

typedef struct host host;

/* A connection libcurl keeps open after an answer: its socket and the
 * socket's local address, which tells it from a later socket that got the
 * same descriptor number. libcurl owns the socket: it is only ever looked
 * at (poll, MSG_PEEK) or shut down here, never closed. */
typedef struct {
  curl_socket_t fd; /* CURL_SOCKET_BAD: none */
  struct sockaddr_storage local;
  socklen_t local_len;
} conn_id;

typedef struct job {
  struct job *next;
  char *url, *cur;            /* as added; current (after redirects) */
  char *etag, *last_modified; /* validators to send, or NULL */
  void *user;
  unsigned attempts, redirects;
  host *host;
  /* The transfer in progress. */
  CURL *easy;
  int in_multi; /* easy is added to the multi handle */
  struct curl_slist *headers;
  dynbuf body, request, response;
  int body_over, headers_over;
  char errbuf[CURL_ERROR_SIZE];
  char refused_ip[64]; /* the private address refused (open_public_socket, refuse_private), or "" */
  int excess;          /* libcurl found bytes past the answer's end (EXCESS_*) */
  size_t max_body;     /* this request's body cap */
  /* An answer waiting for FETCH_SETTLE_MS of silence on its connection. */
  conn_id conn;
  CURLcode rc;
  int64_t judge_at;
  /* The final answer, kept until the done callback. */
  long code;
  fetch_error error;
  char message[512];
} job;

struct host {
  char *origin;
  long delay_ms;   /* -1: the fetcher's default */
  int64_t next_ok; /* monotonic ms before which nothing starts */
  int64_t last_end; /* when the last answer came */
  job *active;     /* the transfer running now: at most one per host */
  job *settling;   /* an answer waiting for its connection's silence (FETCH_SETTLE_MS) */
  conn_id conn;    /* the connection kept after the last answer that settled */
  job *head, *tail;
};

struct fetcher {
  fetch_options o;
  char *user_agent;
  CURLM *multi;
  host **hosts;
  size_t n_hosts, cap_hosts, next_host; /* next_host: round-robin start */
  size_t queued, running, settling;
  int kicked; /* transfers were driven after the last poll: answers may wait unread */
};

/* The answer's validators and type, copied out of libcurl's storage. */
typedef struct {
  char etag[256], last_modified[64], content_type[128];
} answer_fields;

enum { EXCESS_NONE, EXCESS_LENGTH, EXCESS_CHUNKED };

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

const char *fetch_strerror(fetch_error e) {
  switch (e) {
  case FETCH_OK: return "ok";
  case FETCH_HTTP: return "server error";
  case FETCH_TIMEOUT: return "timeout";
  case FETCH_TOO_BIG: return "too big";
  case FETCH_TRUNCATED: return "truncated";
  case FETCH_REDIRECT: return "bad redirect";
  case FETCH_NETWORK: return "network error";
  case FETCH_BAD_URL: return "bad URL";
  case FETCH_NOMEM: return "out of memory";
  case FETCH_FRAMING: return "bad framing";
  }
  return "?";
}

void fetch_options_default(fetch_options *o) {
  memset(o, 0, sizeof *o);
  o->user_agent = "tracuu/" TRACUU_VERSION;
  o->delay_ms = 1000;
  o->connect_timeout_ms = 15000;
  o->timeout_ms = 60000;
  o->low_speed_bytes = 512;
  o->low_speed_secs = 30;
  o->max_body = 16u * 1024 * 1024;
  o->max_redirects = 5;
  o->max_retries = 2;
  o->retry_base_ms = 1000;
  o->max_retry_after_ms = 120000;
  o->max_parallel = 4;
}

/* --- URLs ---------------------------------------------------------------- */

/* One spelling per URL, so that the frontier and the state see one page:
 * host in lower case, no default port. */
static int normalize(CURLU *u) {
  char *hostname = NULL, *port = NULL, *scheme = NULL;
  int rc = curl_url_get(u, CURLUPART_HOST, &hostname, 0) == CURLUE_OK ? 0 : -1;
  for (char *p = hostname; rc == 0 && *p; p++)
    if (*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');
  if (rc == 0) rc = curl_url_set(u, CURLUPART_HOST, hostname, 0) == CURLUE_OK ? 0 : -1;
  if (rc == 0 && curl_url_get(u, CURLUPART_PORT, &port, 0) == CURLUE_OK &&
      curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
      ((strcmp(scheme, "http") == 0 && strcmp(port, "80") == 0) ||
       (strcmp(scheme, "https") == 0 && strcmp(port, "443") == 0)))
    rc = curl_url_set(u, CURLUPART_PORT, NULL, 0) == CURLUE_OK ? 0 : -1;
  curl_free(hostname);
  curl_free(port);
  curl_free(scheme);
  return rc;
}

/* A parsed http(s) URL without fragment, normalized, or NULL. */
static CURLU *parse_url(const char *base, const char *ref) {
  if (!ref || strlen(ref) > FETCH_MAX_URL || (base && strlen(base) > FETCH_MAX_URL)) return NULL;
  CURLU *u = curl_url();
  if (!u) return NULL;
  int bad = base && curl_url_set(u, CURLUPART_URL, base, 0) != CURLUE_OK;
  bad = bad || curl_url_set(u, CURLUPART_URL, ref, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK;
  char *scheme = NULL;
  bad = bad || curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK;
  bad = bad || (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0);
  curl_free(scheme);
  if (bad || curl_url_set(u, CURLUPART_FRAGMENT, NULL, 0) != CURLUE_OK || normalize(u) != 0) {
    curl_url_cleanup(u);
    return NULL;
  }
  return u;
}

/* Copies a libcurl string into a malloc'ed one. */
static char *take_curl_string(char *s) {
  char *d = s ? strdup(s) : NULL;
  curl_free(s);
  return d;
}

char *fetch_url_resolve(const char *base, const char *ref) {
  CURLU *u = parse_url(base, ref);
  if (!u) return NULL;
  char *s = NULL;
  curl_url_get(u, CURLUPART_URL, &s, 0);
  curl_url_cleanup(u);
  char *d = take_curl_string(s);
  if (d && strlen(d) > FETCH_MAX_URL) {
    free(d);
    d = NULL;
  }
  return d;
}

int fetch_url_origin(const char *url, char *out, size_t outlen) {
  CURLU *u = parse_url(NULL, url);
  if (!u) return -1;
  char *scheme = NULL, *hostname = NULL, *port = NULL;
  int rc = -1;
  if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
      curl_url_get(u, CURLUPART_HOST, &hostname, 0) == CURLUE_OK &&
      curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK) {
    for (char *p = hostname; *p; p++)
      if (*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');
    int n = snprintf(out, outlen, "%s://%s:%s", scheme, hostname, port);
    rc = n > 0 && (size_t)n < outlen ? 0 : -1;
  }
  curl_free(scheme);
  curl_free(hostname);
  curl_free(port);
  curl_url_cleanup(u);
  return rc;
}

int fetch_url_path(const char *url, char *out, size_t outlen) {
  CURLU *u = parse_url(NULL, url);
  if (!u) return -1;
  char *path = NULL, *query = NULL;
  int rc = -1;
  if (curl_url_get(u, CURLUPART_PATH, &path, 0) == CURLUE_OK) {
    curl_url_get(u, CURLUPART_QUERY, &query, 0);
    int n = snprintf(out, outlen, "%s%s%s", path, query ? "?" : "", query ? query : "");
    rc = n > 0 && (size_t)n < outlen ? 0 : -1;
  }
  curl_free(path);
  curl_free(query);
  curl_url_cleanup(u);
  return rc;
}

/* --- hosts and jobs -------------------------------------------------------- */

static host *find_host(fetcher *f, const char *origin) {
  for (size_t i = 0; i < f->n_hosts; i++)
    if (strcmp(f->hosts[i]->origin, origin) == 0) return f->hosts[i];
  return NULL;
}

static fetch_error get_host(fetcher *f, const char *url, host **out) {
  char origin[FETCH_MAX_URL + 32];
  if (fetch_url_origin(url, origin, sizeof origin) != 0) return FETCH_BAD_URL;
  if ((*out = find_host(f, origin))) return FETCH_OK;
  if (f->n_hosts >= FETCH_MAX_HOSTS) return FETCH_TOO_BIG;
  if (f->n_hosts == f->cap_hosts) {
    size_t cap = f->cap_hosts ? f->cap_hosts * 2 : 16;
    host **h = realloc(f->hosts, cap * sizeof *h);
    if (!h) return FETCH_NOMEM;
    f->hosts = h;
    f->cap_hosts = cap;
  }
  host *h = calloc(1, sizeof *h);
  if (!h || !(h->origin = strdup(origin))) {
    free(h);
    return FETCH_NOMEM;
  }
  h->delay_ms = -1;
  h->conn.fd = CURL_SOCKET_BAD;
  f->hosts[f->n_hosts++] = h;
  *out = h;
  return FETCH_OK;
}

static void push_back(host *h, job *j) {
  j->next = NULL;
  j->host = h;
  if (h->tail) h->tail->next = j;
  else h->head = j;
  h->tail = j;
}

static void push_front(host *h, job *j) {
  j->host = h;
  j->next = h->head;
  h->head = j;
  if (!h->tail) h->tail = j;
}

static job *pop_front(host *h) {
  job *j = h->head;
  h->head = j->next;
  if (!h->head) h->tail = NULL;
  j->next = NULL;
  return j;
}

/* Takes j's transfer out of the multi handle (its connection goes back to
 * the pool for the host's next request); the easy handle stays readable. */
static void job_detach(fetcher *f, job *j) {
  if (j->easy && j->in_multi) curl_multi_remove_handle(f->multi, j->easy);
  j->in_multi = 0;
}

static void job_end_transfer(fetcher *f, job *j) {
  if (j->easy) {
    job_detach(f, j);
    curl_easy_cleanup(j->easy);
    j->easy = NULL;
  }
  curl_slist_free_all(j->headers);
  j->headers = NULL;
}

static void job_free(fetcher *f, job *j) {
  if (!j) return;
  job_end_transfer(f, j);
  free(j->url);
  free(j->cur);
  free(j->etag);
  free(j->last_modified);
  dynbuf_free(&j->body);
  dynbuf_free(&j->request);
  dynbuf_free(&j->response);
  free(j);
}

/* A validator is sent back in a header: refuse anything that could split it. */
static char *dup_header_value(const char *v, size_t max) {
  if (!fetch_header_value_ok(v) || strlen(v) > max) return NULL;
  return strdup(v);
}

fetch_error fetch_add(fetcher *f, const char *url, const char *etag, const char *last_modified,
                      void *user) {
  return fetch_add_max(f, url, etag, last_modified, 0, user);
}

fetch_error fetch_add_max(fetcher *f, const char *url, const char *etag, const char *last_modified,
                          size_t max_body, void *user) {
  if (f->queued >= FETCH_MAX_QUEUED) return FETCH_TOO_BIG;
  host *h;
  fetch_error e = get_host(f, url, &h);
  if (e != FETCH_OK) return e;
  job *j = calloc(1, sizeof *j);
  if (!j) return FETCH_NOMEM;
  j->url = strdup(url);
  j->cur = strdup(url);
  j->etag = dup_header_value(etag, 250);
  j->last_modified = dup_header_value(last_modified, 60);
  j->user = user;
  j->max_body = max_body ? max_body : f->o.max_body;
  dynbuf_init(&j->body, j->max_body);
  dynbuf_init(&j->request, FETCH_MAX_HEADERS);
  dynbuf_init(&j->response, FETCH_MAX_HEADERS);
  if (!j->url || !j->cur) {
    job_free(f, j);
    return FETCH_NOMEM;
  }
  push_back(h, j);
  f->queued++;
  return FETCH_OK;
}

fetch_error fetch_set_host_delay(fetcher *f, const char *url, long delay_ms) {
  host *h;
  fetch_error e = get_host(f, url, &h);
  if (e != FETCH_OK) return e;
  h->delay_ms = delay_ms;
  /* The new delay counts from the last answer too (robots.txt's own). */
  if (h->last_end && h->last_end + delay_ms > h->next_ok) h->next_ok = h->last_end + delay_ms;
  return FETCH_OK;
}

size_t fetch_pending(const fetcher *f) { return f->queued + f->running + f->settling; }

int fetch_global_init(void) { return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1; }
void fetch_global_cleanup(void) { curl_global_cleanup(); }

int fetch_header_value_ok(const char *v) {
  if (!v || !*v || strlen(v) > FETCH_MAX_HEADER_VALUE) return 0;
  for (const unsigned char *p = (const unsigned char *)v; *p; p++)
    if ((*p < 0x20 && *p != '\t') || *p == 0x7f) return 0;
  return 1;
}

fetcher *fetch_create(const fetch_options *o) {
  if (o->user_agent && !fetch_header_value_ok(o->user_agent)) return NULL;
  fetcher *f = calloc(1, sizeof *f);
  if (!f) return NULL;
  f->o = *o;
  f->user_agent = strdup(o->user_agent ? o->user_agent : "tracuu");
  f->o.user_agent = f->user_agent;
  f->multi = curl_multi_init();
  if (!f->user_agent || !f->multi) {
    fetch_destroy(f);
    return NULL;
  }
  /* One connection per host; keep-alive reuses it. */
  curl_multi_setopt(f->multi, CURLMOPT_MAX_HOST_CONNECTIONS, 1L);
  return f;
}

void fetch_destroy(fetcher *f) {
  if (!f) return;
  for (size_t i = 0; i < f->n_hosts; i++) {
    host *h = f->hosts[i];
    while (h->head) job_free(f, pop_front(h));
    job_free(f, h->active);
    job_free(f, h->settling);
    free(h->origin);
    free(h);
  }
  free(f->hosts);
  if (f->multi) curl_multi_cleanup(f->multi);
  free(f->user_agent);
  free(f);
}

/* --- one transfer -------------------------------------------------------- */

static size_t on_body(char *p, size_t size, size_t n, void *ud) {
  job *j = ud;
  size_t len = size * n;
  if (dynbuf_append(&j->body, p, len) != DYNBUF_OK) {
    j->body_over = dynbuf_status(&j->body) == DYNBUF_TOO_BIG;
    return 0; /* aborts the transfer (CURLE_WRITE_ERROR) */
  }
  return len;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud) {
  job *j = ud;
  size_t len = size * n;
  if (len >= 5 && memcmp(p, "HTTP/", 5) == 0) dynbuf_reset(&j->response); /* 1xx before */
  if (dynbuf_append(&j->response, p, len) != DYNBUF_OK) {
    j->headers_over = 1;
    return 0;
  }
  return len;
}

static int starts_with(const char *p, size_t n, const char *word) {
  size_t w = strlen(word);
  return n >= w && memcmp(p, word, w) == 0;
}

/* Keeps the request header block as sent, for the WARC request record, and
 * hears libcurl say that an answer went on past its end: libcurl then drops
 * those bytes (and the connection) and reports success, so its own words
 * are the only sign. test_fetch_framing fails if a libcurl says them
 * otherwise. */
static int on_debug(CURL *easy, curl_infotype type, char *p, size_t n, void *ud) {
  (void)easy;
  job *j = ud;
  if (type == CURLINFO_HEADER_OUT) {
    dynbuf_reset(&j->request);
    dynbuf_append(&j->request, p, n);
  } else if (type == CURLINFO_TEXT) {
    if (starts_with(p, n, "Excess found")) j->excess = EXCESS_LENGTH;
    else if (starts_with(p, n, "Leftovers after chunking")) j->excess = EXCESS_CHUNKED;
  }
  return 0;
}

static int add_header(job *j, const char *name, const char *value) {
  char line[512];
  snprintf(line, sizeof line, "%s: %s", name, value);
  struct curl_slist *l = curl_slist_append(j->headers, line);
  if (!l) return -1;
  j->headers = l;
  return 0;
}

static void set_limits(const fetch_options *o, size_t max_body, CURL *e) {
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, o->connect_timeout_ms);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, o->timeout_ms);
  curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, o->low_speed_bytes);
  curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, o->low_speed_secs);
  /* A declared Content-Length over the cap stops before any byte is read;
   * the write callback stops the rest (chunked, or inflated). */
  curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max_body);
}

/* --- private addresses -------------------------------------------------- */

static int private_v4(const unsigned char *a) {
  return a[0] == 0 || a[0] == 10 || a[0] == 127 || (a[0] == 169 && a[1] == 254) ||
         (a[0] == 172 && (a[1] & 0xf0) == 16) || (a[0] == 192 && a[1] == 168) ||
         (a[0] == 100 && (a[1] & 0xc0) == 64) || a[0] >= 224;
}

/* 1 when ip (an address in text) is unspecified, loopback, link-local,
 * private (RFC 1918, RFC 6598, fc00::/7), multicast or reserved, v4 or v6
 * (v4-mapped included); an address that does not parse counts as private. */
static int private_address(const char *ip) {
  unsigned char a[16];
  static const unsigned char zero[16] = {0};
  static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (inet_pton(AF_INET, ip, a) == 1) return private_v4(a);
  if (inet_pton(AF_INET6, ip, a) != 1) return 1;
  if (memcmp(a, mapped, 12) == 0) return private_v4(a + 12);
  return (memcmp(a, zero, 15) == 0 && a[15] <= 1) || (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) ||
         (a[0] & 0xfe) == 0xfc || a[0] == 0xff;
}

int fetch_url_private(const char *url) {
  CURLU *u = parse_url(NULL, url);
  char *hostname = NULL;
  int priv = 0;
  if (u && curl_url_get(u, CURLUPART_HOST, &hostname, 0) == CURLUE_OK) {
    size_t n = strlen(hostname);
    if (n >= 2 && hostname[0] == '[' && hostname[n - 1] == ']') { /* an IPv6 literal */
      hostname[n - 1] = '\0';
      priv = private_address(hostname + 1);
    } else {
      unsigned char a[4];
      priv = strcasecmp(hostname, "localhost") == 0 ||
             (n > 10 && strcasecmp(hostname + n - 10, ".localhost") == 0) ||
             (inet_pton(AF_INET, hostname, a) == 1 && private_v4(a));
    }
  }
  curl_free(hostname);
  curl_url_cleanup(u);
  return priv;
}

/* Asked by libcurl for every address it is about to connect to (after DNS,
 * after any redirect): a private one gets no socket, so not even a TCP
 * handshake reaches it. A name with a public and a private address goes on
 * to the public one. */
static curl_socket_t open_public_socket(void *ud, curlsocktype purpose,
                                        struct curl_sockaddr *a) {
  job *j = ud;
  char ip[INET6_ADDRSTRLEN] = "";
  if (purpose == CURLSOCKTYPE_IPCXN) {
    if (a->family == AF_INET)
      inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)&a->addr)->sin_addr, ip,
                sizeof ip);
    else if (a->family == AF_INET6)
      inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)&a->addr)->sin6_addr, ip,
                sizeof ip);
    if (!ip[0] || private_address(ip)) {
      snprintf(j->refused_ip, sizeof j->refused_ip, "%s", ip[0] ? ip : "an unknown address");
      return CURL_SOCKET_BAD;
    }
  }
  return socket(a->family, a->socktype, a->protocol);
}

/* libcurl's last word before a request goes out: the address of the
 * connection (a reused one too) must be public. open_public_socket already
 * kept private addresses from being connected; this holds if libcurl ever
 * reaches one by another road (a connection it did not open through us). */
static int refuse_private(void *ud, char *primary_ip, char *local_ip, int primary_port,
                          int local_port) {
  (void)local_ip, (void)primary_port, (void)local_port;
  job *j = ud;
  if (!private_address(primary_ip)) return CURL_PREREQFUNC_OK;
  snprintf(j->refused_ip, sizeof j->refused_ip, "%s", primary_ip);
  return CURL_PREREQFUNC_ABORT;
}

/* --- kept connections ----------------------------------------------------- */

/* The connection libcurl keeps after e's answer; fd CURL_SOCKET_BAD when it
 * closed it. Asked while e is still in the multi handle. */
static conn_id kept_connection(CURL *e) {
  conn_id c = {.fd = CURL_SOCKET_BAD, .local_len = sizeof c.local};
  curl_socket_t fd = CURL_SOCKET_BAD;
  if (curl_easy_getinfo(e, CURLINFO_ACTIVESOCKET, &fd) == CURLE_OK && fd != CURL_SOCKET_BAD &&
      getsockname(fd, (struct sockaddr *)&c.local, &c.local_len) == 0)
    c.fd = fd;
  return c;
}

/* 1 when c is still the socket it was (same descriptor, same local address). */
static int conn_alive(const conn_id *c) {
  struct sockaddr_storage a;
  socklen_t n = sizeof a;
  return c->fd != CURL_SOCKET_BAD && getsockname(c->fd, (struct sockaddr *)&a, &n) == 0 &&
         n == c->local_len && memcmp(&a, &c->local, n) == 0;
}

/* 1 when bytes nobody asked for wait on the kept connection c. */
static int conn_unread(const conn_id *c) {
  struct pollfd p = {.fd = c->fd, .events = POLLIN};
  char b;
  return conn_alive(c) && poll(&p, 1, 0) == 1 && (p.revents & POLLIN) &&
         recv(c->fd, &b, 1, MSG_PEEK | MSG_DONTWAIT) == 1;
}

/* Makes libcurl drop the connection: it finds it dead before any reuse and
 * closes it itself. */
static void conn_discard(conn_id *c) {
  if (conn_alive(c)) shutdown(c->fd, SHUT_RDWR);
  c->fd = CURL_SOCKET_BAD;
}

static long host_delay(const fetcher *f, const host *h) {
  return h->delay_ms >= 0 ? h->delay_ms : f->o.delay_ms;
}

/* A host asked faster than FETCH_SETTLE_MS gets a new connection for every
 * request: there is no time to hear whether an answer went on past its end. */
static int host_reuses(const fetcher *f, const host *h) {
  return host_delay(f, h) >= FETCH_SETTLE_MS;
}

static fetch_error start_job(fetcher *f, job *j) {
  dynbuf_reset(&j->body);
  dynbuf_reset(&j->request);
  dynbuf_reset(&j->response);
  j->body_over = j->headers_over = 0;
  j->errbuf[0] = '\0';
  j->refused_ip[0] = '\0';
  j->excess = EXCESS_NONE;
  CURL *e = j->easy = curl_easy_init();
  if (!e) return FETCH_NOMEM;
  if ((j->etag && add_header(j, "If-None-Match", j->etag) != 0) ||
      (j->last_modified && add_header(j, "If-Modified-Since", j->last_modified) != 0))
    return FETCH_NOMEM;
  curl_easy_setopt(e, CURLOPT_URL, j->cur);
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L); /* hop by hop, here */
  curl_easy_setopt(e, CURLOPT_USERAGENT, f->user_agent);
  curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, ""); /* all libcurl decodes */
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, j->headers);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, j);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, j);
  curl_easy_setopt(e, CURLOPT_DEBUGFUNCTION, on_debug);
  curl_easy_setopt(e, CURLOPT_DEBUGDATA, j);
  curl_easy_setopt(e, CURLOPT_VERBOSE, 1L); /* feeds on_debug only */
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, j->errbuf);
  curl_easy_setopt(e, CURLOPT_PRIVATE, j);
  if (f->o.refuse_private) {
    curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, open_public_socket);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, j);
    curl_easy_setopt(e, CURLOPT_PREREQFUNCTION, refuse_private);
    curl_easy_setopt(e, CURLOPT_PREREQDATA, j);
  }
  set_limits(&f->o, j->max_body, e);
  host *h = j->host;
  if (!host_reuses(f, h)) {
    curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
    curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
  } else if (conn_unread(&h->conn)) { /* bytes came after the last answer settled */
    conn_discard(&h->conn);
    curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
  }
  if (curl_multi_add_handle(f->multi, e) != CURLM_OK) return FETCH_NOMEM;
  j->in_multi = 1;
  j->attempts++;
  return FETCH_OK;
}

/* Starts the first job of every idle host whose delay has passed. */
static fetch_error start_ready(fetcher *f, int64_t now) {
  for (size_t k = 0; k < f->n_hosts && f->running < (size_t)f->o.max_parallel; k++) {
    host *h = f->hosts[(f->next_host + k) % f->n_hosts];
    if (h->active || h->settling || !h->head || h->next_ok > now) continue;
    job *j = pop_front(h);
    f->queued--;
    h->active = j;
    f->running++;
    fetch_error e = start_job(f, j);
    if (e != FETCH_OK) { /* put it back for a later try */
      job_end_transfer(f, j);
      h->active = NULL;
      f->running--;
      push_front(h, j);
      f->queued++;
      return e;
    }
  }
  if (f->n_hosts) f->next_host = (f->next_host + 1) % f->n_hosts;
  return FETCH_OK;
}

/* How long until some idle host may start (capped by wait); nothing can
 * start while every parallel slot is taken. */
static long idle_wait(const fetcher *f, int64_t now, long wait) {
  if (f->running >= (size_t)f->o.max_parallel) return wait;
  for (size_t i = 0; i < f->n_hosts; i++) {
    const host *h = f->hosts[i];
    if (h->active || h->settling || !h->head) continue;
    int64_t d = h->next_ok - now;
    if (d < wait) wait = d < 0 ? 0 : (long)d;
  }
  return wait;
}

/* --- what a finished transfer means --------------------------------------- */

static void read_fields(CURL *e, answer_fields *a) {
  struct curl_header *h;
  memset(a, 0, sizeof *a);
  if (curl_easy_header(e, "ETag", 0, CURLH_HEADER, -1, &h) == CURLHE_OK &&
      strlen(h->value) < sizeof a->etag)
    strcpy(a->etag, h->value);
  if (curl_easy_header(e, "Last-Modified", 0, CURLH_HEADER, -1, &h) == CURLHE_OK &&
      strlen(h->value) < sizeof a->last_modified)
    strcpy(a->last_modified, h->value);
  char *ct = NULL;
  if (curl_easy_getinfo(e, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct &&
      strlen(ct) < sizeof a->content_type)
    strcpy(a->content_type, ct);
}

/* Retry-After in ms (seconds or an HTTP date), or -1 when absent. */
static long retry_after_ms(CURL *e) {
  struct curl_header *h;
  if (curl_easy_header(e, "Retry-After", 0, CURLH_HEADER, -1, &h) != CURLHE_OK) return -1;
  char *end;
  long s = strtol(h->value, &end, 10);
  if (end != h->value && *end == '\0') return s < 0 ? 0 : (s > 86400 ? 86400000L : s * 1000);
  time_t t = curl_getdate(h->value, NULL);
  if (t < 0) return -1;
  double d = difftime(t, time(NULL));
  return d <= 0 ? 0 : (d > 86400 ? 86400000L : (long)d * 1000);
}

static int retryable_code(long code) {
  return code == 429 || code == 500 || code == 502 || code == 503 || code == 504;
}

static int retryable_curl(CURLcode rc) {
  return rc == CURLE_COULDNT_CONNECT || rc == CURLE_RECV_ERROR || rc == CURLE_SEND_ERROR ||
         rc == CURLE_GOT_NOTHING;
}

static fetch_error map_curl_error(job *j, CURLcode rc, char *msg, size_t len) {
  if (j->refused_ip[0]) { /* by open_public_socket or refuse_private, whatever curl made of it */
    snprintf(msg, len, "refused: the host is at %s, a loopback, link-local or private address "
             "(a crawl reaches those only when a start URL names one)", j->refused_ip);
    return FETCH_BAD_URL;
  }
  switch (rc) {
  case CURLE_OPERATION_TIMEDOUT:
    snprintf(msg, len, "timed out (%s)", j->errbuf[0] ? j->errbuf : curl_easy_strerror(rc));
    return FETCH_TIMEOUT;
  case CURLE_FILESIZE_EXCEEDED:
    snprintf(msg, len, "body larger than the %zu-byte limit", j->max_body);
    return FETCH_TOO_BIG;
  case CURLE_WRITE_ERROR:
    if (j->body_over || j->headers_over) {
      snprintf(msg, len, "%s larger than the %zu-byte limit%s", j->body_over ? "body" : "headers",
               j->body_over ? j->max_body : (size_t)FETCH_MAX_HEADERS,
               j->body_over ? " (after decompression)" : "");
      return FETCH_TOO_BIG;
    }
    snprintf(msg, len, "out of memory");
    return FETCH_NOMEM;
  case CURLE_PARTIAL_FILE:
    snprintf(msg, len, "truncated: the connection closed after %zu bytes, before the body's end",
             j->body.len);
    return FETCH_TRUNCATED;
  case CURLE_UNSUPPORTED_PROTOCOL: /* only http(s) URLs get here: an answer without a status line */
  case CURLE_WEIRD_SERVER_REPLY:
    snprintf(msg, len, "bad framing: the answer is not HTTP/1.x (%s)",
             j->errbuf[0] ? j->errbuf : curl_easy_strerror(rc));
    return FETCH_FRAMING;
  default:
    snprintf(msg, len, "%s", j->errbuf[0] ? j->errbuf : curl_easy_strerror(rc));
    return FETCH_NETWORK;
  }
}

/* Puts j back at the front of host h, due after wait ms. */
static void requeue(fetcher *f, host *h, job *j, int64_t now, long wait) {
  job_end_transfer(f, j);
  if (now + wait > h->next_ok) h->next_ok = now + wait;
  push_front(h, j);
  f->queued++;
}

static int same_origin(const char *a, const char *b) {
  char oa[FETCH_MAX_URL + 32], ob[FETCH_MAX_URL + 32];
  return fetch_url_origin(a, oa, sizeof oa) == 0 && fetch_url_origin(b, ob, sizeof ob) == 0 &&
         strcmp(oa, ob) == 0;
}

/* Follows a redirect of j if allowed: returns 1 when requeued, 0 when
 * the answer is final (msg says why, *err set). */
static int follow_redirect(fetcher *f, job *j, int64_t now, fetch_error *err, char *msg,
                           size_t len) {
  char *loc = NULL;
  curl_easy_getinfo(j->easy, CURLINFO_REDIRECT_URL, &loc);
  if (!loc) return 0; /* a 3xx without Location: final as it is */
  *err = FETCH_REDIRECT;
  char *target = fetch_url_resolve(j->cur, loc);
  char why[256] = "";
  if (!target) snprintf(msg, len, "redirected to an unsupported URL: %.300s", loc);
  else if (j->redirects >= (unsigned)f->o.max_redirects)
    snprintf(msg, len, "more than %d redirects (a loop?), last to %.300s", f->o.max_redirects,
             target);
  else if (!f->o.cross_host_redirects && !same_origin(j->cur, target))
    snprintf(msg, len, "redirected to another host or scheme: %.300s", target);
  else if (f->o.allow && !f->o.allow(f->o.allow_ctx, target, why, sizeof why))
    snprintf(msg, len, "redirected to %.300s, which is %s", target, why);
  else {
    host *h;
    *err = get_host(f, target, &h);
    if (*err == FETCH_OK) {
      free(j->cur);
      j->cur = target;
      j->redirects++;
      j->attempts = 0;
      requeue(f, h, j, now, 0);
      return 1;
    }
    snprintf(msg, len, "cannot follow the redirect: %s", fetch_strerror(*err));
  }
  free(target);
  return 0;
}

/* Records j's final answer and appends it to *finished. */
static void finished_as(job *j, long code, fetch_error err, const char *msg, job ***finished) {
  j->code = code;
  j->error = err;
  snprintf(j->message, sizeof j->message, "%s", msg);
  j->next = NULL;
  **finished = j;
  *finished = &j->next;
}

/* Hands a finished job to the done callback, then frees it. */
static void finish(fetcher *f, job *j, fetch_done_fn done, void *ctx) {
  answer_fields a;
  read_fields(j->easy, &a);
  fetch_result r = {
      .url = j->url, .final_url = j->cur, .code = j->code, .error = j->error,
      .message = j->message,
      .content_type = a.content_type[0] ? a.content_type : NULL,
      .etag = a.etag[0] ? a.etag : NULL,
      .last_modified = a.last_modified[0] ? a.last_modified : NULL,
      .body = &j->body, .request = &j->request, .response = &j->response,
      .attempts = j->attempts, .redirects = j->redirects, .date = (int64_t)time(NULL),
      .user = j->user};
  if (j->error != FETCH_OK) dynbuf_reset(&j->body); /* never hand out half a body */
  done(ctx, &r);
  job_free(f, j);
}

/* The values of every Content-Length header of e's answer agree (a list
 * "5, 5" in one header too); what disagrees is written into msg. */
static int lengths_agree(CURL *e, char *msg, size_t len) {
  struct curl_header *h;
  long long first = -1;
  for (size_t i = 0;; i++) {
    if (curl_easy_header(e, "Content-Length", i, CURLH_HEADER, -1, &h) != CURLHE_OK) return 1;
    for (const char *p = h->value; *p;) {
      char *end;
      long long v = strtoll(p, &end, 10);
      if (end == p || v < 0) {
        snprintf(msg, len, "bad framing: Content-Length \"%.60s\" is not a length", h->value);
        return 0;
      }
      if (first >= 0 && v != first) {
        snprintf(msg, len, "bad framing: Content-Lengths that disagree (%lld and %lld)", first, v);
        return 0;
      }
      first = v;
      p = end + strspn(end, " \t,");
    }
    if (i + 1 >= h->amount) return 1;
  }
}

/* The framing faults libcurl let through on an answer it calls complete. */
static int framing_ok(const job *j, char *msg, size_t len) {
  if (!lengths_agree(j->easy, msg, len)) return 0;
  if (j->excess != EXCESS_NONE) {
    snprintf(msg, len, "bad framing: the server sent bytes past the end of its answer (%s)",
             j->excess == EXCESS_LENGTH ? "beyond its Content-Length" : "after its last chunk");
    return 0;
  }
  return 1;
}

/* Decides retry / redirect / final answer for a finished transfer whose
 * framing was judged; a final one is appended to *finished. */
static void decide(fetcher *f, job *j, CURLcode rc, int64_t now, job ***finished) {
  host *h = j->host;
  long code = 0;
  curl_easy_getinfo(j->easy, CURLINFO_RESPONSE_CODE, &code);
  char msg[512] = "";
  fetch_error err = FETCH_OK;
  int retry = rc == CURLE_OK ? retryable_code(code) : retryable_curl(rc) && !j->refused_ip[0];
  if (retry) {
    long wait = rc == CURLE_OK ? retry_after_ms(j->easy) : -1;
    if (wait < 0) wait = f->o.retry_base_ms << (j->attempts > 10 ? 10 : j->attempts - 1);
    if (rc == CURLE_OK) snprintf(msg, sizeof msg, "HTTP %ld", code);
    else map_curl_error(j, rc, msg, sizeof msg);
    if (wait > f->o.max_retry_after_ms) {
      size_t n = strlen(msg);
      snprintf(msg + n, sizeof msg - n, ": asked to retry after %ld s, over the %ld s limit",
               wait / 1000, f->o.max_retry_after_ms / 1000);
    } else if (j->attempts <= (unsigned)f->o.max_retries) {
      requeue(f, h, j, now, wait);
      return;
    } else {
      size_t n = strlen(msg);
      snprintf(msg + n, sizeof msg - n, " after %u attempts", j->attempts);
    }
    err = rc == CURLE_OK ? FETCH_HTTP : FETCH_NETWORK;
  } else if (rc != CURLE_OK) {
    err = map_curl_error(j, rc, msg, sizeof msg);
  } else if (code >= 300 && code < 400 && code != 304) {
    if (follow_redirect(f, j, now, &err, msg, sizeof msg)) return;
  }
  finished_as(j, code, err, msg, finished);
}

/* A finished transfer: its framing first. A faulty answer fails at once and
 * its connection is dropped; a sound one on a connection libcurl keeps
 * waits FETCH_SETTLE_MS (within the host's delay) for bytes that come after
 * it (judge_settled); any other goes on to decide(). */
static void complete(fetcher *f, job *j, CURLcode rc, int64_t now, job ***finished) {
  host *h = j->host;
  j->conn = kept_connection(j->easy); /* before it leaves the multi handle */
  job_detach(f, j);
  h->active = NULL;
  h->last_end = now;
  f->running--;
  long delay = host_delay(f, h);
  if (now + delay > h->next_ok) h->next_ok = now + delay;
  h->conn.fd = CURL_SOCKET_BAD;
  char msg[512] = "";
  if (rc == CURLE_OK && !framing_ok(j, msg, sizeof msg)) {
    conn_discard(&j->conn);
    long code = 0;
    curl_easy_getinfo(j->easy, CURLINFO_RESPONSE_CODE, &code);
    finished_as(j, code, FETCH_FRAMING, msg, finished);
  } else if (rc == CURLE_OK && j->conn.fd != CURL_SOCKET_BAD && host_reuses(f, h)) {
    j->rc = rc;
    j->judge_at = now + FETCH_SETTLE_MS;
    h->settling = j;
    f->settling++;
  } else {
    decide(f, j, rc, now, finished);
  }
}

/* Judges every settling answer whose FETCH_SETTLE_MS have passed: bytes on
 * its connection make it a failed fetch and end the connection; silence
 * keeps the connection for the host's next request. */
static void judge_settled(fetcher *f, int64_t now, job ***finished) {
  for (size_t i = 0; i < f->n_hosts; i++) {
    host *h = f->hosts[i];
    job *j = h->settling;
    if (!j || j->judge_at > now) continue;
    h->settling = NULL;
    f->settling--;
    if (conn_unread(&j->conn)) {
      conn_discard(&j->conn);
      long code = 0;
      curl_easy_getinfo(j->easy, CURLINFO_RESPONSE_CODE, &code);
      finished_as(j, code, FETCH_FRAMING,
                  "bad framing: the server sent more bytes after the end of its answer", finished);
    } else {
      h->conn = j->conn;
      decide(f, j, j->rc, now, finished);
    }
  }
}

/* How long until the first settling answer is judged (capped by wait). */
static long settle_wait(const fetcher *f, int64_t now, long wait) {
  for (size_t i = 0; i < f->n_hosts; i++) {
    const job *j = f->hosts[i]->settling;
    if (j && j->judge_at - now < wait) wait = j->judge_at <= now ? 0 : (long)(j->judge_at - now);
  }
  return wait;
}

fetch_error fetch_perform(fetcher *f, long wait_ms, fetch_done_fn done, void *ctx) {
  int64_t now = now_ms();
  fetch_error e = start_ready(f, now);
  if (e != FETCH_OK) return e;
  long wait = f->kicked ? 0 : settle_wait(f, now, idle_wait(f, now, wait_ms));
  f->kicked = 0;
  if (fetch_pending(f) == 0) return FETCH_OK;
  if (curl_multi_poll(f->multi, NULL, 0, (int)wait, NULL) != CURLM_OK) return FETCH_NOMEM;
  int still;
  if (curl_multi_perform(f->multi, &still) != CURLM_OK) return FETCH_NOMEM;
  CURLMsg *m;
  int left;
  now = now_ms();
  job *finished = NULL, **tail = &finished;
  while ((m = curl_multi_info_read(f->multi, &left))) {
    if (m->msg != CURLMSG_DONE) continue;
    job *j = NULL;
    CURLcode rc = m->data.result;
    curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&j);
    complete(f, j, rc, now, &tail);
  }
  judge_settled(f, now, &tail);
  /* Next requests on the wire first, so that the server works while the
   * caller digests these answers (delays still hold: start_ready obeys them). */
  if (finished && start_ready(f, now) == FETCH_OK) {
    curl_multi_perform(f->multi, &still);
    f->kicked = 1; /* a fast server may have answered already: do not sleep on it */
  }
  while (finished) {
    job *j = finished;
    finished = j->next;
    finish(f, j, done, ctx);
  }
  return FETCH_OK;
}
