/* tracuu: the command-line tool. Dispatches to one file per subcommand. */
#include <curl/curl.h>
#include <errno.h>
#include <getopt.h>
#include <libxml/parser.h> /* xmlParserVersion */
#include <stdlib.h>
#include <string.h>
#include <unicode/uversion.h>

#include "attach/attach.h"
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
    {"check", cmd_check},
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

/* Data that never reached stdout (a full disk, a closed pipe's EPIPE with
 * SIGPIPE ignored, /dev/full) is a failure, not a success: every command's
 * exit code passes through here. */
static int flush_stdout(int rc) {
  int flushed = fflush(stdout) == 0;
  int saved = errno;
  if (flushed && !ferror(stdout)) return rc;
  if (rc == EXIT_IO) return rc; /* the command said it could not write */
  if (!flushed) cli_error("cannot write to standard output: %s", strerror(saved));
  else cli_error("cannot write to standard output");
  return rc == EXIT_OK || rc == EXIT_PARTIAL ? EXIT_IO : rc;
}

static int run(int argc, char **argv) {
  if (argc < 2) {
    cli_error("a command is needed (tracuu COMMAND [OPTION]... [ARG]...): \"tracuu --help\" "
              "lists them");
    return EXIT_USAGE;
  }
  const char *cmd = argv[1];
  opterr = 0; /* bad options: one line each, from cli_usage_error */
  if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
    cli_help(NULL, stdout);
    return EXIT_OK;
  }
  /* Not a command: the reader child of attachments (cli_attach_reader). */
  if (strcmp(cmd, CLI_READER_COMMAND) == 0) return attach_reader_main(argc - 2, argv + 2);
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

int main(int argc, char **argv) {
  cli_crash_guard();
  cli_raise_open_files();
  return flush_stdout(run(argc, argv));
}
