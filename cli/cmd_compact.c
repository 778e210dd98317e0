/* tracuu compact: shards merged, or an index compacted, into a NEW index,
 * then (with --swap) the name searches use pointed at it in one rename.
 *
 * Why this is safe while searches go on: the sources are only read
 * (Xapian's compactor reads a committed revision), the result is written
 * to a directory nobody searches yet, and the switch is a rename(2) of a
 * symlink or of a stub file, which is atomic: a search opens either the old
 * index or the new one, never a mix. A search that opened the old one keeps
 * its open files and finishes on it; remove the old index once no search
 * can still be using it. Changes written to the sources after the compaction
 * started are not in the result: stop `tracuu index` and `tracuu crawl`
 * meanwhile (or run them again after the swap; re-indexing an id replaces it). */
#define _XOPEN_SOURCE 700 /* nftw */
#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "indexer/shard.h"

/* A writer committing twice during the compaction makes the source's old
 * revision unreadable (ENGINE_RETRY): start again, this many times. */
#define MAX_ATTEMPTS 3

typedef struct {
  const char *sources[CLI_MAX_DBS];
  size_t n;
  const char *out, *swap;
} compact_args;

static const struct option compact_options[] = {
    {"db", required_argument, NULL, 'd'},
    {"out", required_argument, NULL, 'o'},
    {"swap", required_argument, NULL, 's'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}};

/* Returns -1 on a usage error, 1 after --help, 0 otherwise. */
static int parse_compact_flags(int argc, char **argv, compact_args *a) {
  int opt;
  optind = 1;
  while ((opt = getopt_long(argc, argv, "d:o:s:h", compact_options, NULL)) != -1) {
    switch (opt) {
    case 'd':
      if (cli_add_db(a->sources, &a->n, optarg) != 0) return -1;
      break;
    case 'o': a->out = optarg; break;
    case 's': a->swap = optarg; break;
    case 'h': cli_help("compact", stdout); return 1;
    default: cli_error("try \"tracuu help compact\""); return -1;
    }
  }
  if (optind != argc) {
    cli_error("compact takes no arguments besides its options (\"%s\")", argv[optind]);
    return -1;
  }
  if (!a->out) {
    cli_error("compact needs --out DIR, a new directory for the result");
    return -1;
  }
  if (a->n == 0) a->sources[a->n++] = cli_default_db();
  return 0;
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw) {
  (void)st, (void)type, (void)ftw;
  return remove(path);
}

/* Removes the half-written result of a failed attempt: --out did not exist
 * before this command, so everything under it is ours. */
static void remove_partial(const char *dir) { nftw(dir, remove_one, 8, FTW_PHYS | FTW_DEPTH); }

/* Merges the sources into a->out, starting again when a writer moved a
 * source on meanwhile. Returns an exit code. */
static int compact_into(const compact_args *a) {
  char paths[CLI_MAX_DBS][SHARD_PATH_MAX];
  const char *resolved[CLI_MAX_DBS];
  for (size_t i = 0; i < a->n; i++)
    resolved[i] = shard_resolve_db(a->sources[i], paths[i], sizeof paths[i]);
  engine_status st = ENGINE_RETRY;
  char *msg = NULL;
  for (int attempt = 0; st == ENGINE_RETRY && attempt < MAX_ATTEMPTS; attempt++) {
    free(msg);
    msg = NULL;
    st = engine_compact(resolved, a->n, a->out, &msg);
    if (st != ENGINE_OK) remove_partial(a->out);
  }
  if (st != ENGINE_OK) {
    if (st == ENGINE_NETWORK) cli_network_error(msg ? msg : engine_strerror(st));
    else cli_error("cannot compact into %s: %s", a->out, msg ? msg : engine_strerror(st));
  }
  free(msg);
  return cli_exit_for(st);
}

/* Points `link` at the database `target` in one rename: a stub file (when
 * link already is one) gets the single line "auto TARGET", anything else
 * becomes a symlink. A real directory cannot be replaced atomically. */
static int swap_to(const char *link, const char *target) {
  char abs[PATH_MAX], tmp[SHARD_PATH_MAX], line[PATH_MAX + 16];
  struct stat st;
  if (!realpath(target, abs)) {
    cli_error("cannot resolve %s: %s", target, strerror(errno));
    return EXIT_IO;
  }
  int exists = lstat(link, &st) == 0;
  if (exists && S_ISDIR(st.st_mode)) {
    cli_error("--swap %s is a directory, which cannot be replaced in one step: move it away and "
              "let searches use a symlink (or a stub file) of that name instead", link);
    return EXIT_USAGE;
  }
  int rc = 0;
  if (exists && S_ISREG(st.st_mode)) {
    int len = snprintf(line, sizeof line, "auto %s\n", abs);
    rc = shard_replace_file(link, line, (size_t)len);
  } else if (snprintf(tmp, sizeof tmp, "%s.tmp.%ld", link, (long)getpid()) >= (int)sizeof tmp) {
    rc = -1, errno = ENAMETOOLONG;
  } else {
    unlink(tmp);
    rc = symlink(abs, tmp) == 0 && rename(tmp, link) == 0 ? 0 : -1;
    if (rc != 0) unlink(tmp);
  }
  if (rc != 0) {
    cli_error("cannot point %s at %s: %s", link, abs, strerror(errno));
    return EXIT_IO;
  }
  return EXIT_OK;
}

int cmd_compact(int argc, char **argv) {
  compact_args a = {0};
  int p = parse_compact_flags(argc, argv, &a);
  if (p) return p > 0 ? EXIT_OK : EXIT_USAGE;
  struct stat st;
  if (lstat(a.out, &st) == 0) {
    cli_error("--out %s exists: compact writes a new directory, never over an index", a.out);
    return EXIT_USAGE;
  }
  int rc = compact_into(&a);
  if (rc == EXIT_OK && a.swap) rc = swap_to(a.swap, a.out);
  if (rc == EXIT_OK)
    fprintf(stderr, "tracuu: compacted %zu database%s into %s%s%s%s\n", a.n, a.n > 1 ? "s" : "",
            a.out, a.swap ? "; new searches of " : "", a.swap ? a.swap : "",
            a.swap ? " open it (remove the old index when no search uses it)" : "");
  return rc;
}
