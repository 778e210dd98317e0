/* fuzz_docx: the DOCX/ODT reader (libzip + libxml2) through attach_read.
 *
 * Input: one byte picks DOCX or ODT, the rest is the XML of the document's
 * body part; the target zips it (stored, so libzip's deflate is not what is
 * fuzzed) as word/document.xml or content.xml with an ODT mimetype. Also
 * fed raw as a zip when the input starts with "PK". Checks: see
 * fuzz_attach.h. */
#include <zip.h>

#include "fuzz_attach.h"

static char *zip_one(const char *const *names, const char *const *parts, const size_t *lens,
                     int n, size_t *len) {
  zip_error_t ze;
  zip_error_init(&ze);
  zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
  zip_source_keep(src);
  zip_t *z = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
  for (int i = 0; z && i < n; i++) {
    zip_source_t *s = zip_source_buffer(z, parts[i], lens[i], 0);
    zip_int64_t idx = zip_file_add(z, names[i], s, ZIP_FL_OVERWRITE);
    if (idx >= 0) zip_set_file_compression(z, (zip_uint64_t)idx, ZIP_CM_STORE, 0);
  }
  char *out = NULL;
  if (z && zip_close(z) == 0 && zip_source_open(src) == 0) {
    zip_source_seek(src, 0, SEEK_END);
    zip_int64_t size = zip_source_tell(src);
    zip_source_seek(src, 0, SEEK_SET);
    out = size > 0 ? malloc((size_t)size) : NULL;
    if (out && zip_source_read(src, out, (zip_uint64_t)size) == size) *len = (size_t)size;
    else free(out), out = NULL;
    zip_source_close(src);
  } else if (z) {
    zip_discard(z);
  }
  zip_source_free(src);
  zip_error_fini(&ze);
  return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0) return 0;
  if (size > 2 && data[0] == 'P' && data[1] == 'K') fuzz_attach_check((const char *)data, size, -1);
  int odt = data[0] & 1;
  static const char mime[] = "application/vnd.oasis.opendocument.text";
  const char *names[2] = {odt ? "mimetype" : "[Content_Types].xml", odt ? "content.xml" : "word/document.xml"};
  const char *parts[2] = {odt ? mime : "<Types/>", (const char *)data + 1};
  size_t lens[2] = {odt ? sizeof mime - 1 : 8, size - 1}, len = 0;
  char *z = zip_one(names, parts, lens, 2, &len);
  if (z) fuzz_attach_check(z, len, odt ? ATTACH_TYPE_ODT : ATTACH_TYPE_DOCX);
  free(z);
  return 0;
}
