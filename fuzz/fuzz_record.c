/* fuzz_record: one JSONL line of `tracuu index`, record_parse_json.
 *
 * Checked: on success the id is non-empty, a date real, and the record
 * written out (record_to_json) is one line of valid UTF-8 (invalid bytes in
 * the input were repaired) that reads back to the same record: writing that
 * one out gives the same line. On error the record is empty and the reason
 * is one line of valid UTF-8. Layout-independent: the record's fields are
 * compared through their JSON form, so new fields are covered as they come. */
#include "fuzz/fuzz_util.h"
#include "model/record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  record r, back;
  int repaired = -1;
  char err[256];
  err[0] = '\0';
  if (record_parse_json((const char *)data, size, &r, &repaired, err, sizeof err) != 0) {
    FUZZ_CHECK(r.id == NULL && r.body == NULL && r.title == NULL, "an error leaves the record empty");
    FUZZ_CHECK(err[0] && strchr(err, '\n') == NULL, "the reason is one line");
    FUZZ_CHECK(fuzz_utf8_valid(err, strlen(err)), "the reason is valid UTF-8");
    return 0;
  }
  FUZZ_CHECK(repaired == 0 || repaired == 1, "repaired is set");
  FUZZ_CHECK(r.id && r.id[0], "the id is non-empty");
  if (r.date && r.date[0]) FUZZ_CHECK(record_date_valid(r.date, NULL, NULL, NULL), "a date is real");

  char *json = record_to_json(&r);
  FUZZ_CHECK(json != NULL, "record_to_json succeeds");
  size_t n = strlen(json);
  FUZZ_CHECK(memchr(json, '\n', n) == NULL, "record_to_json writes one line");
  FUZZ_CHECK(fuzz_utf8_valid(json, n), "record_to_json writes valid UTF-8");
  int rep2 = 0;
  FUZZ_CHECK(record_parse_json(json, n, &back, &rep2, err, sizeof err) == 0,
             "a record written out reads back");
  FUZZ_CHECK(rep2 == 0, "a record written out needs no repair");
  char *json2 = record_to_json(&back);
  FUZZ_CHECK(json2 && strcmp(json, json2) == 0, "a record reads back as written");
  free(json2);
  free(json);
  record_clear(&back);
  record_clear(&r);
  return 0;
}
