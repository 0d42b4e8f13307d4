/*
 * cli.h — what the files of the skein binary share: the session (the open
 * case and the output settings), the sub-commands (one function each), the
 * shell's dot-commands and the helpers they have in common.
 *
 * A sub-command takes the arguments after its name (argv[0] is the name)
 * and returns the process exit status: 0 success, 1 failure (the message
 * on stderr), 2 wrong usage.
 *
 * Only repl.c includes readline; everything declared here works without a
 * terminal, so scripts, `-c` and the tests run the same code as the shell.
 */
#ifndef SK_CLI_H
#define SK_CLI_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "export.h"
#include "import.h"
#include "query.h"

/* A result copied out of the engine's arena (keep.c). */
typedef struct cli_kept {
    sk_arena *a;                /* owns everything r points to */
    sk_result r;
    bool set;
} cli_kept;

typedef struct cli_session {
    sk_store *store;
    const char *path;           /* the case file (borrowed from argv) */
    sk_format format;           /* how results print (.mode, --format) */
    bool colour;                /* ANSI colour on stdout (a terminal, no NO_COLOR) */
    bool err_colour;            /* the same for stderr */
    bool timer;                 /* print each statement's time (.timer) */
    bool keep;                  /* keep results for .export (the shell) */
    bool force;                 /* draw charts over the size limit */
    bool sanitise;              /* leave source names out of exports */
    const char *user;           /* who runs queries: --user, .user, or NULL for
                                   $SKEIN_USER / the login name */
    char *user_owned;           /* .user's copy, freed with the session */
    char *reason;               /* why the case is being worked on (--reason,
                                   .reason): recorded in the audit log with
                                   every statement; malloc'd, NULL when none */
    char *authorised_by;        /* who authorised disseminating material whose
                                   handling code forbids it (--authorised-by,
                                   .authority); malloc'd, NULL when none */
    volatile sig_atomic_t *cancel; /* set by the SIGINT handler (signals.c) */
    unsigned long results;      /* results printed so far */
    struct timespec mark;       /* when the statement being timed started */
    cli_kept last;              /* the last table result, cleared when a graph
                                   comes after it */
    cli_kept graph;             /* the last graph result */
} cli_session;

/* Frees what the session owns (not the store). */
void cli_session_free(cli_session *cs);

/* ---- Sub-commands ------------------------------------------------------ */

int cli_stats(int argc, char **argv);
/* skein CASE [-c QUERY | -f FILE] [--format F] … */
int cli_case(int argc, char **argv);
/* skein import CASE FILE… --spec SPEC … */
int cli_import(int argc, char **argv);
/* skein export CASE 'QUERY' -o FILE … */
int cli_export(int argc, char **argv);
/* skein audit CASE [verify] */
int cli_audit(int argc, char **argv);
/* skein admin CASE [SETTING VALUE] */
int cli_admin(int argc, char **argv);
/* The interactive shell on an open session; returns the exit status. */
int cli_repl(cli_session *cs);

/* ---- Running queries (run.c) ------------------------------------------- */

/* Runs query text; prints results to stdout and errors to stderr. */
int cli_run_text(cli_session *cs, const char *text, size_t len, const char *origin);
/* Writes the consultations queued on the session's case (the shell does
 * after each command, the one-shot commands before they close the case);
 * a failure is printed and returned. */
int cli_audit_flush(cli_session *cs);
/* Runs a script file ("-" = standard input). */
int cli_run_file(cli_session *cs, const char *path);
/* Reads a whole stream into a malloc'd buffer; NULL on error (errno set). */
char *cli_slurp(FILE *f, size_t *len);
/* The export callback handed to the query engine (CTX is a cli_session). */
int cli_export_result(void *ctx, const sk_result *r, const sk_export_req *req, char *msg,
                      size_t msglen);
/* Prints R as the session's mode says (and keeps it when cs->keep). */
int cli_print_result(cli_session *cs, const sk_result *r);
/* Prints an error report on stderr (red on a terminal), ending the line. */
void cli_print_error(const cli_session *cs, const char *msg);
/* Seconds since cs->mark. */
double cli_elapsed(const cli_session *cs);

/* ---- Audit (audit.c) ----------------------------------------------------- */

/* Writes R to PATH as O says (the format from PATH's extension when O's
 * is SK_EXPORT_NONE) and records the disclosure in the case's audit log,
 * both or neither. REP gets the exporter's report or why it failed. */
int cli_export_audited(cli_session *cs, const sk_result *r, const char *path,
                       sk_export_opts *o, sk_export_report *rep);
/* Which audit entries to list, or a check of the chain instead. */
typedef struct cli_audit_filter {
    bool verify;                /* check the hash chain, list nothing */
    const char *user;           /* only this user's entries (borrowed) */
    const char *action;         /* only this action ("export", "query", …) */
    sk_audit_category category; /* only this category; 0 = any */
    bool has_since;
    int64_t since;              /* only entries at or after (UTC seconds) */
} cli_audit_filter;

/* Parses [verify] [--user U] [--since DATE] [--action A] [--category C]
 * from ARGV[1..ARGC); with PATH non-NULL the first other word is taken as
 * the case path. Returns 0, or 2 (a message printed for bad values). */
int cli_audit_parse(int argc, char **argv, cli_audit_filter *f, const char **path);
/* Prints the audit log entries F selects (as a table in the session's
 * format), or with F->verify checks its hash chain. */
int cli_audit_show(cli_session *cs, const cli_audit_filter *f);
/* Who acts: USER when given, else $SKEIN_USER, else the login name — as
 * the query engine resolves it, so the shell's own audit entries name the
 * same person as the engine's. Static or borrowed; never NULL. */
const char *cli_user_name(const char *user);

/* ---- Keeping results (keep.c) ------------------------------------------- */

/* Copies R into K (replacing what K held); SK_ENOMEM leaves K as it was. */
int cli_keep(cli_kept *k, const sk_result *r);
void cli_kept_clear(cli_kept *k);

/* ---- Signals (signals.c) ------------------------------------------------ */

/* Installs the SIGINT handler and returns the flag it sets. Ctrl-C then
 * cancels the running query (the engine polls the flag) instead of
 * killing the process; whoever starts new work clears the flag first. */
volatile sig_atomic_t *cli_sigint_install(void);

/* ---- Import (cli_import.c) ---------------------------------------------- */

/* The parsed arguments of `skein import` and `.import`. */
typedef struct cli_import_args {
    const char **files;         /* malloc'd array of borrowed argv strings */
    size_t nfiles;
    const char **specs;         /* malloc'd, one per file, when several --spec
                                   were given (opts.specs points at it) */
    sk_import_opts opts;
    bool progress;              /* draw a progress bar (stderr is a terminal) */
} cli_import_args;

/* Parses FILE… --spec SPEC [--grade …] from ARGV[0..ARGC). Returns 0, or 2
 * with the complaint on stderr. Free with cli_import_args_free. */
int cli_import_parse(int argc, char **argv, cli_import_args *out);
void cli_import_args_free(cli_import_args *a);
/* Runs the import into the open store S and prints the outcome; CANCEL is
 * the SIGINT flag (Ctrl-C stops the import, case unchanged). Returns an
 * SK_* code. */
int cli_import_run(sk_store *s, cli_import_args *a, volatile sig_atomic_t *cancel);

/* ---- The shell's dot-commands (dot.c) ----------------------------------- */

/* What a dot-command's arguments complete to. */
typedef enum cli_argkind {
    CLI_ARG_NONE = 0,
    CLI_ARG_FILES,              /* file names */
    CLI_ARG_MODE,               /* table csv json */
    CLI_ARG_ONOFF,              /* on off */
    CLI_ARG_TOPIC,              /* help topics */
    CLI_ARG_EXPORT,             /* an export format, then a file name */
    CLI_ARG_VERIFY,             /* verify */
} cli_argkind;

typedef struct cli_dot {
    const char *name;           /* ".schema" */
    const char *args;           /* synopsis of the arguments, "" for none */
    const char *help;           /* one line */
    cli_argkind complete;       /* what TAB offers after it */
    int (*run)(cli_session *cs, int argc, char **argv); /* argv[0] = name */
} cli_dot;

/* Status a dot-command returns to leave the shell (.quit). */
#define CLI_QUIT 1

/* The table of dot-commands (*N entries). */
const cli_dot *cli_dots(size_t *n);
/* The entry named NAME (with its dot), or NULL. */
const cli_dot *cli_dot_find(const char *name, size_t len);
/* Runs one dot-command line ("." first). Returns SK_OK, an SK_E* code
 * (the message already printed), or CLI_QUIT. */
int cli_dot_run(cli_session *cs, const char *line);

/* Splits LINE into words, honouring "double quotes" with C escapes. The
 * words live in one malloc'd block returned through *ARGV (free it);
 * returns the count, or -1 with a message in ERR for an unclosed quote. */
int cli_split_words(const char *line, char ***argv, char *err, size_t errlen);

/* ---- Case information (info.c) ------------------------------------------ */

int cli_show_schema(cli_session *cs);
int cli_show_sources(cli_session *cs);
/* What `skein stats` and `.stats` print, for the open store S
 * (cli_stats.c). */
int cli_stats_print(sk_store *s, const char *path, bool json, FILE *out);

/* ---- Help (help.c) ------------------------------------------------------ */

/* Prints the help for TOPIC (a statement, a dot-command, "keys", or NULL
 * for the overview). SK_ENOTFOUND for an unknown topic. */
int cli_help(const cli_session *cs, const char *topic, FILE *out);
/* The statement topics (*N entries), for completion. */
const char *const *cli_help_topics(size_t *n);

/* ---- Statement ends (scan.c) --------------------------------------------- */

typedef enum cli_scan_state {
    CLI_SCAN_CODE = 0,          /* between tokens */
    CLI_SCAN_STRING,            /* inside "…" */
    CLI_SCAN_REGEX,             /* inside /…/ */
    CLI_SCAN_NAME,              /* inside `…` */
    CLI_SCAN_COMMENT,           /* inside -- … (never returned) */
} cli_scan_state;

/* Returns the offset just past the last ';' of TEXT that ends a statement
 * (0 when none); *STATE (may be NULL) says what the text ends inside. */
size_t cli_stmt_split(const char *text, size_t len, cli_scan_state *state);
/* True when TEXT holds nothing but blanks, comments and ';'. */
bool cli_blank(const char *text, size_t len);

/* ---- Completion (complete.c) -------------------------------------------- */

/* Candidates for the word being completed, malloc'd strings. */
typedef struct cli_cands {
    char **v;
    size_t n, cap;
    bool files;                 /* complete file names instead */
    bool no_space;              /* no blank after a completed word */
} cli_cands;

#define CLI_COMPLETE_MAX 50     /* entity labels offered at most */

/* Fills OUT with the completions of the word LINE[START, END) of the line
 * being edited. QUOTE is the quote character the word opens with ('"', or
 * 0), AT_STMT_START whether no earlier line of the statement is pending.
 * Entity labels come from the case's label index by prefix. */
int cli_complete(cli_session *cs, const char *line, size_t start, size_t end, char quote,
                 bool at_stmt_start, cli_cands *out);
void cli_cands_free(cli_cands *c);

/* ---- Progress bar (progress.c) ------------------------------------------- */

/* What the import progress callback is given. */
typedef struct cli_progress_ctx {
    volatile sig_atomic_t *cancel; /* the SIGINT flag: set, the import stops */
    bool draw;                  /* draw the bar (stderr is a terminal) */
} cli_progress_ctx;

/* The import progress callback (CTX a cli_progress_ctx): draws the bar on
 * stderr when asked, and cancels the import once Ctrl-C was pressed —
 * with or without a bar. */
int cli_progress(const sk_import_progress *p, void *ctx);

#endif
