/* tracuu serve: the local search page (web/server.h) until SIGINT or SIGTERM,
 * over index handles that follow the index while it changes (web/dbpool.h). */
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "indexer/shard.h"
#include "web/http.h"
#include "web/server.h"

#define STORE_PATH_MAX 4096
#define SERVE_DEFAULT_LISTEN "127.0.0.1:8080"
#define SERVE_THREADS 4

enum { OPT_TIMEOUT = 256, OPT_PARTIAL };

static const struct option serve_options[] = {{"db", required_argument, NULL, 'd'},
                                              {"store", required_argument, NULL, 's'},
                                              {"listen", required_argument, NULL, 'l'},
                                              {"threads", required_argument, NULL, 't'},
                                              {"timeout", required_argument, NULL, OPT_TIMEOUT},
                                              {"allow-partial", no_argument, NULL, OPT_PARTIAL},
                                              {"help", no_argument, NULL, 'h'},
                                              {NULL, 0, NULL, 0}};

typedef struct {
  const char *dbs[CLI_MAX_DBS];
  size_t n_dbs;
  const char *store;
  char address[64];
  unsigned port, threads;
  cli_db_opts dbo;
} serve_args;

/* "HOST:PORT" (numeric IPv4 or "localhost") into a; -1 with a message. */
static int parse_listen(const char *arg, serve_args *a) {
  const char *colon = strrchr(arg, ':');
  size_t hl = colon ? (size_t)(colon - arg) : 0;
  if (!colon || hl == 0 || hl >= sizeof a->address ||
      cli_parse_uint("--listen port", colon + 1, 65535, &a->port) != 0) {
    cli_error("--listen expects ADDRESS:PORT (e.g. 127.0.0.1:8080), not \"%s\"", arg);
    return -1;
  }
  if (hl == 9 && strncmp(arg, "localhost", 9) == 0) snprintf(a->address, sizeof a->address, "127.0.0.1");
  else snprintf(a->address, sizeof a->address, "%.*s", (int)hl, arg);
  return 0;
}

/* 0 to go on, 1 after --help, -1 on a usage error (printed). */
static int parse_serve(int argc, char **argv, serve_args *a) {
  int opt;
  optind = 1;
  while ((opt = getopt_long(argc, argv, "d:s:l:t:h", serve_options, NULL)) != -1) {
    switch (opt) {
    case 'd':
      if (cli_add_db(a->dbs, &a->n_dbs, optarg) != 0) return -1;
      break;
    case 's': a->store = optarg; break;
    case 'l':
      if (parse_listen(optarg, a) != 0) return -1;
      break;
    case 't':
      if (cli_parse_uint("--threads", optarg, WEB_MAX_THREADS, &a->threads) != 0) return -1;
      break;
    case OPT_TIMEOUT:
      if (cli_parse_uint("--timeout", optarg, 3600000, &a->dbo.timeout_ms) != 0) return -1;
      if (a->dbo.timeout_ms == 0) {
        cli_error("--timeout must be at least 1 millisecond");
        return -1;
      }
      break;
    case OPT_PARTIAL: a->dbo.allow_partial = 1; break;
    case 'h': cli_help("serve", stdout); return 1;
    default: cli_usage_error("serve", "d:s:l:t:h", argc, argv); return -1;
    }
  }
  if (optind < argc) {
    cli_error("serve takes no arguments besides its options (\"%s\")", argv[optind]);
    return -1;
  }
  return 0;
}

/* What a given-up worker says (web_config.gave_up), and the index it names. */
typedef struct {
  const char *name;
  char check[1024];
} serve_watch;

/* A worker's request ran HTTP_HANDLER_CPU_SECONDS of CPU: Xapian looping on
 * a damaged block. Its request was answered 500; with no worker left the
 * server can answer nothing more, and threads inside Xapian cannot be
 * stopped or their handles freed: the process ends here. */
static void on_gave_up(void *ctx, unsigned left, unsigned workers) {
  serve_watch *w = ctx;
  cli_error("a request ran %d s of CPU inside Xapian on the index %s without an answer (it loops "
            "for ever on some damaged blocks): answered 500; %u of %u workers left: \"%s\" "
            "tells what is damaged: rebuild it", HTTP_HANDLER_CPU_SECONDS, w->name, left, workers,
            w->check);
  if (left > 0) return;
  cli_error("no worker left to answer: stopping");
  fflush(stderr);
  _exit(EXIT_DAMAGED);
}

/* Serves until SIGINT or SIGTERM (blocked in every thread, waited for here). */
static int serve_until_signal(web_config *cfg) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  signal(SIGINT, SIG_DFL); /* a shell starts background jobs with SIGINT ignored: */
  signal(SIGTERM, SIG_DFL); /* an ignored signal never reaches sigwait */
  pthread_sigmask(SIG_BLOCK, &set, NULL);
  signal(SIGPIPE, SIG_IGN);
  web_server *s = NULL;
  char err[300];
  if (web_server_start(cfg, &s, err, sizeof err) != 0) {
    cli_error("%s", err);
    return EXIT_USAGE;
  }
  fprintf(stderr, "tracuu: serving on http://%s:%u/ (Ctrl-C stops)\n", cfg->address,
          (unsigned)web_server_port(s));
  if (!web_is_loopback(cfg->address))
    fprintf(stderr, "tracuu: warning: %s is reachable from other machines and the page has no "
                    "authentication: put it behind a reverse proxy with auth (README \"Search page\")\n",
            cfg->address);
  int sig;
  sigwait(&set, &sig);
  unsigned stuck = web_server_given_up(s);
  if (stuck) { /* their threads still use the server and the index: nothing can be freed */
    cli_error("stopping with %u worker(s) still inside Xapian on a damaged index (see above)", stuck);
    fflush(stderr);
    _exit(EXIT_DAMAGED);
  }
  web_server_stop(s);
  return EXIT_OK;
}

/* The index is opened once the way every command opens it (its messages
 * and exit codes for a bad --db), then handed to the pool that follows it. */
static int open_pool(serve_args *a, dbpool **pool) {
  engine_db *db = NULL;
  int rc = cli_open_db_opts(a->dbs, a->n_dbs, &a->dbo, &db);
  engine_db_close(db);
  if (rc != EXIT_OK) return rc;
  const char *fallback = cli_default_db();
  dbpool_config pc = {
      .names = a->n_dbs ? a->dbs : &fallback,
      .n = a->n_dbs ? a->n_dbs : 1,
      .resolve = shard_resolve_db,
      .timeout_ms = a->dbo.timeout_ms ? a->dbo.timeout_ms : CLI_DEFAULT_TIMEOUT_MS,
      .allow_partial = a->dbo.allow_partial,
      .handles = a->threads,
  };
  char err[700];
  engine_status st = dbpool_open(&pc, pool, err, sizeof err);
  if (st != ENGINE_OK) cli_error("cannot open the index: %s", err);
  return cli_exit_for(st);
}

int cmd_serve(int argc, char **argv) {
  serve_args a = {.threads = SERVE_THREADS};
  if (parse_listen(SERVE_DEFAULT_LISTEN, &a) != 0) return EXIT_INTERNAL;
  int prc = parse_serve(argc, argv, &a);
  if (prc != 0) return prc > 0 ? EXIT_OK : EXIT_USAGE;
  char store[STORE_PATH_MAX];
  if (!a.store) cli_default_store(a.n_dbs ? a.dbs[0] : cli_default_db(), store, sizeof store);
  if (a.threads == 0) a.threads = 1;
  serve_watch watch = {.name = a.n_dbs == 1 ? a.dbs[0] : a.n_dbs ? "(several --db)" : cli_default_db()};
  cli_check_command(a.dbs, a.n_dbs, watch.check, sizeof watch.check);
  web_config cfg = {.threads = a.threads, .store = a.store ? a.store : store, .address = a.address,
                    .port = (uint16_t)a.port, .gave_up = on_gave_up, .gave_up_ctx = &watch};
  int rc = open_pool(&a, &cfg.pool);
  cli_hang_guard(0); /* the server watches its workers itself */
  if (rc == EXIT_OK) rc = serve_until_signal(&cfg);
  dbpool_close(cfg.pool);
  return rc;
}
