/* cli: what the subcommands of `tracuu` share. The tool is thin: it parses
 * flags, calls the modules, prints, and turns statuses into exit codes. All
 * messages go to stderr, data to stdout. */
#ifndef TRACUU_CLI_H
#define TRACUU_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "engine/engine.h"

/* Exit codes: documented in README.md ("Exit codes"); never renumber. */
enum {
  EXIT_OK = 0,
  EXIT_PARTIAL = 1,   /* done, but some input was skipped (bad lines, failed pages) */
  EXIT_USAGE = 2,     /* unknown option, bad flag value, missing argument */
  EXIT_NO_INDEX = 3,  /* no database where one was expected */
  EXIT_LOCKED = 4,    /* another tracuu is writing this database */
  EXIT_DAMAGED = 5,   /* database corrupt, or of another format/schema: rebuild it */
  EXIT_IO = 6,        /* the disk said no (full, read-only, permission) */
  EXIT_NETWORK = 7,   /* a remote shard or site could not be reached */
  EXIT_BAD_QUERY = 8, /* the query cannot be understood */
  EXIT_INTERNAL = 9,  /* out of memory or a bug: please report it */
  EXIT_BUSY = 10      /* another crawl is running (it holds the store's lock) */
};

/* Repeated --db flags: at most CLI_MAX_DBS databases (shards) at once. */
#define CLI_MAX_DBS 64

/* Adds one --db value to names[*n]; prints the error and returns -1 when
 * there are CLI_MAX_DBS already. */
int cli_add_db(const char **names, size_t *n, const char *name);

/* Maps an engine status onto an exit code. */
int cli_exit_for(engine_status st);

/* The database used when --db is not given: $TRACUU_DB, else the
 * configuration's db (settings.h), else $XDG_DATA_HOME/tracuu/db, else
 * ~/.local/share/tracuu/db. Static buffer. */
const char *cli_default_db(void);

/* The crawl store when --store is not given: the configuration's store
 * (settings.h), else "store" beside the index db. */
void cli_default_store(const char *db, char *out /* OUT */, size_t len);

/* The clock of the schedule, the watches and --since: the system clock,
 * unless TRACUU_NOW (for tests: unix seconds or an ISO 8601 time such as
 * 2025-01-02T02:00:00Z) says what time it is now; time then runs on from
 * there. *offset is what to add to the system clock (seconds). Returns 0,
 * or -1 after printing why TRACUU_NOW is not a time. The one place tracuu
 * reads the time of day from. */
int cli_clock_offset(int64_t *offset /* OUT */);
/* The time now on that clock; a bad TRACUU_NOW counts as unset here. */
int64_t cli_now(void);

/* Prints "tracuu: " + message + "\n" to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* --color=auto|always|never and NO_COLOR: whether stdout gets ANSI colour. */
typedef enum { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER } cli_color;
int cli_parse_color(const char *arg, cli_color *out /* OUT */);
int cli_use_color(cli_color c, FILE *fp);

/* Parses a positive integer flag value; prints the error and returns -1 on failure. */
int cli_parse_uint(const char *flag, const char *arg, unsigned max, unsigned *out /* OUT */);

/* After getopt_long() returned '?': prints one line saying which option is
 * unknown, lacks its value or takes none, and "try tracuu help CMD"; returns
 * EXIT_USAGE. optstring is the one given to getopt_long (opterr is 0: getopt
 * itself prints nothing). */
int cli_usage_error(const char *cmd, const char *optstring, int argc, char **argv);

/* Opens the databases named by --db (or the default) for searching, with a
 * clear message when that fails. Returns an exit code. */
int cli_open_db(const char *const *names, size_t n, engine_db **out /* OUT */);

/* Remote shards: connect and each operation, unless --timeout says otherwise. */
#define CLI_DEFAULT_TIMEOUT_MS 5000

typedef struct {
  unsigned timeout_ms;   /* 0 = CLI_DEFAULT_TIMEOUT_MS */
  int allow_partial;     /* --allow-partial: leave out shards out of reach, warning for each */
  size_t skipped;        /* OUT: how many were left out */
} cli_db_opts;

/* cli_open_db with options. Each name may be a database directory, a
 * directory holding a sharded index (its tracuu.stub is opened: see
 * indexer/shard.h), a stub file or "tcp:HOST:PORT". */
int cli_open_db_opts(const char *const *names, size_t n, cli_db_opts *o /* IN/OUT */,
                     engine_db **out /* OUT */);

/* The one-line message for a shard out of reach (exit code EXIT_NETWORK). */
void cli_network_error(const char *msg);

/* The subcommands: argc/argv start at the subcommand's name. */
int cmd_index(int argc, char **argv);
int cmd_search(int argc, char **argv);
int cmd_ref(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_crawl(int argc, char **argv);
int cmd_compact(int argc, char **argv);
int cmd_related(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_config(int argc, char **argv);
int cmd_watch(int argc, char **argv);

/* Calls cb with the stored JSON of every record in db (not NUL-terminated;
 * valid during the call), in the byte order of the records' id terms; stops
 * when cb returns non-zero. Returns the first engine failure (cmd_export.c). */
typedef int (*cli_record_cb)(void *ctx, const char *json, size_t len);
engine_status cli_each_record(engine_db *db, cli_record_cb cb, void *ctx);

/* Prints the help of one subcommand (or of tracuu itself for NULL). Returns
 * 0, or -1 when there is no such subcommand. */
int cli_help(const char *subcommand, FILE *fp);

#endif
