#include "cli/settings.h"

#include "crawler/fetch.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static setting table[SETTING_COUNT] = {
    [SETTING_DB] = {"db", "", "default"},
    [SETTING_STORE] = {"store", "", "default"},
    [SETTING_USER_AGENT] = {"user_agent", "", "default"},
    [SETTING_DELAY] = {"delay", "", "default"},
    [SETTING_COLOR] = {"color", "", "default"},
    [SETTING_LIMIT] = {"limit", "", "default"},
    [SETTING_SORT] = {"sort", "", "default"},
    [SETTING_HALFLIFE] = {"halflife", "", "default"},
};

static int one_of(const char *v, const char *const *words) {
  for (; *words; words++)
    if (strcmp(v, *words) == 0) return 1;
  return 0;
}

static int whole_number(const char *v, unsigned long min, unsigned long max) {
  char *end;
  errno = 0;
  unsigned long n = strtoul(v, &end, 10);
  return !errno && end != v && !*end && v[0] != '-' && n >= min && n <= max;
}

/* NULL when v is a good value for id, else what it should be. */
static const char *check_value(setting_id id, const char *v) {
  static const char *const colors[] = {"auto", "always", "never", NULL};
  static const char *const sorts[] = {"blend", "relevance", "date", NULL};
  char *end;
  double d;
  switch (id) {
  case SETTING_DB:
  case SETTING_STORE: return v[0] ? NULL : "a non-empty value";
  case SETTING_USER_AGENT:
    return fetch_header_value_ok(v) ? NULL : "one line without control characters";
  case SETTING_DELAY:
    d = strtod(v, &end);
    return end != v && !*end && d >= 0 && d <= 3600 ? NULL : "seconds from 0 to 3600";
  case SETTING_COLOR: return one_of(v, colors) ? NULL : "auto, always or never";
  case SETTING_LIMIT: return whole_number(v, 0, 100000) ? NULL : "a whole number from 0 to 100000";
  case SETTING_SORT: return one_of(v, sorts) ? NULL : "blend, relevance or date";
  case SETTING_HALFLIFE: return whole_number(v, 1, 1000000) ? NULL : "days, from 1 to 1000000";
  case SETTING_COUNT: break;
  }
  return "nothing: no such setting";
}

static int set(setting_id id, const char *value, const char *source, char *err, size_t errlen) {
  const char *want = check_value(id, value);
  if (want && strcmp(source, "flag") == 0) { /* as the flag is spelt: --user-agent */
    char flag[32];
    snprintf(flag, sizeof flag, "%s", table[id].name);
    for (char *p = flag; *p; p++) *p = *p == '_' ? '-' : *p;
    snprintf(err, errlen, "--%s must be %s, not \"%s\"", flag, want, value);
    return -1;
  }
  if (want) {
    snprintf(err, errlen, "%s: %s must be %s, not \"%s\"", source, table[id].name, want, value);
    return -1;
  }
  if (strlen(value) >= sizeof table[id].value) {
    snprintf(err, errlen, "%s: the value of %s is too long", source, table[id].name);
    return -1;
  }
  snprintf(table[id].value, sizeof table[id].value, "%s", value);
  snprintf(table[id].source, sizeof table[id].source, "%s", source);
  return 0;
}

/* inih reads a file through this reader, one call a line: so the handler
 * knows the line it is given. */
typedef struct {
  FILE *fp;
  const char *path;
  unsigned line;
  char *err;
  size_t errlen;
  int failed;
} file_ctx;

static char *read_line(char *str, int num, void *stream) {
  file_ctx *f = stream;
  char *s = fgets(str, num, f->fp);
  if (s) f->line++;
  return s;
}

static int on_entry(void *user, const char *section, const char *name, const char *value) {
  file_ctx *f = user;
  char where[SETTING_MAX_SOURCE];
  snprintf(where, sizeof where, "%s:%u", f->path, f->line);
  if (f->failed) return 0;
  if (section[0] && strcmp(section, "tracuu") != 0) {
    snprintf(f->err, f->errlen, "%s: unknown section [%s] (settings go before any section, or in [tracuu])",
             where, section);
  } else {
    for (int id = 0; id < SETTING_COUNT; id++) {
      if (strcmp(name, table[id].name) != 0) continue;
      if (set((setting_id)id, value, where, f->err, f->errlen) == 0) return 1;
      f->failed = 1;
      return 0;
    }
    snprintf(f->err, f->errlen, "%s: unknown setting \"%s\" (see \"man tracuu\", CONFIGURATION)", where, name);
  }
  f->failed = 1;
  return 0;
}

static int load_file(const char *path, char *err, size_t errlen) {
  file_ctx f = {fopen(path, "r"), path, 0, err, errlen, 0};
  if (!f.fp) {
    if (errno == ENOENT || errno == ENOTDIR) return 0;
    snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
    return -1;
  }
  int rc = ini_parse_stream(read_line, &f, on_entry, &f);
  fclose(f.fp);
  if (f.failed) return -1;
  if (rc != 0) {
    snprintf(err, errlen, "%s:%d: not a \"key = value\" line", path, rc);
    return -1;
  }
  return 0;
}

const char *settings_user_file(void) {
  static char path[4096];
  const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
  if (xdg && *xdg) snprintf(path, sizeof path, "%s/tracuu/tracuu.conf", xdg);
  else snprintf(path, sizeof path, "%s/.config/tracuu/tracuu.conf", home && *home ? home : ".");
  return path;
}

int settings_load(char *err, size_t errlen) {
  const char *system_file = getenv("TRACUU_SYSTEM_CONFIG"); /* the tests' /etc */
  if (load_file(system_file && *system_file ? system_file : SETTINGS_SYSTEM_FILE, err, errlen) != 0 ||
      load_file(settings_user_file(), err, errlen) != 0)
    return -1;
  const char *db = getenv("TRACUU_DB");
  return db && *db ? set(SETTING_DB, db, "env TRACUU_DB", err, errlen) : 0;
}

const char *settings_get(setting_id id) {
  return id < SETTING_COUNT && table[id].value[0] ? table[id].value : NULL;
}

const setting *settings_all(void) { return table; }

int settings_set_flag(setting_id id, const char *value, char *err, size_t errlen) {
  return set(id, value, "flag", err, errlen);
}
