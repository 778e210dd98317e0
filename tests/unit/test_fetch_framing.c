#define _GNU_SOURCE /* memmem */
/* fetch: an answer whose framing lies is a failed fetch of its URL, its
 * connection is closed, and the next URL of the host gets its own answer on
 * a fresh connection (issue 19: "a response that lies about its length
 * poisons the next page").
 *
 * The server is a real one on 127.0.0.1, written here so that each answer's
 * bytes, and the moment each is written, are exactly what a case needs
 * (Python's http.server cannot send a body longer than its Content-Length
 * on purpose). It numbers its connections and logs which one carried each
 * request. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "crawler/fetch.h"
#include "tests/unit/check.h"

#define FORGED "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nforged"

/* What the server answers to a path: head is written at once, tail (if any)
 * after tail_ms in a second write. */
typedef struct {
  const char *path, *head, *tail;
  int tail_ms;
} script;

static const script scripts[] = {
    /* the case: a well-formed answer hidden past the Content-Length */
    {"/excess", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello" FORGED, NULL, 0},
    /* the same bytes, written 20 ms after the answer */
    {"/excess-late", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", FORGED, 20},
    /* plain garbage after the answer (the next URL saw "HTTP/0.9") */
    {"/garbage", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhellogarbage\r\n\r\n", NULL, 0},
    {"/garbage-late", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", "garbage\r\n\r\n", 20},
    /* bytes after the last chunk */
    {"/chunked-excess",
     "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n" FORGED, NULL,
     0},
    /* two Content-Lengths: libcurl believes the last */
    {"/two-lengths", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 10\r\n\r\nhellohello",
     NULL, 0},
    {"/length-list", "HTTP/1.1 200 OK\r\nContent-Length: 5, 10\r\n\r\nhellohello", NULL, 0},
    /* no status line at all */
    {"/http09", "hello, no status line\r\n", NULL, 0},
    /* bytes long after the answer: after it settled, before the next request */
    {"/excess-later", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", FORGED, 250},
    /* sound: the same value twice is one length */
    {"/same-lengths", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello", NULL,
     0},
};

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char request_log[64][96]; /* "CONN PATH" */
static int n_logged, n_conns;

static void sleep_ms(int ms) {
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

static void send_all(int fd, const char *p) {
  size_t n = strlen(p);
  while (n > 0) {
    ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
    if (w <= 0) return;
    p += w;
    n -= (size_t)w;
  }
}

/* One connection: reads requests, answers each from the scripts ("/ok/..."
 * gets "own PATH" with true framing), until the client closes. */
static void *serve_conn(void *arg) {
  int fd = (int)(intptr_t)arg, conn;
  pthread_mutex_lock(&log_lock);
  conn = ++n_conns;
  pthread_mutex_unlock(&log_lock);
  char buf[8192];
  size_t have = 0;
  for (;;) {
    char *end;
    while (!(end = memmem(buf, have, "\r\n\r\n", 4))) {
      if (have == sizeof buf) goto done;
      ssize_t r = recv(fd, buf + have, sizeof buf - have, 0);
      if (r <= 0) goto done;
      have += (size_t)r;
    }
    char path[64] = "";
    sscanf(buf, "GET %63s", path);
    size_t used = (size_t)(end + 4 - buf);
    memmove(buf, buf + used, have - used);
    have -= used;
    pthread_mutex_lock(&log_lock);
    if (n_logged < 64) snprintf(request_log[n_logged++], sizeof request_log[0], "%d %s", conn, path);
    pthread_mutex_unlock(&log_lock);
    const script *s = NULL;
    for (size_t i = 0; i < sizeof scripts / sizeof scripts[0]; i++)
      if (strcmp(scripts[i].path, path) == 0) s = &scripts[i];
    if (s) {
      send_all(fd, s->head);
      if (s->tail) {
        sleep_ms(s->tail_ms);
        send_all(fd, s->tail);
      }
    } else {
      char body[96], answer[256];
      snprintf(body, sizeof body, "own %s", path);
      snprintf(answer, sizeof answer, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n%s",
               strlen(body), body);
      send_all(fd, answer);
    }
  }
done:
  close(fd);
  return NULL;
}

static void *serve(void *arg) {
  int s = (int)(intptr_t)arg;
  for (;;) {
    int c = accept(s, NULL, NULL);
    if (c < 0) return NULL;
    int one = 1;
    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    pthread_t t;
    if (pthread_create(&t, NULL, serve_conn, (void *)(intptr_t)c) == 0) pthread_detach(t);
    else close(c);
  }
}

typedef struct {
  fetch_error error;
  char message[512], body[64];
} outcome;

typedef struct {
  outcome got[2];
  int done;
} run;

static void on_done(void *ctx, const fetch_result *r) {
  run *u = ctx;
  outcome *o = &u->got[(intptr_t)r->user];
  o->error = r->error;
  snprintf(o->message, sizeof o->message, "%s", r->message);
  snprintf(o->body, sizeof o->body, "%.*s", (int)r->body->len, r->body->len ? r->body->data : "");
  u->done++;
}

/* The connection that carried the request for path, or 0. */
static int conn_of(const char *path) {
  int conn = 0;
  pthread_mutex_lock(&log_lock);
  for (int i = 0; i < n_logged; i++) {
    char p[80];
    int c;
    if (sscanf(request_log[i], "%d %79s", &c, p) == 2 && strcmp(p, path) == 0) conn = c;
  }
  pthread_mutex_unlock(&log_lock);
  return conn;
}

static int port;
static int serial;

/* GETs first then a second URL of the same host, one after the other as a
 * crawl does, with the host's delay delay_ms; *second_path gets the second
 * path (unique per call, so the log tells the requests apart). */
static run fetch_pair(const char *first, long delay_ms, char *second_path, size_t len) {
  fetch_options fo;
  fetch_options_default(&fo);
  fo.delay_ms = delay_ms;
  fo.timeout_ms = 3000;
  fo.max_retries = 0;
  run u;
  memset(&u, 0, sizeof u);
  fetcher *f = fetch_create(&fo);
  CHECK(f != NULL);
  if (!f) return u;
  char a[128], b[128];
  snprintf(second_path, len, "/ok/%d", ++serial);
  snprintf(a, sizeof a, "http://127.0.0.1:%d%s", port, first);
  snprintf(b, sizeof b, "http://127.0.0.1:%d%s", port, second_path);
  CHECK_INT(fetch_add(f, a, NULL, NULL, (void *)0), FETCH_OK);
  CHECK_INT(fetch_add(f, b, NULL, NULL, (void *)1), FETCH_OK);
  for (int i = 0; i < 400 && u.done < 2; i++) fetch_perform(f, 50, on_done, &u);
  fetch_destroy(f);
  CHECK_INT(u.done, 2);
  return u;
}

/* path lies about its framing: its fetch fails as FETCH_FRAMING with a
 * message saying so, and the next URL gets its own answer, on another
 * connection. */
static void expect_lie_caught(const char *path, long delay_ms, const char *why) {
  char second[32];
  run u = fetch_pair(path, delay_ms, second, sizeof second);
  char own[64];
  snprintf(own, sizeof own, "own %s", second);
  if (u.got[0].error != FETCH_FRAMING || strcmp(u.got[1].body, own) != 0 ||
      !strstr(u.got[0].message, why))
    fprintf(stderr, "%s at delay %ld: first: %s (%s) \"%s\"; second: \"%s\"\n", path, delay_ms,
            fetch_strerror(u.got[0].error), u.got[0].message, u.got[0].body, u.got[1].body);
  CHECK_INT(u.got[0].error, FETCH_FRAMING);
  CHECK(strstr(u.got[0].message, why) != NULL);
  CHECK_STR(u.got[0].body, ""); /* never half an answer */
  CHECK_INT(u.got[1].error, FETCH_OK);
  CHECK_STR(u.got[1].body, own);
  CHECK(conn_of(second) != conn_of(path));
}

int main(void) {
  CHECK_INT(fetch_global_init(), 0);
  int s = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t sl = sizeof sa;
  if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(s, 16) != 0 ||
      getsockname(s, (struct sockaddr *)&sa, &sl) != 0) {
    perror("test_fetch_framing: listen");
    return 1;
  }
  port = ntohs(sa.sin_port);
  pthread_t t;
  CHECK_INT(pthread_create(&t, NULL, serve, (void *)(intptr_t)s), 0);
  pthread_detach(t);

  /* Control: a sound server, a polite delay: one connection, reused. */
  char second[32];
  run u = fetch_pair("/ok/first", FETCH_SETTLE_MS + 50, second, sizeof second);
  CHECK_INT(u.got[0].error, FETCH_OK);
  CHECK_STR(u.got[0].body, "own /ok/first");
  CHECK_INT(conn_of(second), conn_of("/ok/first"));
  CHECK(conn_of(second) != 0);
  /* Twice the same Content-Length is one length. */
  u = fetch_pair("/same-lengths", FETCH_SETTLE_MS + 50, second, sizeof second);
  CHECK_INT(u.got[0].error, FETCH_OK);
  CHECK_STR(u.got[0].body, "hello");
  CHECK_INT(conn_of(second), conn_of("/same-lengths"));

  /* Each lie, with a polite delay (connections kept) and with none (a new
   * connection for every request). */
  static const long delays[] = {FETCH_SETTLE_MS + 50, 0};
  for (size_t d = 0; d < 2; d++) {
    expect_lie_caught("/excess", delays[d], "past the end of its answer (beyond its Content-Length)");
    expect_lie_caught("/garbage", delays[d], "beyond its Content-Length");
    expect_lie_caught("/chunked-excess", delays[d], "after its last chunk");
    expect_lie_caught("/two-lengths", delays[d], "Content-Lengths that disagree (5 and 10)");
    expect_lie_caught("/length-list", delays[d], "Content-Lengths that disagree (5 and 10)");
    expect_lie_caught("/http09", delays[d], "the answer is not HTTP/1.x");
  }
  /* Written after the answer: heard while the answer settles. */
  expect_lie_caught("/excess-late", FETCH_SETTLE_MS + 50, "more bytes after the end of its answer");
  expect_lie_caught("/garbage-late", FETCH_SETTLE_MS + 50, "more bytes after the end of its answer");

  /* With no delay nothing is heard after the answer (its connection is
   * closed at once), but nothing can reach the next URL either. */
  const char *late[] = {"/excess-late", "/garbage-late"};
  for (size_t i = 0; i < 2; i++) {
    u = fetch_pair(late[i], 0, second, sizeof second);
    char own[64];
    snprintf(own, sizeof own, "own %s", second);
    CHECK_INT(u.got[1].error, FETCH_OK);
    CHECK_STR(u.got[1].body, own);
    CHECK(conn_of(second) != conn_of(late[i]));
  }

  /* Bytes long after the answer settled (250 ms, the delay 400 ms): that
   * answer stands, but its connection is not reused. */
  u = fetch_pair("/excess-later", 400, second, sizeof second);
  CHECK_INT(u.got[0].error, FETCH_OK);
  CHECK_STR(u.got[0].body, "hello");
  char own[64];
  snprintf(own, sizeof own, "own %s", second);
  CHECK_STR(u.got[1].body, own);
  CHECK(conn_of(second) != conn_of("/excess-later"));

  close(s);
  fetch_global_cleanup();
  return check_summary("test_fetch_framing");
}
