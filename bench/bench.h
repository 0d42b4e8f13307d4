/*
 * bench.h — what the parts of the benchmark runner share: the case under
 * test, the clock and the one way figures are printed (so that the output
 * can be pasted into docs/performance.md as it is).
 */
#ifndef SK_BENCH_H
#define SK_BENCH_H

#include "polegen.h"
#include "store.h"

typedef struct bench_case {
    uint64_t persons;        /* size of the generated case */
    char path[1024];         /* the case file */
    char dir[1024];          /* working directory for CSV, SQLite … */
    uint64_t entities, links;
} bench_case;

double bench_now(void);
/* Prints one figure: "  label .......... value unit". */
void bench_figure(const char *label, double value, const char *unit);
void bench_section(const char *title);

int bench_store(bench_case *bc);

#endif
