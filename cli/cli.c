#include "cli/cli.h"

#include "cli/settings.h"
#include "common/timefmt.h"
#include "indexer/shard.h"
#include "model/schema.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

int cli_add_db(const char **names, size_t *n, const char *name) {
  if (*n == CLI_MAX_DBS) {
    cli_error("at most %d --db", CLI_MAX_DBS);
    return -1;
  }
  names[(*n)++] = name;
  return 0;
}

int cli_exit_for(engine_status st) {
  switch (st) {
  case ENGINE_OK: return EXIT_OK;
  case ENGINE_NO_INDEX: return EXIT_NO_INDEX;
  case ENGINE_LOCKED: return EXIT_LOCKED;
  case ENGINE_CORRUPT:
  case ENGINE_VERSION: return EXIT_DAMAGED;
  case ENGINE_IO: return EXIT_IO;
  case ENGINE_NETWORK: return EXIT_NETWORK;
  case ENGINE_BAD_QUERY: return EXIT_BAD_QUERY;
  case ENGINE_INVALID: return EXIT_USAGE;
  case ENGINE_RETRY: return EXIT_LOCKED; /* changed under every read: damage is ENGINE_CORRUPT */
  case ENGINE_NOMEM:
  case ENGINE_INTERNAL: break;
  }
  return EXIT_INTERNAL;
}

void cli_check_command(const char *const *names, size_t n, char *out, size_t len) {
  size_t used = (size_t)snprintf(out, len, "tracuu check");
  for (size_t i = 0; i < n && used < len; i++)
    used += (size_t)snprintf(out + used, len - used, " --db %s", names[i]);
}

const char *cli_io_advice(const char *msg) {
  if (msg && (strstr(msg, strerror(EMFILE)) || strstr(msg, strerror(ENFILE))))
    return "too many open files: raise the limit (ulimit -n; tracuu asks for up to 65536 "
           "itself) and run the same command again";
  if (msg && (strstr(msg, strerror(EACCES)) || strstr(msg, strerror(EPERM))))
    return "this user may not write there: run it as the index's owner, or give another --db";
  if (msg && strstr(msg, strerror(EROFS)))
    return "the file system is mounted read-only: give a --db on a writable one";
  if (msg && (strstr(msg, strerror(ENOSPC)) || strstr(msg, strerror(EDQUOT)) ||
              strstr(msg, strerror(EFBIG)) || strstr(msg, "disk is full")))
    return "make room and run the same command again";
  return NULL;
}

void cli_raise_open_files(void) {
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return;
  rlim_t want = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > CLI_OPEN_FILES ? CLI_OPEN_FILES
                                                                             : rl.rlim_max;
  if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
    rl.rlim_cur = want;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

int cli_index_error(engine_status st, const char *const *names, size_t n, const char *msg) {
  char check[512];
  cli_check_command(names, n, check, sizeof check);
  const char *what = msg && *msg ? msg : engine_strerror(st);
  switch (st) {
  case ENGINE_OK: return EXIT_OK;
  case ENGINE_NO_INDEX:
    cli_error("no index at %s: build one with \"tracuu index FILE.jsonl\" or \"tracuu crawl URL\", "
              "or point --db (or TRACUU_DB) at one", n == 1 ? names[0] : cli_default_db());
    break;
  case ENGINE_CORRUPT:
  case ENGINE_VERSION:
    cli_error("the index cannot be read (%s): %s; \"%s\" tells what is damaged: rebuild it "
              "(tracuu index, or tracuu index --from-store)", engine_strerror(st), what, check);
    break;
  case ENGINE_RETRY:
    cli_error("the index kept changing while it was read (%s): another tracuu writes it without "
              "a pause; try again", what);
    break;
  case ENGINE_IO: cli_error("cannot read the index: %s", what); break;
  case ENGINE_NETWORK: cli_network_error(what); break;
  case ENGINE_NOMEM: cli_error("out of memory"); break;
  case ENGINE_INTERNAL: cli_error("%s (a bug: please report it)", what); break;
  case ENGINE_LOCKED:
  case ENGINE_BAD_QUERY:
  case ENGINE_INVALID: cli_error("%s", what); break;
  }
  return cli_exit_for(st);
}

const char *cli_default_db(void) {
  static char path[4096];
  const char *env = getenv("TRACUU_DB");
  if (env && *env) return env;
  const char *conf = settings_get(SETTING_DB);
  if (conf) return conf;
  const char *xdg = getenv("XDG_DATA_HOME");
  const char *home = getenv("HOME");
  if (xdg && *xdg) snprintf(path, sizeof path, "%s/tracuu/db", xdg);
  else snprintf(path, sizeof path, "%s/.local/share/tracuu/db", home && *home ? home : ".");
  return path;
}

/* TRACUU_NOW as unix seconds: 0 (unset: *t = the system clock), or -1. */
static int tracuu_now(int64_t *t) {
  const char *env = getenv("TRACUU_NOW");
  *t = (int64_t)time(NULL);
  if (!env || !*env) return 0;
  char *end;
  errno = 0;
  long long secs = strtoll(env, &end, 10);
  if (end != env && !*end && !errno && secs >= 0) {
    *t = secs;
    return 0;
  }
  return timefmt_parse_iso(env, t);
}

int cli_clock_offset(int64_t *offset) {
  int64_t t;
  *offset = 0;
  if (tracuu_now(&t) != 0) {
    cli_error("TRACUU_NOW must be unix seconds or a time such as 2025-01-02T02:00:00Z, not \"%s\"",
              getenv("TRACUU_NOW"));
    return -1;
  }
  *offset = t - (int64_t)time(NULL);
  return 0;
}

int64_t cli_now(void) {
  int64_t t;
  return tracuu_now(&t) == 0 ? t : (int64_t)time(NULL);
}

void cli_error(const char *fmt, ...) {
  va_list ap;
  fputs("tracuu: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
}

int cli_parse_color(const char *arg, cli_color *out) {
  if (!arg || strcmp(arg, "auto") == 0) *out = COLOR_AUTO;
  else if (strcmp(arg, "always") == 0) *out = COLOR_ALWAYS;
  else if (strcmp(arg, "never") == 0) *out = COLOR_NEVER;
  else {
    cli_error("--color must be auto, always or never, not \"%s\"", arg);
    return -1;
  }
  return 0;
}

void cli_default_store(const char *db, char *out, size_t len) {
  const char *conf = settings_get(SETTING_STORE);
  const char *slash = strrchr(db, '/');
  if (conf) snprintf(out, len, "%s", conf);
  else if (!slash) snprintf(out, len, "store");
  else if (slash == db) snprintf(out, len, "/store");
  else snprintf(out, len, "%.*s/store", (int)(slash - db), db);
}

int cli_use_color(cli_color c, FILE *fp) {
  const char *conf = settings_get(SETTING_COLOR);
  if (c == COLOR_AUTO && conf) cli_parse_color(conf, &c); /* checked when it was read */
  if (c == COLOR_ALWAYS) return 1;
  if (c == COLOR_NEVER) return 0;
  const char *no = getenv("NO_COLOR");
  if (no && *no) return 0;
  return isatty(fileno(fp));
}

int cli_usage_error(const char *cmd, const char *optstring, int argc, char **argv) {
  const char *word = optind > 0 && optind <= argc ? argv[optind - 1] : "";
  if (strncmp(word, "--", 2) == 0) { /* a long option: getopt sets optopt only when it knows it */
    size_t n = strcspn(word, "=");
    if (!optopt)
      cli_error("unknown option \"%.*s\"; try \"tracuu help %s\"", (int)n, word, cmd);
    else if (word[n])
      cli_error("\"%.*s\" takes no value; try \"tracuu help %s\"", (int)n, word, cmd);
    else
      cli_error("\"%s\" needs a value; try \"tracuu help %s\"", word, cmd);
  } else {
    const char *o = optopt > 0 && optopt < 256 ? strchr(optstring, optopt) : NULL;
    if (o && o[1] == ':')
      cli_error("\"-%c\" needs a value; try \"tracuu help %s\"", optopt, cmd);
    else
      cli_error("unknown option \"-%c\"; try \"tracuu help %s\"", optopt > 0 && optopt < 128 ? optopt : '?', cmd);
  }
  return EXIT_USAGE;
}

int cli_parse_uint(const char *flag, const char *arg, unsigned max, unsigned *out) {
  char *end;
  errno = 0;
  unsigned long v = strtoul(arg, &end, 10);
  if (errno || end == arg || *end || arg[0] == '-' || v > max) {
    cli_error("%s expects a whole number from 0 to %u, not \"%s\"", flag, max, arg);
    return -1;
  }
  *out = (unsigned)v;
  return 0;
}

/* An index written by another schema version would answer wrongly: refuse
 * it with what to do. An empty index (no documents yet) is fine. */
static int check_schema(engine_db **dbp, const char *const *names, size_t n, const char *name) {
  engine_db *db = *dbp;
  char *version = NULL;
  engine_status st = engine_db_get_metadata(db, TRACUU_SCHEMA_KEY, &version);
  int rc = EXIT_OK;
  if (st != ENGINE_OK) {
    rc = cli_index_error(st, names, n, engine_db_errmsg(db));
  } else if (!version[0] && engine_db_doccount(db) > 0) {
    /* The first shard never committed (a sharded tracuu index that stopped
     * early: a full disk, too many open files), or its metadata was lost. */
    char check[512];
    cli_check_command(names, n, check, sizeof check);
    cli_error("%s holds documents but no schema version (tracuu.schema): a tracuu index that "
              "stopped early, or damage: run that tracuu index again (\"%s\" tells whether it "
              "is damaged)", name, check);
    rc = EXIT_DAMAGED;
  } else if (strcmp(version, TRACUU_SCHEMA_VERSION) != 0 && engine_db_doccount(db) > 0) {
    cli_error("%s was built with index schema \"%s\", this tracuu reads schema %s: rebuild it "
              "(tracuu index, or tracuu index --from-store)",
              name, version, TRACUU_SCHEMA_VERSION);
    rc = EXIT_DAMAGED;
  }
  free(version);
  if (rc != EXIT_OK) {
    engine_db_close(db);
    *dbp = NULL;
  }
  return rc;
}

void cli_network_error(const char *msg) {
  cli_error("a shard is out of reach: %s (--allow-partial searches the others)", msg);
}

static void warn_skipped(void *ctx, const char *name, engine_status st, const char *msg) {
  (void)st;
  cli_db_opts *o = ctx;
  o->skipped++;
  cli_error("warning: %s left out, results are partial: %s", name, msg);
}


int cli_open_db_opts(const char *const *names, size_t n, cli_db_opts *o, engine_db **out) {
  const char *fallback = cli_default_db();
  if (n == 0) {
    names = &fallback;
    n = 1;
  }
  /* A directory holding a sharded index stands for its stub (shard.h). */
  char(*paths)[SHARD_PATH_MAX] = calloc(n, sizeof *paths);
  const char **resolved = calloc(n, sizeof *resolved);
  if (!paths || !resolved) {
    free(paths);
    free(resolved);
    cli_error("out of memory");
    return EXIT_INTERNAL;
  }
  for (size_t i = 0; i < n; i++) resolved[i] = shard_resolve_db(names[i], paths[i], sizeof paths[i]);
  o->skipped = 0;
  engine_open_opts eo = {o->timeout_ms ? o->timeout_ms : CLI_DEFAULT_TIMEOUT_MS, o->allow_partial,
                         warn_skipped, o};
  char *msg = NULL;
  engine_status st = engine_db_open_opts(resolved, n, &eo, out, &msg);
  if (st == ENGINE_OK) cli_crash_guard_index(names, n); /* the schema check reads it already */
  int rc = st == ENGINE_OK ? check_schema(out, names, n, n == 1 ? names[0] : "the index")
                           : cli_index_error(st, names, n, msg);
  free(msg);
  free(paths);
  free(resolved);
  return rc;
}

int cli_open_db(const char *const *names, size_t n, engine_db **out) {
  cli_db_opts o = {0};
  return cli_open_db_opts(names, n, &o, out);
}

const char *const *cli_attach_reader(void) {
  static char exe[4096];
  static const char *argv[3];
  if (argv[0]) return argv;
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0 || (size_t)n >= sizeof exe - 1) return NULL;
  exe[n] = '\0';
  argv[0] = exe;
  argv[1] = CLI_READER_COMMAND;
  argv[2] = NULL;
  return argv;
}
