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

/* Open files tracuu asks for (the soft RLIMIT_NOFILE raised up to the hard
 * limit, at most this): each shard a reader or writer opens holds about 6,
 * and the usual soft limit of 1024 stops 64 shards under tracuu serve's 4
 * threads, or tracuu index --shards 256. Once, at the start of main. */
#define CLI_OPEN_FILES 65536
void cli_raise_open_files(void);

/* What to do after the system said no with this message: make room,
 * raise the open-file limit, write as another user or elsewhere. Static;
 * NULL when the message names none of those causes. */
const char *cli_io_advice(const char *msg);

/* crash.c: a fault ends with one line and a documented exit code, never a
 * bare "Segmentation fault": cli_crash_guard (once, at the start of main)
 * says "a bug: please report it" and exits EXIT_INTERNAL; once an index is
 * open for reading (cli_open_db_opts calls cli_crash_guard_index) the line
 * names the index and "tracuu check" and the code is EXIT_DAMAGED, since
 * Xapian 1.4 faults on some damaged blocks. It also loops for ever on
 * others: cli_crash_guard_index arms the watchdog (cli_hang_guard), which
 * ends a command whose thread spent CLI_HANG_SECONDS of CPU in a row inside
 * one step of the engine with the hang line and EXIT_DAMAGED. */
#define CLI_HANG_SECONDS 10
typedef enum { CLI_GUARD_FAULT, CLI_GUARD_HANG } cli_guard_kind;
void cli_crash_guard(void);
void cli_crash_guard_index(const char *const *names, size_t n);
/* Sets the line (printf format, no newline) and the exit code of a fault,
 * or of a hang, from now on (tracuu check: either while checking is damage). */
void cli_crash_guard_line(cli_guard_kind kind, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Arms (on) or disarms the watchdog, for the calling thread: disarmed
 * around a call that is one long step by design (Xapian's check of a whole
 * table), and in tracuu serve, whose workers the server watches. */
void cli_hang_guard(int on);

/* Repeated --db flags: at most CLI_MAX_DBS databases (shards) at once. */
#define CLI_MAX_DBS 64

/* Adds one --db value to names[*n]; prints the error and returns -1 when
 * there are CLI_MAX_DBS already. */
int cli_add_db(const char **names, size_t *n, const char *name);

/* Maps an engine status onto an exit code: the one map from the engine's
 * statuses (every layer passes them up unchanged) to the README's codes. */
int cli_exit_for(engine_status st);

/* "tracuu check" with a --db for each of names[0..n), into out. */
void cli_check_command(const char *const *names, size_t n, char *out /* OUT */, size_t len);

/* Prints the one line for a failed read of the databases names[0..n) (the
 * --db values as given; n = 0: the default) from the engine status st and
 * its message (NULL or "": the status's own words), and returns the exit
 * code. A damaged index gets the "tracuu check" command that examines it. */
int cli_index_error(engine_status st, const char *const *names, size_t n, const char *msg);

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

/* The reader program of attachments (attach.h, opt->reader): this very
 * tracuu binary (/proc/self/exe) and its hidden "__read-attachment"
 * command, so that a file is read by a fresh process (OMP_THREAD_LIMIT=1
 * set before libgomp loads). NULL when the binary cannot be named: then a
 * forked copy reads. Static storage, filled on the first call. */
const char *const *cli_attach_reader(void);
#define CLI_READER_COMMAND "__read-attachment"

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
int cmd_check(int argc, char **argv);

/* Calls cb with the stored JSON of every record in db (not NUL-terminated;
 * valid during the call), in the byte order of the records' id terms; stops
 * when cb returns non-zero. A writer that commits meanwhile makes it reopen
 * the index and go on after the last record handed out (each record once).
 * Returns the first engine failure, its message in err (cmd_export.c). */
typedef int (*cli_record_cb)(void *ctx, const char *json, size_t len);
engine_status cli_each_record(engine_db *db, cli_record_cb cb, void *ctx, char *err /* OUT */,
                              size_t errlen);

/* Prints the help of one subcommand (or of tracuu itself for NULL). Returns
 * 0, or -1 when there is no such subcommand. */
int cli_help(const char *subcommand, FILE *fp);

#endif
