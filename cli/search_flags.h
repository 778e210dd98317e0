/* search_flags: the options of tracuu search, shared by search, ref and
 * watch (a watch keeps a search's options and runs them later). */
#ifndef TRACUU_SEARCH_FLAGS_H
#define TRACUU_SEARCH_FLAGS_H

#include "cli/cli.h"
#include "cli/output.h"
#include "query/query.h"

typedef struct {
  const char *dbs[CLI_MAX_DBS];
  size_t n_dbs;
  output_opts out;
  cli_color color;
  query_request req;
  cli_db_opts dbo;
  int csv; /* --format csv */
  const char *since, *store; /* --since DATE|last-crawl, --store DIR (for last-crawl) */
} search_args;

/* Parses argv (argv[0] is the command's name; argv is permuted, the words
 * left start at optind) into a, which the caller zeroed and whose request
 * it initialized. Returns -1 on a usage error (printed), 1 when --help was
 * printed, 0 otherwise. */
int search_flags_parse(const char *cmd, int argc, char **argv, search_args *a);

/* argv[from..argc) joined by spaces (the query). Caller frees; NULL when
 * out of memory or too long. */
char *search_flags_words(int from, int argc, char **argv);

/* The configuration's limit, sort and halflife (settings.h); flags override
 * them. */
void search_flags_defaults(query_request *req);

#endif
