/* settings: the user's configuration of the tracuu command (the libraries
 * never read it). Each setting is taken from, in increasing precedence:
 *
 *   the default < /etc/tracuu/tracuu.conf < $XDG_CONFIG_HOME/tracuu/tracuu.conf
 *   (~/.config when unset) < the environment (TRACUU_DB) < a flag
 *
 * The files are INI ("key = value", "#"/";" comments, an optional [tracuu]
 * section), read with inih. Flags are applied by each subcommand: what this
 * module gives is the value a subcommand starts from. Documented in
 * doc/tracuu.1.scd (CONFIGURATION); `tracuu config` shows the result.
 *
 * The settings are read once, by settings_load() in main(), and then only
 * read: the one piece of process-wide state of the tool. */
#ifndef TRACUU_SETTINGS_H
#define TRACUU_SETTINGS_H

#include <stddef.h>

typedef enum {
  SETTING_DB,
  SETTING_STORE,
  SETTING_USER_AGENT,
  SETTING_DELAY,
  SETTING_COLOR,
  SETTING_LIMIT,
  SETTING_SORT,
  SETTING_HALFLIFE,
  SETTING_COUNT
} setting_id;

#define SETTING_MAX_VALUE 4096
#define SETTING_MAX_SOURCE 4200

typedef struct {
  const char *name;                /* as in the file: "user_agent" */
  char value[SETTING_MAX_VALUE];   /* "" with source "default": the built-in behaviour */
  char source[SETTING_MAX_SOURCE]; /* "FILE:LINE", "env TRACUU_DB", "flag", "default" */
} setting;

/* Reads the system file, the user's file and the environment. A file that
 * does not exist is fine; an unknown key or a bad value is an error: returns
 * -1 with "FILE:LINE: reason" in err. */
int settings_load(char *err /* OUT */, size_t errlen);

/* The value of a setting, or NULL when nothing set it (the default). */
const char *settings_get(setting_id id);

/* The whole table, for `tracuu config`. */
const setting *settings_all(void);

/* Records a flag's value (`tracuu config --limit 5`). 0, or -1 with err. */
int settings_set_flag(setting_id id, const char *value, char *err /* OUT */, size_t errlen);

/* The system file; the user's file (static buffer). */
#define SETTINGS_SYSTEM_FILE "/etc/tracuu/tracuu.conf"
const char *settings_user_file(void);

#endif
