/*
 * test_import_gen.h — generated import data shared by the tests that
 * compare a fast path with its slow twin: one phone written three ways, a
 * person named two ways, keys in two files, split keys, repeated links
 * (confirmed, not duplicated) and bad keys (rejected). make_files writes
 * people.csv, calls.csv and their specs into a fresh directory.
 * Header-only (static functions), after test_import_util.h.
 */
#ifndef SK_TEST_IMPORT_GEN_H
#define SK_TEST_IMPORT_GEN_H

#include "test_import_util.h"

#define NPHONES 300
#define NCALLS 4000
#define NPEOPLE 250

static const char CALLS_SPEC[] =
    "skein-spec 1\n"
    "name t-calls\n"
    "format csv\n"
    "delimiter comma\n"
    "header yes\n"
    "timezone UTC\n"
    "entity a phone\n"
    "    key a\n"
    "entity b phone\n"
    "    key b\n"
    "link called a -> b\n"
    "    time start\n"
    "    duration dur\n";

static const char PEOPLE_SPEC[] =
    "skein-spec 1\n"
    "name t-people\n"
    "format csv\n"
    "delimiter comma\n"
    "header yes\n"
    "entity p person\n"
    "    key name\n"
    "    prop age = age as int\n"
    "entity ph phone\n"
    "    key phones\n"
    "    split \";\"\n"
    "    optional\n"
    "link uses p -> ph\n";

/* Phone I written in spelling K: national, international, 00-prefixed. */
static void phone(char *buf, size_t cap, unsigned i, unsigned k)
{
    static const char *const fmt[] = {"07700 900%03u", "+447700900%03u", "0044 7700 900%03u"};
    snprintf(buf, cap, fmt[k % 3], i % NPHONES);
}

/* Calls between the phones, in varying spellings; every 7th row repeats
 * an earlier call (same ends and time), every 997th has a bad number. */
static char *calls_csv(void)
{
    size_t cap = (size_t)NCALLS * 96 + 64, at = 0;
    char *s = malloc(cap);
    assert_non_null(s);
    at += (size_t)snprintf(s, cap, "a,b,start,dur\n");
    for (unsigned i = 0; i < NCALLS; i++) {
        unsigned r = i % 7 == 6 ? i - 3 : i; /* a repeat of row i-3 */
        char a[32], b[32];
        phone(a, sizeof a, r * 7, i);
        phone(b, sizeof b, r * 13 + 5, i / 3);
        if (i % 997 == 500)
            snprintf(b, sizeof b, "12");
        at += (size_t)snprintf(s + at, cap - at, "%s,%s,2024-03-01T%02u:%02u:00Z,%u\n", a, b,
                               r / 60 % 24, r % 60, r % 100);
    }
    return s;
}

/* People with their phones ("N1;N2"); a person's name differs in case and
 * spacing between rows, and some rows repeat a person with other phones. */
static char *people_csv(void)
{
    size_t cap = (size_t)NPEOPLE * 2 * 96 + 64, at = 0;
    char *s = malloc(cap);
    assert_non_null(s);
    at += (size_t)snprintf(s, cap, "name,age,phones\n");
    for (unsigned i = 0; i < NPEOPLE * 2; i++) {
        unsigned p = i % NPEOPLE;
        char a[32], b[32];
        phone(a, sizeof a, p * 11, i);
        phone(b, sizeof b, p * 11 + 1, i + 1);
        const char *name = i < NPEOPLE ? "Person  %u Smith" : "person %u SMITH";
        char nm[64];
        snprintf(nm, sizeof nm, name, p);
        if (i % 5 == 0)
            at += (size_t)snprintf(s + at, cap - at, "%s,%u,\n", nm, 20 + p % 50);
        else
            at += (size_t)snprintf(s + at, cap - at, "%s,%u,%s;%s\n", nm, 20 + p % 50, a, b);
    }
    return s;
}

/* The files of one test: the two CSV files and their specs. */
typedef struct files {
    char *dir;
    char calls[600], people[600], calls_spec[600], people_spec[600], rejects[600];
} files;

static void write_at(char *path, size_t cap, const char *dir, const char *name,
                     const char *text)
{
    snprintf(path, cap, "%s", tu_text(dir, name, text));
}

static files make_files(void)
{
    files f = {.dir = tu_mkdtemp()};
    char *c = calls_csv(), *p = people_csv();
    write_at(f.calls, sizeof f.calls, f.dir, "calls.csv", c);
    write_at(f.people, sizeof f.people, f.dir, "people.csv", p);
    write_at(f.calls_spec, sizeof f.calls_spec, f.dir, "calls.spec", CALLS_SPEC);
    write_at(f.people_spec, sizeof f.people_spec, f.dir, "people.spec", PEOPLE_SPEC);
    snprintf(f.rejects, sizeof f.rejects, "%s/rejects.csv", f.dir);
    free(c);
    free(p);
    return f;
}

#endif /* SK_TEST_IMPORT_GEN_H */
