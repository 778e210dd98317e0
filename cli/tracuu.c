/* tracuu: the command-line tool. Dispatches to one file per subcommand. */
#include <curl/curl.h>
#include <getopt.h>
#include <libxml/parser.h> /* xmlParserVersion */
#include <stdlib.h>
#include <string.h>
#include <unicode/uversion.h>

#include "cli/cli.h"
#include "cli/settings.h"
#include "engine/engine.h"

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
    {"serve", cmd_serve},
    {"export", cmd_export},
    {"config", cmd_config},
    {"watch", cmd_watch},
};

/* libxml2 says its runtime version as "20914": 2.9.14. */
static void libxml2_version(char *out, size_t len) {
  int v = atoi(xmlParserVersion);
  snprintf(out, len, "%d.%d.%d", v / 10000, v / 100 % 100, v % 100);
}

static void print_version(void) {
  char xml[32];
  libxml2_version(xml, sizeof xml);
  char icu[U_MAX_VERSION_STRING_LENGTH];
  UVersionInfo v;
  u_getVersion(v);
  u_versionToString(v, icu);
  /* The versions it runs with (shared libraries), not those it was built with. */
  printf("tracuu %s\nXapian %s\nICU %s\nlibcurl %s\nlibxml2 %s\n", TRACUU_VERSION, engine_version(),
         icu, curl_version_info(CURLVERSION_NOW)->version, xml);
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
  char err[SETTING_MAX_SOURCE + 256];
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
    if (strcmp(commands[i].name, cmd) != 0) continue;
    if (settings_load(err, sizeof err) != 0) { /* the configuration files, then TRACUU_DB */
      cli_error("%s", err);
      return EXIT_USAGE;
    }
    return commands[i].run(argc - 1, argv + 1);
  }
  cli_error("no command \"%s\"; \"tracuu --help\" lists them", cmd);
  return EXIT_USAGE;
}
