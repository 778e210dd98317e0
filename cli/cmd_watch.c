/* tracuu watch: saved searches, and what is new for each since it last ran.
 *
 * Watches live in watches.json beside the index (the store's neighbour),
 * read and written under a lock (watches.json.lock) and replaced whole
 * (written beside it, fsync'ed, renamed over it), so a crash or a second
 * `watch run` never leaves half a file nor reports a document twice. Each
 * watch keeps the search options and words it was added with, and a mark:
 * the largest first-indexed stamp (indexer.h) its last run covered. A run
 * shows the matches first indexed after the mark and up to the index's
 * newest stamp, then moves the mark there; a watch that cannot run keeps
 * its mark, so nothing it should have said is lost. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "cli/search_flags.h"
#include "common/dynbuf.h"
#include "common/timefmt.h"
#include "indexer/shard.h"
#include "query/render_json.h"

#define WATCH_FILE "watches.json"
#define WATCH_NAME_MAX 64
#define WATCH_MAX 1000          /* watches in one file */
#define WATCH_MAX_ARGS 64       /* options and words of one watch */
#define WATCH_MAX_FILE (4u << 20)
#define WATCH_DEFAULT_LIMIT 100 /* new documents shown per watch and run */

typedef struct {
  char *name;
  char **args;
  size_t n_args;
  int64_t added, last_run; /* unix seconds; last_run 0: never */
  int64_t mark;            /* ms: the stamps up to here were shown */
} watch;

typedef struct {
  watch *w;
  size_t n;
} watch_list;

typedef struct {
  const char *db;
  int json;
} watch_opts;

/* --- the file ----------------------------------------------------------- */

static void watch_free(watch *w) {
  free(w->name);
  for (size_t i = 0; i < w->n_args; i++) free(w->args[i]);
  free(w->args);
}

static void list_free(watch_list *l) {
  for (size_t i = 0; i < l->n; i++) watch_free(&l->w[i]);
  free(l->w);
  l->w = NULL;
  l->n = 0;
}

/* watches.json beside the index db. */
static void watch_path(const char *db, char *out, size_t len) {
  const char *slash = strrchr(db, '/');
  if (!slash) snprintf(out, len, "%s", WATCH_FILE);
  else snprintf(out, len, "%.*s/%s", (int)(slash - db), db, WATCH_FILE);
}

/* Locks path.lock (exclusive, or shared for reading). Returns the fd, or
 * -1 after printing why. The lock goes with close(). */
static int lock_file(const char *path, int exclusive) {
  char lock[4300];
  snprintf(lock, sizeof lock, "%s.lock", path);
  int fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0 && !exclusive && errno == ENOENT) return -2; /* no directory: no watches */
  if (fd < 0 || flock(fd, exclusive ? LOCK_EX : LOCK_SH) != 0) {
    cli_error("cannot lock %s: %s", lock, strerror(errno));
    if (fd >= 0) close(fd);
    return -1;
  }
  return fd;
}

static int64_t get_int(json_object *o, const char *key) {
  json_object *v;
  return json_object_object_get_ex(o, key, &v) ? json_object_get_int64(v) : 0;
}

static int64_t get_time(json_object *o, const char *key) {
  json_object *v;
  int64_t t = 0;
  if (json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string))
    timefmt_parse_iso(json_object_get_string(v), &t);
  return t;
}

/* One watch from its JSON object: 0, or -1 when it is not one. */
static int watch_from_json(json_object *o, watch *w) {
  json_object *name, *args;
  memset(w, 0, sizeof *w);
  if (!json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, "name", &name) ||
      !json_object_is_type(name, json_type_string) || !json_object_object_get_ex(o, "args", &args) ||
      !json_object_is_type(args, json_type_array) || json_object_array_length(args) > WATCH_MAX_ARGS)
    return -1;
  w->n_args = json_object_array_length(args);
  if (!(w->name = strdup(json_object_get_string(name))) ||
      !(w->args = calloc(w->n_args ? w->n_args : 1, sizeof *w->args)))
    return -1;
  for (size_t i = 0; i < w->n_args; i++) {
    json_object *a = json_object_array_get_idx(args, i);
    if (!json_object_is_type(a, json_type_string) || !(w->args[i] = strdup(json_object_get_string(a))))
      return -1;
  }
  w->mark = get_int(o, "mark");
  w->added = get_time(o, "added");
  w->last_run = get_time(o, "last_run");
  return 0;
}

/* Reads the watches at path (none when it does not exist). Returns 0, or
 * an exit code after printing why: a damaged file is never overwritten. */
static int load(const char *path, watch_list *l) {
  memset(l, 0, sizeof *l);
  struct stat sb;
  if (stat(path, &sb) != 0) {
    if (errno == ENOENT) return EXIT_OK;
    cli_error("cannot read %s: %s", path, strerror(errno));
    return EXIT_IO;
  }
  if (sb.st_size > WATCH_MAX_FILE) {
    cli_error("%s is larger than a watch file can be: fix or move it", path);
    return EXIT_DAMAGED;
  }
  json_object *root = json_object_from_file(path), *all;
  if (!root || !json_object_object_get_ex(root, "watches", &all) ||
      !json_object_is_type(all, json_type_array) || json_object_array_length(all) > WATCH_MAX) {
    json_object_put(root);
    cli_error("%s is not a watch file (%s): fix or move it; nothing was changed", path,
              root ? "no \"watches\" list" : "not JSON");
    return EXIT_DAMAGED;
  }
  size_t n = json_object_array_length(all);
  l->w = calloc(n ? n : 1, sizeof *l->w);
  int rc = l->w ? EXIT_OK : EXIT_INTERNAL;
  for (size_t i = 0; rc == EXIT_OK && i < n; i++) {
    if (watch_from_json(json_object_array_get_idx(all, i), &l->w[i]) != 0) {
      watch_free(&l->w[i]);
      cli_error("%s: watch %zu is damaged: fix or move the file; nothing was changed", path, i + 1);
      rc = EXIT_DAMAGED;
    } else {
      l->n++;
    }
  }
  json_object_put(root);
  if (rc != EXIT_OK) list_free(l);
  return rc;
}

static json_object *time_json(int64_t t) {
  char iso[TIMEFMT_ISO_LEN];
  return t ? json_object_new_string(timefmt_iso(t, iso)) : NULL;
}

static json_object *watch_json(const watch *w) {
  json_object *o = json_object_new_object(), *args = json_object_new_array();
  for (size_t i = 0; i < w->n_args; i++)
    json_object_array_add(args, json_object_new_string(w->args[i]));
  json_object_object_add(o, "name", json_object_new_string(w->name));
  json_object_object_add(o, "args", args);
  json_object_object_add(o, "added", time_json(w->added));
  json_object_object_add(o, "last_run", time_json(w->last_run));
  json_object_object_add(o, "mark", json_object_new_int64(w->mark));
  return o;
}

/* Replaces the file whole. Returns 0, or an exit code after printing why. */
static int save(const char *path, const watch_list *l) {
  json_object *root = json_object_new_object(), *all = json_object_new_array();
  json_object_object_add(root, "version", json_object_new_int(1));
  for (size_t i = 0; i < l->n; i++) json_object_array_add(all, watch_json(&l->w[i]));
  json_object_object_add(root, "watches", all);
  const char *text = json_object_to_json_string_ext(
      root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
  int rc = EXIT_OK;
  if (!text) rc = EXIT_INTERNAL;
  else if (shard_replace_file(path, text, strlen(text)) != 0) {
    cli_error("cannot write %s: %s; the watches are as they were", path, strerror(errno));
    rc = EXIT_IO;
  }
  json_object_put(root);
  return rc;
}

static watch *find(watch_list *l, const char *name) {
  for (size_t i = 0; i < l->n; i++)
    if (strcmp(l->w[i].name, name) == 0) return &l->w[i];
  return NULL;
}

/* --- a watch's search ------------------------------------------------------ */

/* The options a watch keeps: those that choose documents. */
static const char *const kept_options[] = {"--type", "--issuer", "--category", "--signer",
                                           "--status", "--from", "--to", "--sort",
                                           "--limit", "-n", "--halflife", "--today"};

/* NULL when every option among args is one a watch keeps, else the first
 * that is not. */
static const char *foreign_option(char *const *args, size_t n) {
  for (size_t i = 0; i < n; i++) {
    const char *a = args[i];
    if (strcmp(a, "--") == 0) return NULL;
    if (a[0] != '-' || a[1] == '\0') continue;
    size_t len = strcspn(a, "=");
    int ok = 0;
    for (size_t k = 0; !ok && k < sizeof kept_options / sizeof kept_options[0]; k++)
      ok = strlen(kept_options[k]) == len && strncmp(a, kept_options[k], len) == 0;
    if (!ok) return a;
  }
  return NULL;
}

typedef struct {
  search_args a;
  char *words;
  char **argv; /* the copy getopt permuted */
} watch_search;

static void watch_search_free(watch_search *s) {
  free(s->words);
  free(s->argv);
}

/* A watch's stored options and words as a request; 0, or -1 with why in err
 * (messages of the option parser go to stderr). */
static int watch_request(const watch *w, watch_search *s, char *err, size_t errlen) {
  memset(s, 0, sizeof *s);
  query_request_init(&s->a.req);
  search_flags_defaults(&s->a.req);
  s->a.req.limit = WATCH_DEFAULT_LIMIT;
  const char *bad = foreign_option(w->args, w->n_args);
  if (bad) {
    snprintf(err, errlen, "\"%s\" is not an option a watch keeps (%s)", bad,
             "--type, --issuer, --category, --signer, --status, --from, --to, --sort, --limit");
    return -1;
  }
  int argc = (int)w->n_args + 1;
  if (!(s->argv = calloc((size_t)argc + 1, sizeof *s->argv))) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  s->argv[0] = "watch";
  for (size_t i = 0; i < w->n_args; i++) s->argv[i + 1] = w->args[i];
  if (search_flags_parse("watch", argc, s->argv, &s->a) != 0) {
    snprintf(err, errlen, "its options no longer parse");
    return -1;
  }
  if (!(s->words = search_flags_words(optind, argc, s->argv))) {
    snprintf(err, errlen, "its words are too long");
    return -1;
  }
  query_request *r = &s->a.req;
  r->text = s->words;
  r->suggest = r->facets = r->explain = 0;
  r->strict = 1;
  if (!s->words[0] && !r->from && !r->to && !r->type && !r->issuer && !r->category && !r->signer &&
      !r->status) {
    snprintf(err, errlen, "it has neither words nor a filter");
    return -1;
  }
  return query_check(r, err, errlen) == ENGINE_OK ? 0 : -1;
}

/* The watch's search as typed, for people: words and options, quoted. */
static char *described(const watch *w) {
  dynbuf b;
  dynbuf_init(&b, 1 << 16);
  for (size_t i = 0; i < w->n_args; i++) {
    if (i) dynbuf_append_byte(&b, ' ');
    int quote = strchr(w->args[i], ' ') != NULL;
    if (quote) dynbuf_append_byte(&b, '"');
    dynbuf_append_str(&b, w->args[i]);
    if (quote) dynbuf_append_byte(&b, '"');
  }
  char *s = dynbuf_status(&b) == DYNBUF_OK ? dynbuf_take(&b) : NULL;
  dynbuf_free(&b);
  return s;
}

/* A plain word: ASCII letters, digits, '-' and '_', a letter or digit first. */
static int plain_word(const char *s) {
  size_t n = strlen(s);
  if (n == 0 || n > WATCH_NAME_MAX) return 0;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && (i == 0 || (c != '-' && c != '_'))) return 0;
  }
  return 1;
}

/* --- subcommands --------------------------------------------------------------- */

/* The index's newest stamp: 0 (no index yet, or none stamped) when there is
 * none; an exit code on any other failure. */
static int latest_stamp(const watch_opts *wo, int must_exist, int64_t *stamp, engine_db **out) {
  const char *names[1] = {wo->db};
  char err[512];
  *stamp = 0;
  *out = NULL;
  if (!must_exist && access(wo->db, F_OK) != 0) return EXIT_OK;
  int rc = cli_open_db(names, 1, out);
  if (rc != EXIT_OK) return rc;
  engine_status qs = query_latest_stamp(*out, stamp, err, sizeof err);
  if (qs == ENGINE_OK) return EXIT_OK;
  engine_db_close(*out);
  *out = NULL;
  return cli_index_error(qs, names, 1, err);
}

static int watch_add(const watch_opts *wo, const char *path, int argc, char **argv) {
  if (argc < 1) {
    cli_error("watch add needs a NAME and a search, e.g. tracuu watch add thue --type \"Quyết định\" thuế");
    return EXIT_USAGE;
  }
  const char *name = argv[0];
  if (!plain_word(name)) {
    cli_error("\"%s\" is not a plain word: a watch name is letters a-z, digits, \"-\" and \"_\", "
              "at most %d (e.g. thue-dat)", name, WATCH_NAME_MAX);
    return EXIT_USAGE;
  }
  if ((size_t)argc - 1 > WATCH_MAX_ARGS) {
    cli_error("a watch keeps at most %d options and words", WATCH_MAX_ARGS);
    return EXIT_USAGE;
  }
  watch w = {.name = (char *)name, .args = argv + 1, .n_args = (size_t)argc - 1};
  watch_search s;
  char err[512];
  if (watch_request(&w, &s, err, sizeof err) != 0) {
    watch_search_free(&s);
    cli_error("watch %s: %s", name, err);
    return strstr(err, "option") || strstr(err, "neither") ? EXIT_USAGE : EXIT_BAD_QUERY;
  }
  watch_search_free(&s);
  engine_db *db;
  int64_t stamp;
  int rc = latest_stamp(wo, 0, &stamp, &db);
  engine_db_close(db);
  if (rc != EXIT_OK) return rc;
  int fd = lock_file(path, 1);
  if (fd < 0) return EXIT_IO;
  watch_list l;
  rc = load(path, &l);
  if (rc == EXIT_OK && find(&l, name)) {
    cli_error("a watch named %s exists already (tracuu watch rm %s first)", name, name);
    rc = EXIT_USAGE;
  } else if (rc == EXIT_OK && l.n >= WATCH_MAX) {
    cli_error("%s holds %d watches already", path, WATCH_MAX);
    rc = EXIT_USAGE;
  }
  watch *grown = rc == EXIT_OK ? realloc(l.w, (l.n + 1) * sizeof *l.w) : NULL;
  if (rc == EXIT_OK && !grown) rc = EXIT_INTERNAL;
  if (rc == EXIT_OK) {
    l.w = grown;
    watch *nw = &l.w[l.n];
    memset(nw, 0, sizeof *nw);
    nw->n_args = w.n_args;
    nw->name = strdup(name);
    nw->args = calloc(w.n_args ? w.n_args : 1, sizeof *nw->args);
    for (size_t i = 0; nw->args && i < w.n_args; i++) nw->args[i] = strdup(w.args[i]);
    nw->added = cli_now();
    nw->mark = stamp; /* new from now on */
    l.n++;
    rc = save(path, &l);
  }
  if (rc == EXIT_OK)
    fprintf(stderr, "tracuu: watch %s added: tracuu watch run shows the documents indexed from "
            "now on that match it\n", name);
  list_free(&l);
  close(fd);
  return rc;
}

static int watch_list_cmd(const watch_opts *wo, const char *path) {
  int fd = lock_file(path, 0);
  if (fd == -1) return EXIT_IO;
  watch_list l;
  int rc = load(path, &l);
  char iso[TIMEFMT_ISO_LEN];
  for (size_t i = 0; rc == EXIT_OK && i < l.n; i++) {
    const watch *w = &l.w[i];
    if (wo->json) {
      json_object *o = watch_json(w);
      puts(render_json_text(o));
      json_object_put(o);
      continue;
    }
    char *d = described(w);
    printf("%s\t%s\tlast run %s\n", w->name, d ? d : "", w->last_run ? timefmt_iso(w->last_run, iso) : "never");
    free(d);
  }
  list_free(&l);
  if (fd >= 0) close(fd);
  if (rc == EXIT_OK && fflush(stdout) != 0) rc = EXIT_IO;
  return rc;
}

static int watch_rm(const char *path, int argc, char **argv) {
  if (argc != 1) {
    cli_error("watch rm needs one NAME (tracuu watch list names them)");
    return EXIT_USAGE;
  }
  int fd = lock_file(path, 1);
  if (fd < 0) return EXIT_IO;
  watch_list l;
  int rc = load(path, &l);
  watch *w = rc == EXIT_OK ? find(&l, argv[0]) : NULL;
  if (rc == EXIT_OK && !w) {
    cli_error("no watch named \"%s\" (tracuu watch list names them)", argv[0]);
    rc = EXIT_USAGE;
  }
  if (w) {
    watch_free(w);
    memmove(w, w + 1, (size_t)(l.w + l.n - (w + 1)) * sizeof *w);
    l.n--;
    rc = save(path, &l);
  }
  list_free(&l);
  close(fd);
  return rc;
}

/* Prints what is new for one watch; moves its mark when it ran. Returns an
 * exit code: EXIT_BAD_QUERY when its search no longer parses (the mark stays). */
static int run_one(engine_db *db, const watch_opts *wo, watch *w, int64_t latest, int64_t now) {
  watch_search s;
  char err[512];
  if (watch_request(w, &s, err, sizeof err) != 0) {
    cli_error("watch %s: its search no longer parses: %s (tracuu watch rm %s, then add it again); "
              "nothing was shown or lost", w->name, err, w->name);
    watch_search_free(&s);
    return EXIT_BAD_QUERY;
  }
  if (latest <= w->mark) { /* nothing indexed since its last run */
    w->last_run = now;
    watch_search_free(&s);
    return EXIT_OK;
  }
  s.a.req.since_ms = w->mark + 1;
  s.a.req.until_ms = latest;
  query_result *res = NULL;
  engine_status qs = query_run(db, &s.a.req, &res, err, sizeof err);
  int rc = EXIT_OK;
  if (qs == ENGINE_BAD_QUERY) {
    cli_error("watch %s: its search no longer parses: %s (tracuu watch rm %s, then add it again); "
              "nothing was shown or lost", w->name, err, w->name);
    rc = EXIT_BAD_QUERY;
  } else if (qs != ENGINE_OK) {
    char what[1200];
    snprintf(what, sizeof what, "watch %s: %s", w->name, err);
    const char *names[1] = {wo->db};
    rc = cli_index_error(qs, names, 1, what);
  } else if (res->n_hits) {
    if (wo->json) {
      for (size_t i = 0; i < res->n_hits; i++) {
        json_object *o = render_json_hit(&res->hits[i], 0);
        json_object_object_add(o, "watch", json_object_new_string(w->name));
        puts(render_json_text(o));
        json_object_put(o);
      }
    } else {
      char *d = described(w);
      printf("== watch %s: %zu new (%s) ==\n", w->name, res->n_hits, d ? d : "");
      free(d);
      output_opts oo = {.color = cli_use_color(COLOR_AUTO, stdout)};
      if (output_results(stdout, res, &oo) != 0) rc = EXIT_IO;
      if (res->estimated > res->n_hits)
        printf("   (and about %llu more: raise the watch's --limit)\n",
               (unsigned long long)(res->estimated - res->n_hits));
    }
  }
  if (qs == ENGINE_OK) {
    w->mark = latest;
    w->last_run = now;
  }
  query_result_free(res);
  watch_search_free(&s);
  return rc;
}

static int watch_run(const watch_opts *wo, const char *path, int argc, char **argv) {
  if (argc > 1) {
    cli_error("watch run takes at most one NAME");
    return EXIT_USAGE;
  }
  int fd = lock_file(path, 1);
  if (fd < 0) return EXIT_IO;
  watch_list l;
  int rc = load(path, &l);
  if (rc == EXIT_OK && argc == 1 && !find(&l, argv[0])) {
    cli_error("no watch named \"%s\" (tracuu watch list names them)", argv[0]);
    rc = EXIT_USAGE;
  }
  engine_db *db = NULL;
  int64_t latest = 0, now = cli_now();
  if (rc == EXIT_OK && l.n) rc = latest_stamp(wo, 1, &latest, &db);
  int worst = EXIT_OK;
  for (size_t i = 0; rc == EXIT_OK && i < l.n; i++) {
    if (argc == 1 && strcmp(l.w[i].name, argv[0]) != 0) continue;
    int one = run_one(db, wo, &l.w[i], latest, now);
    if (one == EXIT_BAD_QUERY) worst = one;
    else if (one != EXIT_OK) rc = one;
  }
  if (fflush(stdout) != 0 && rc == EXIT_OK) rc = EXIT_IO;
  /* marks move only once what they cover was written out */
  if (rc == EXIT_OK && l.n) rc = save(path, &l);
  engine_db_close(db);
  list_free(&l);
  close(fd);
  return rc != EXIT_OK ? rc : worst;
}

int cmd_watch(int argc, char **argv) {
  static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
                                       {"json", no_argument, NULL, 'j'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  watch_opts wo = {0};
  int opt;
  optind = 1;
  /* "+": options stop at the subcommand; add's own are the watch's */
  while ((opt = getopt_long(argc, argv, "+d:jh", opts, NULL)) != -1) {
    switch (opt) {
    case 'd': wo.db = optarg; break;
    case 'j': wo.json = 1; break;
    case 'h': cli_help("watch", stdout); return EXIT_OK;
    default: return cli_usage_error("watch", "+d:jh", argc, argv);
    }
  }
  if (optind >= argc) {
    cli_error("watch needs add, list, rm or run (try \"tracuu help watch\")");
    return EXIT_USAGE;
  }
  const char *sub = argv[optind];
  int sargc = argc - optind - 1;
  char **sargv = argv + optind + 1;
  /* --db (and, but for add, --json) may follow the subcommand too; the
   * other options of add are the watch's own */
  int n = 0, add = strcmp(sub, "add") == 0;
  for (int i = 0; i < sargc; i++) {
    if (!add && strcmp(sargv[i], "--json") == 0) wo.json = 1;
    else if (strcmp(sargv[i], "--db") == 0 && i + 1 < sargc) wo.db = sargv[++i];
    else if (strncmp(sargv[i], "--db=", 5) == 0) wo.db = sargv[i] + 5;
    else if (!add && sargv[i][0] == '-') {
      cli_error("unknown option \"%s\" for watch %s; try \"tracuu help watch\"", sargv[i], sub);
      return EXIT_USAGE;
    } else sargv[n++] = sargv[i];
  }
  sargc = n;
  if (!wo.db) wo.db = cli_default_db();
  char path[4200];
  watch_path(wo.db, path, sizeof path);
  if (strcmp(sub, "add") == 0) return watch_add(&wo, path, sargc, sargv);
  if (strcmp(sub, "list") == 0) return sargc ? (cli_error("watch list takes no NAME"), EXIT_USAGE)
                                             : watch_list_cmd(&wo, path);
  if (strcmp(sub, "rm") == 0) return watch_rm(path, sargc, sargv);
  if (strcmp(sub, "run") == 0) return watch_run(&wo, path, sargc, sargv);
  cli_error("unknown watch command \"%s\": add, list, rm or run", sub);
  return EXIT_USAGE;
}
