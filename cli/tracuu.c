/* tracuu: the command-line tool. Dispatches to one file per subcommand. */
#include <getopt.h>
#include <string.h>
#include <unicode/uversion.h>

#include "cli.h"
#include "engine.h"

#ifndef TRACUU_VERSION
#define TRACUU_VERSION "0.0.0"
#endif

static const struct {
  const char *name;
  int (*run)(int argc, char **argv);
} commands[] = {
    {"index", cmd_index},
    {"search", cmd_search},
    {"ref", cmd_ref},
    {"analyze", cmd_analyze},
    {"stats", cmd_stats},
    {"crawl", cmd_crawl},
    {"compact", cmd_compact},
    {"related", cmd_related},
};

static void print_version(void) {
  char icu[U_MAX_VERSION_STRING_LENGTH];
  UVersionInfo v;
  u_getVersion(v);
  u_versionToString(v, icu);
  printf("tracuu %s (Xapian %s, ICU %s)\n", TRACUU_VERSION, engine_version(), icu);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    cli_help(NULL, stderr);
    return EXIT_USAGE;
  }
  const char *cmd = argv[1];
  opterr = 0; /* bad options: one line each, from cli_usage_error */
  if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
    cli_help(NULL, stdout);
    return EXIT_OK;
  }
  if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
    print_version();
    return EXIT_OK;
  }
  if (strcmp(cmd, "help") == 0) {
    if (argc < 3) {
      cli_help(NULL, stdout);
      return EXIT_OK;
    }
    if (cli_help(argv[2], stdout) == 0) return EXIT_OK;
    cli_error("no command \"%s\"; \"tracuu --help\" lists them", argv[2]);
    return EXIT_USAGE;
  }
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (strcmp(commands[i].name, cmd) == 0) return commands[i].run(argc - 1, argv + 1);
  cli_error("no command \"%s\"; \"tracuu --help\" lists them", cmd);
  return EXIT_USAGE;
}
