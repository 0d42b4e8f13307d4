/*
 * import.h — import of seized-data extracts (import/), its one public header.
 *
 * An import reads one or more files through a mapping specification (a small
 * versioned text file, see docs/import.md) and writes the entities and links
 * they describe into a case in ONE write transaction: either every row is
 * accounted for (imported, or written to the rejects file when one is
 * given) and the transaction commits, or the case is left exactly as it
 * was. Each file becomes one source (name, SHA-256, size, time, user,
 * grading, handling code, note) and every entity and link the file creates
 * or confirms lists that source. A file whose SHA-256 is already a source
 * of the case is not read again: the summary says "already imported".
 *
 * Ownership: everything passed in is borrowed for the duration of the call.
 * Specifications returned by sk_import_spec_load are owned by the caller and
 * freed with sk_import_spec_free. Nothing here keeps global state; messages
 * go into the caller's buffer.
 */
#ifndef SK_IMPORT_H
#define SK_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* ---- Specifications ------------------------------------------------- */

typedef struct sk_import_spec sk_import_spec;

/* Loads a specification: NAME_OR_PATH is the name of a built-in ("cdr",
 * "neo4j", …) or the path of a spec file (anything containing '/' or ending
 * in ".spec" is taken as a path). A mistake is reported with
 * "SPECFILE:line:column: reason" in ERRBUF before any data is read, and
 * SK_EPARSE is returned; SK_EIO / SK_ENOTFOUND for a file that cannot be
 * read or a name that is neither. The caller frees *OUT. */
int sk_import_spec_load(const char *name_or_path, sk_import_spec **out,
                        char *errbuf, size_t errlen);
/* Parses spec TEXT (LEN bytes); ORIGIN names it in messages. */
int sk_import_spec_parse(const char *text, size_t len, const char *origin,
                         sk_import_spec **out, char *errbuf, size_t errlen);
void sk_import_spec_free(sk_import_spec *spec);  /* NULL is fine */
/* The spec's name (its `name` line, or ORIGIN) and one-line description;
 * borrowed from SPEC. */
const char *sk_import_spec_name(const sk_import_spec *spec);
const char *sk_import_spec_description(const sk_import_spec *spec);

/* A built-in specification. */
typedef struct sk_import_builtin {
    const char *name;         /* "cdr", "neo4j", … */
    const char *description;  /* one line, for `skein import --help` */
    const char *text;         /* the spec file, NUL-terminated */
} sk_import_builtin;
/* The built-in specifications, in a static table of *N entries. */
const sk_import_builtin *sk_import_builtins(size_t *n);

/* ---- Progress -------------------------------------------------------- */

/* What the import has done so far; passed to the progress callback. */
typedef struct sk_import_progress {
    const char *file;        /* the file being read (as given) */
    size_t file_index;       /* 0-based index of that file, of nfiles */
    size_t nfiles;
    uint64_t file_bytes;     /* bytes of that file read so far */
    uint64_t file_size;      /* its size in bytes (0 when unknown) */
    uint64_t all_bytes;      /* bytes read over all files so far */
    uint64_t all_size;       /* bytes of all files */
    uint64_t rows;           /* records read over all files so far */
    double seconds;          /* since the import started */
    bool done;               /* the last call, after the final row */
} sk_import_progress;

/* Called about every SK_IMPORT_PROGRESS_ROWS rows and at the end; returns
 * non-zero to cancel the import (SK_ECANCELLED, case unchanged). The shell
 * draws the bar (rows, rows/s, share of the file, time left) from this. */
typedef int (*sk_import_progress_fn)(const sk_import_progress *p, void *ctx);

/* ---- Running an import ---------------------------------------------- */

typedef struct sk_import_opts {
    const char *spec;         /* built-in name or spec path (when SPEC_OBJ is NULL) */
    const sk_import_spec *spec_obj; /* an already loaded spec, or NULL */
    const char *const *specs; /* NULL, or one entry per file: the spec of that file
                                 (built-in name or path; a NULL entry = the one
                                 above), so files of different layouts load in one
                                 import; a neo4j spec must be every file's */
    const char *grade;        /* grading code for every source, NULL = spec's or case default */
    const char *handling;     /* handling code, NULL = spec's (or none) */
    const char *note;         /* free text recorded with each source, NULL = none */
    const char *user;         /* who imports; NULL = the login name ($USER) */
    const char *reason;       /* the justification, recorded in the audit log */
    const char *encoding;     /* overrides the spec's encoding, NULL = spec's */
    const char *timezone;     /* overrides the spec's timezone, NULL = spec's */
    const char *rejects;      /* path: bad rows go there and the rest is imported;
                                 NULL = the first bad row stops the import */
    bool dry_run;             /* read and check everything, write nothing */
    sk_import_progress_fn progress; /* NULL = quiet */
    void *progress_ctx;
    size_t cache_bytes;       /* memory for the cache of keys already resolved
                                 in this import; 0 = the default (limits_import.h).
                                 Smaller only costs speed, never changes the case */
    bool sequential;          /* read and map on the calling thread too, instead of
                                 on a second thread beside the writes (spec-driven
                                 formats; neo4j always is). Never changes the case */
    size_t batch_rows;        /* records handed from reading to writing at a time;
                                 0 = the default (limits_import.h). Never changes
                                 the case */
} sk_import_opts;

/* What an import did (or, with dry_run, would do). */
typedef struct sk_import_summary {
    size_t files;               /* files given */
    size_t files_imported;      /* files that became new sources */
    size_t files_already;       /* files already in the case (not read) */
    sk_srcid first_source;      /* id of the first new source, 0 = none */
    sk_srcid already_source;    /* for a single already-imported file: its source */
    uint64_t rows_read;         /* records read (header and skipped lines excluded) */
    uint64_t rows_skipped;      /* records left out by the spec's row rules */
    uint64_t rows_rejected;     /* bad records written to the rejects file */
    uint64_t entities_created;  /* new entities */
    uint64_t entities_merged;   /* entities that existed and are now confirmed */
    uint64_t links_created;     /* new links */
    uint64_t links_confirmed;   /* links that existed and are now confirmed */
    uint64_t entities_unkeyed;  /* neo4j nodes whose key is not valid for their
                                   type, imported without a key */
    double seconds;             /* wall time of the whole import */
    bool dry_run;               /* nothing was written */
    bool bulk;                  /* loaded in the store's bulk mode (the case was
                                   empty: sk_txn_bulk) */
} sk_import_summary;

/* Imports FILES (NFILES paths) into the open case S. On success returns
 * SK_OK, fills *SUM and writes a one-paragraph summary into MSG (e.g.
 * "imported calls.csv as source 3: 1,000 rows, 212 entities created, …" or
 * "calls.csv already imported as source 3; nothing changed"). On failure
 * the case is unchanged, the code is returned and MSG holds the reason,
 * for a bad row as "FILE:LINE:COLUMN: reason". SUM may be NULL. */
int sk_import_files(sk_store *s, const char *const *files, size_t nfiles,
                    const sk_import_opts *opts, sk_import_summary *sum,
                    char *msg, size_t msglen);

/* As sk_import_files, opening (and creating when absent) the case at
 * CASE_PATH and closing it before returning. */
int sk_import_path(const char *case_path, const char *const *files, size_t nfiles,
                   const sk_import_opts *opts, sk_import_summary *sum,
                   char *msg, size_t msglen);

/* Writes the summary as the shell prints it ("rows read …") into BUF. */
int sk_import_summary_format(const sk_import_summary *sum, char *buf, size_t cap);

#endif /* SK_IMPORT_H */
