/* status.c: names for the module's enums. */
#include "text/text.h"

const char *text_strerror(text_status st) {
  switch (st) {
    case TEXT_OK: return "ok";
    case TEXT_NOMEM: return "out of memory";
    case TEXT_TOO_BIG: return "input larger than TEXT_MAX_INPUT";
    case TEXT_STOPPED: return "stopped by the callback";
    case TEXT_ICU: return "ICU reported an error";
  }
  return "unknown text status";
}

const char *text_encoding_name(text_encoding enc) {
  switch (enc) {
    case TEXT_ENC_UTF8: return "utf-8";
    case TEXT_ENC_WINDOWS_1258: return "windows-1258";
    case TEXT_ENC_TCVN3: return "tcvn3";
    case TEXT_ENC_VNI: return "vni";
    case TEXT_ENC_DOUBLE_UTF8: return "double-utf-8";
    case TEXT_ENC_LATIN1: return "windows-1252";
    case TEXT_ENC_INVALID_UTF8: return "utf-8 (invalid bytes replaced)";
  }
  return "unknown";
}
