/*
 * fuzz_import_spec.c — libFuzzer target for the specification reader: any
 * text either parses into a spec (which is then freed) or is refused with
 * a message naming a line and column; never a crash or a leak.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "import_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[512];
    sk_import_spec *s = NULL;
    int rc = sk_import_spec_parse((const char *)data, size, "fuzz.spec", &s, err, sizeof err);
    if (rc == SK_OK) {
        if (!s || !sk_import_spec_name(s))
            abort();
        sk_import_spec_free(s);
    } else if (rc == SK_EPARSE && strncmp(err, "fuzz.spec:", 10) != 0) {
        abort(); /* a parse error always has its place */
    }
    return 0;
}
