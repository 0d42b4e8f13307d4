/*
 * fuzz_query_parse.c — libFuzzer target for the query front end (lexer,
 * parser, canonical printer, diagnostics).
 *
 * Any bytes must either parse or fail with a diagnostic whose span lies
 * inside the input and which formats cleanly; nothing may crash, hang,
 * leak or read out of bounds (ASan/UBSan are on in fuzz builds). On top of
 * that it checks the printer's promise (ast.h): the canonical text of
 * what parsed parses again and prints the same text. A violation aborts,
 * so libFuzzer keeps the input.
 *
 * Run: CC=clang cmake -S . -B build-fuzz -DSKEIN_FUZZ=ON &&
 *      cmake --build build-fuzz --target fuzz_query_parse &&
 *      build-fuzz/fuzz/fuzz_query_parse -max_total_time=120 CORPUS_DIR
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_round_trip(const sk_ast_script *s, sk_arena *a)
{
    char *t1 = sk_ast_print_script(s, a);
    if (!t1)
        return;  /* out of memory is not a finding */
    sk_ast_script *s2;
    sk_diag d;
    int rc = sk_ast_parse(t1, strlen(t1), a, &s2, &d);
    if (rc != SK_OK) {
        fprintf(stderr, "canonical text does not parse: %s\n  %s\n", d.msg, t1);
        abort();
    }
    char *t2 = sk_ast_print_script(s2, a);
    if (t2 && strcmp(t1, t2) != 0) {
        fprintf(stderr, "canonical text is not stable:\n  %s\n  %s\n", t1, t2);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sk_arena *a = sk_arena_new();
    if (!a)
        return 0;
    const char *text = (const char *)data;
    sk_ast_script *s;
    sk_diag d;
    int rc = sk_ast_parse(text, size, a, &s, &d);
    if (rc == SK_OK) {
        check_round_trip(s, a);
    } else {
        if (d.span.start > d.span.end || d.span.end > size || d.msg[0] == '\0') {
            fprintf(stderr, "bad diagnostic [%u,%u) of %zu: %s\n", d.span.start, d.span.end,
                    size, d.msg);
            abort();
        }
        char report[1024];
        sk_diag_format(&d, NULL, text, size, report, sizeof report);
    }
    sk_arena_free(a);
    return 0;
}
