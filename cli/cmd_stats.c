/* tracuu stats: what an index holds. */
#include <getopt.h>
#include <json-c/json.h>
#include <stdlib.h>

#include "cli.h"
#include "schema.h"

static const struct option stats_options[] = {{"db", required_argument, NULL, 'd'},
                                              {"json", no_argument, NULL, 'j'},
                                              {"help", no_argument, NULL, 'h'},
                                              {NULL, 0, NULL, 0}};

int cmd_stats(int argc, char **argv) {
  const char *dbs[64];
  size_t n = 0;
  int opt, json = 0;
  optind = 1;
  while ((opt = getopt_long(argc, argv, "d:jh", stats_options, NULL)) != -1) {
    switch (opt) {
    case 'd':
      if (n < 64) dbs[n++] = optarg;
      break;
    case 'j': json = 1; break;
    case 'h': cli_help("stats", stdout); return EXIT_OK;
    default: return cli_usage_error("stats", "d:jh", argc, argv);
    }
  }
  engine_db *db = NULL;
  int rc = cli_open_db(dbs, n, &db);
  if (rc != EXIT_OK) return rc;
  char *schema = NULL;
  engine_status st = engine_db_get_metadata(db, TRACUU_SCHEMA_KEY, &schema);
  if (st != ENGINE_OK) {
    cli_error("cannot read the index: %s", engine_db_errmsg(db));
    engine_db_close(db);
    return cli_exit_for(st);
  }
  unsigned long long docs = (unsigned long long)engine_db_doccount(db);
  if (json) {
    json_object *o = json_object_new_object();
    json_object_object_add(o, "documents", json_object_new_int64((int64_t)docs));
    json_object_object_add(o, "schema", json_object_new_string(schema));
    puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
    json_object_put(o);
  } else {
    printf("documents: %llu\nschema: %s\n", docs, schema);
  }
  free(schema);
  engine_db_close(db);
  return EXIT_OK;
}
