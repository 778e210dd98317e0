/* tracuu config: the effective configuration and where each value came
 * from (settings.h): a file and line, the environment, a flag, the default. */
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/settings.h"

/* What a setting is when nothing sets it, as the subcommands behave. */
static void default_value(setting_id id, char *out, size_t len) {
  switch (id) {
  case SETTING_DB: snprintf(out, len, "%s", cli_default_db()); return;
  case SETTING_STORE: cli_default_store(cli_default_db(), out, len); return;
  case SETTING_USER_AGENT: snprintf(out, len, "(built in, with a contact URL)"); return;
  case SETTING_DELAY: snprintf(out, len, "1"); return;
  case SETTING_COLOR: snprintf(out, len, "auto"); return;
  case SETTING_LIMIT: snprintf(out, len, "10"); return;
  case SETTING_SORT: snprintf(out, len, "blend"); return;
  case SETTING_HALFLIFE: snprintf(out, len, "1095"); return;
  case SETTING_COUNT: break;
  }
  out[0] = '\0';
}

static void print_settings(int json) {
  const setting *all = settings_all();
  json_object *o = json ? json_object_new_object() : NULL;
  char def[SETTING_MAX_VALUE];
  for (int id = 0; id < SETTING_COUNT; id++) {
    const char *v = all[id].value;
    if (!v[0]) {
      default_value((setting_id)id, def, sizeof def);
      v = def;
    }
    if (!json) {
      printf("%s = %s\t# %s\n", all[id].name, v, all[id].source);
      continue;
    }
    json_object *e = json_object_new_object();
    json_object_object_add(e, "value", json_object_new_string(v));
    json_object_object_add(e, "source", json_object_new_string(all[id].source));
    json_object_object_add(o, all[id].name, e);
  }
  if (json) {
    puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o);
  }
}

enum { OPT_JSON = 256 };

/* The flags of `tracuu config` are the settings' own: --user-agent sets user_agent. */
static const struct option config_options[] = {
    {"db", required_argument, NULL, SETTING_DB},
    {"store", required_argument, NULL, SETTING_STORE},
    {"user-agent", required_argument, NULL, SETTING_USER_AGENT},
    {"delay", required_argument, NULL, SETTING_DELAY},
    {"color", required_argument, NULL, SETTING_COLOR},
    {"limit", required_argument, NULL, SETTING_LIMIT},
    {"sort", required_argument, NULL, SETTING_SORT},
    {"halflife", required_argument, NULL, SETTING_HALFLIFE},
    {"json", no_argument, NULL, OPT_JSON},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}};

int cmd_config(int argc, char **argv) {
  int opt, json = 0;
  char err[SETTING_MAX_SOURCE + 256];
  optind = 1;
  while ((opt = getopt_long(argc, argv, "h", config_options, NULL)) != -1) {
    if (opt >= 0 && opt < SETTING_COUNT) {
      if (settings_set_flag((setting_id)opt, optarg, err, sizeof err) != 0) {
        cli_error("%s", err);
        return EXIT_USAGE;
      }
    } else if (opt == OPT_JSON) {
      json = 1;
    } else if (opt == 'h') {
      cli_help("config", stdout);
      return EXIT_OK;
    } else {
      return cli_usage_error("config", "h", argc, argv);
    }
  }
  if (optind != argc) {
    cli_error("config takes no argument (\"%s\"); try \"tracuu help config\"", argv[optind]);
    return EXIT_USAGE;
  }
  print_settings(json);
  return EXIT_OK;
}
