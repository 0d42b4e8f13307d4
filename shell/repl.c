/*
 * repl.c — the interactive shell: readline, the prompt, history, tab
 * completion and Ctrl-C. The only file that includes readline.
 *
 * Lines gather into a statement until one ends in ';' outside strings,
 * regexes and comments (scan.c); everything up to the last such ';' runs,
 * and the rest waits for more lines under the continuation prompt. A line
 * starting with '.' at the start of a statement is a dot-command (dot.c).
 *
 * Keys: readline is driven through its callback interface from a pselect
 * loop with SIGINT blocked outside pselect, so Ctrl-C at the prompt wakes
 * the loop at once and reliably: the line being typed and any gathered
 * lines are dropped and a fresh prompt shown. While a statement runs,
 * SIGINT is unblocked and only sets the flag the engine polls, so Ctrl-C
 * cancels the statement and the session goes on. Ctrl-D on an empty line
 * leaves.
 *
 * History: every statement and dot-command run is one history entry
 * (a statement typed over several lines stays one entry, line breaks
 * kept), appended to the history file as soon as it runs so a crash loses
 * nothing; entries are written with timestamps, which is how readline
 * keeps multi-line entries apart when it reads the file back. The file is
 * $SKEIN_HISTORY (empty: no file) or ~/.skein_history, created private
 * (0600): queries name people.
 *
 * readline's callbacks take no context argument, so the state of the one
 * running shell is reached through the file-scope pointer `active`, set
 * for the duration of cli_repl.
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#define HISTORY_MAX 2000 /* entries kept in the file and in memory */

typedef struct repl {
    cli_session *cs;
    char *buf;                  /* lines of the statement being gathered */
    size_t len, cap;
    char prompt[160];           /* "ops> " */
    char cont[160];             /* "  -> " continuation */
    char regex_cont[160];       /* "  /> " continuation inside a regex */
    char *histfile;             /* NULL: no history file */
    sigset_t run_mask;          /* the mask while work runs (SIGINT open) */
    bool quit;
    cli_cands cands;            /* completion candidates being handed out */
    size_t next;                /* the next candidate to hand out */
} repl;

static repl *active;

/* ---- Prompt ------------------------------------------------------------- */

/* The case name for the prompt: the file name without directory and
 * extension, control characters replaced. */
static void case_name(const char *path, char *out, size_t cap)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    const char *dot = strrchr(b, '.');
    size_t n = dot && dot != b ? (size_t)(dot - b) : strlen(b);
    if (n > 40)
        n = 40;
    if (n >= cap)
        n = cap - 1;
    for (size_t i = 0; i < n; i++)
        out[i] = (unsigned char)b[i] < 0x20 || b[i] == 0x7F ? '?' : b[i];
    out[n] = '\0';
}

/* Prompts with the case name in bold cyan on a colour terminal; \001 and
 * \002 tell readline the escapes take no room on the line. */
static void make_prompts(repl *r)
{
    char name[48];
    case_name(r->cs->path, name, sizeof name);
    const char *on = r->cs->colour ? "\001\x1b[1;36m\002" : "";
    const char *off = r->cs->colour ? "\001\x1b[0m\002" : "";
    snprintf(r->prompt, sizeof r->prompt, "%s%s%s> ", on, name, off);
    int w = (int)strlen(name);
    snprintf(r->cont, sizeof r->cont, "%*s-> ", w > 1 ? w - 1 : 0, "");
    snprintf(r->regex_cont, sizeof r->regex_cont, "%*s/> ", w > 1 ? w - 1 : 0, "");
}

/* ---- History ------------------------------------------------------------ */

static char *history_path(void)
{
    const char *env = getenv("SKEIN_HISTORY");
    if (env)
        return *env ? strdup(env) : NULL;
    const char *home = getenv("HOME");
    if (!home || !*home)
        return NULL;
    size_t n = strlen(home) + sizeof "/.skein_history";
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/.skein_history", home);
    return p;
}

static void history_open(repl *r)
{
    history_write_timestamps = 1;
    history_multiline_entries = 1;
    history_comment_char = '#';
    stifle_history(HISTORY_MAX);
    r->histfile = history_path();
    if (!r->histfile)
        return;
    /* append_history needs the file to exist; create it private. */
    int fd = open(r->histfile, O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd < 0) {
        fprintf(stderr, "skein: history not kept: cannot open %s: %s\n", r->histfile,
                strerror(errno));
        free(r->histfile);
        r->histfile = NULL;
        return;
    }
    close(fd);
    read_history(r->histfile);
}

/* Adds TEXT (LEN bytes, line breaks kept) as one entry and appends it to
 * the file. A line inside it that starts with '#' and a digit would read
 * back as a timestamp, so it is indented by a space (harmless to a query). */
static void history_add(repl *r, const char *text, size_t len)
{
    while (len && (text[len - 1] == '\n' || text[len - 1] == ' ' || text[len - 1] == '\t'))
        len--;
    while (len && (*text == '\n' || *text == ' ' || *text == '\t'))
        text++, len--;
    if (!len)
        return;
    char *e = malloc(2 * len + 1);
    if (!e)
        return;
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        e[n++] = text[i];
        if (text[i] == '\n' && i + 2 < len && text[i + 1] == '#' &&
            text[i + 2] >= '0' && text[i + 2] <= '9')
            e[n++] = ' ';
    }
    e[n] = '\0';
    HIST_ENTRY *last = history_length > 0 ? history_get(history_base + history_length - 1)
                                          : NULL;
    if (!last || strcmp(last->line, e) != 0) {
        add_history(e);
        if (r->histfile)
            append_history(1, r->histfile);
    }
    free(e);
}

static void history_close(repl *r)
{
    if (r->histfile)
        history_truncate_file(r->histfile, HISTORY_MAX);
    free(r->histfile);
    r->histfile = NULL;
}

/* ---- Completion --------------------------------------------------------- */

/* Hands readline the candidates cli_complete found, one per call; readline
 * owns (and frees) what it is given. */
static char *next_candidate(const char *text, int state)
{
    (void)text;
    (void)state;
    repl *r = active;
    if (!r || r->next >= r->cands.n)
        return NULL;
    char *s = r->cands.v[r->next];
    r->cands.v[r->next++] = NULL;
    return s;
}

static char **attempt_completion(const char *text, int start, int end)
{
    repl *r = active;
    rl_attempted_completion_over = 1; /* never fall back to file names unasked */
    if (!r)
        return NULL;
    cli_cands_free(&r->cands);
    r->next = 0;
    int rc = cli_complete(r->cs, rl_line_buffer, (size_t)start, (size_t)end,
                          (char)rl_completion_quote_character, r->len == 0, &r->cands);
    if (rc)
        return NULL;
    if (r->cands.no_space)
        rl_completion_suppress_append = 1;
    if (r->cands.files && r->cands.n == 0) {
        rl_filename_completion_desired = 1;
        return rl_completion_matches(text, rl_filename_completion_function);
    }
    return r->cands.n ? rl_completion_matches(text, next_candidate) : NULL;
}

/* ---- Running what was typed ---------------------------------------------- */

/* Runs FN with SIGINT open, so Ctrl-C reaches the engine's flag. */
static int with_sigint(repl *r, int (*fn)(repl *, const char *, size_t), const char *s,
                       size_t n)
{
    sigset_t blocked;
    *r->cs->cancel = 0;
    sigprocmask(SIG_SETMASK, &r->run_mask, &blocked);
    int rc = fn(r, s, n);
    sigprocmask(SIG_SETMASK, &blocked, NULL);
    *r->cs->cancel = 0;
    return rc;
}

static int run_statements(repl *r, const char *s, size_t n)
{
    return cli_run_text(r->cs, s, n, NULL);
}

static int run_dot(repl *r, const char *s, size_t n)
{
    (void)n;
    int rc = cli_dot_run(r->cs, s);
    if (rc == CLI_QUIT)
        r->quit = true;
    return rc;
}

static bool append(repl *r, const char *s, size_t n)
{
    if (r->len + n + 1 > r->cap) {
        size_t cap = (r->len + n + 1) * 2;
        char *b = realloc(r->buf, cap);
        if (!b)
            return false;
        r->buf = b;
        r->cap = cap;
    }
    memcpy(r->buf + r->len, s, n);
    r->len += n;
    r->buf[r->len] = '\0';
    return true;
}

/* A bare word an analyst types to leave, as in psql. */
static bool is_leave_word(const char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == ';'))
        n--;
    return (n == 4 && (!strncmp(s, "quit", 4) || !strncmp(s, "exit", 4)));
}

/* Takes one line from readline. */
static void feed(repl *r, const char *line)
{
    if (r->len == 0) {
        const char *s = line;
        while (*s == ' ' || *s == '\t')
            s++;
        if (!*s)
            return;
        if (*s == '.' || is_leave_word(s)) {
            history_add(r, s, strlen(s));
            if (*s == '.')
                with_sigint(r, run_dot, s, strlen(s));
            else
                r->quit = true;
            return;
        }
    }
    if (!append(r, line, strlen(line)) || !append(r, "\n", 1)) {
        fprintf(stderr, "skein: out of memory; the statement is dropped\n");
        r->len = 0;
        return;
    }
    size_t end = cli_stmt_split(r->buf, r->len, NULL);
    if (end > 0 && !cli_blank(r->buf, end)) {
        history_add(r, r->buf, end);
        with_sigint(r, run_statements, r->buf, end);
    }
    memmove(r->buf, r->buf + end, r->len - end);
    r->len -= end;
    /* Only blanks and comments left: nothing is pending. */
    if (cli_blank(r->buf, r->len))
        r->len = 0;
}

static void set_prompt(repl *r)
{
    cli_scan_state st = CLI_SCAN_CODE;
    if (r->len)
        cli_stmt_split(r->buf, r->len, &st);
    rl_set_prompt(!r->len ? r->prompt : st == CLI_SCAN_REGEX ? r->regex_cont : r->cont);
}

/* readline's line handler: NULL is Ctrl-D (end of input). */
static void on_line(char *line)
{
    repl *r = active;
    if (!line) {
        fputc('\n', rl_outstream);
        r->quit = true;
    } else {
        feed(r, line);
        free(line);
    }
    if (r->quit)
        rl_callback_handler_remove();
    else
        set_prompt(r);
}

/* Ctrl-C at the prompt: drop what was being typed, fresh prompt. */
static void on_interrupt(repl *r)
{
    *r->cs->cancel = 0;
    r->len = 0;
    rl_callback_sigcleanup();
    rl_point = rl_end;
    rl_redisplay();
    fputs("^C", rl_outstream);
    rl_crlf();
    rl_free_line_state();
    rl_replace_line("", 1);
    history_set_pos(history_length);
    set_prompt(r);
    rl_on_new_line();
    rl_redisplay();
}

/* ---- The loop ------------------------------------------------------------ */

static void banner(const cli_session *cs)
{
    sk_txn *t;
    sk_arena *a = sk_arena_new();
    sk_stats st;
    printf("skein %s — case %s", SKEIN_VERSION, cs->path);
    if (a && sk_txn_begin(cs->store, false, &t) == SK_OK) {
        if (sk_stats_get(t, a, &st) == SK_OK)
            printf(": %llu entit%s, %llu link%s, %llu source%s",
                   (unsigned long long)st.entities, st.entities == 1 ? "y" : "ies",
                   (unsigned long long)st.links, st.links == 1 ? "" : "s",
                   (unsigned long long)st.sources, st.sources == 1 ? "" : "s");
        sk_txn_abort(t);
    }
    sk_arena_free(a);
    printf("\nStatements end with ';'. .help for help, Ctrl-D to leave.\n");
    fflush(stdout);
}

static void setup_readline(void)
{
    rl_readline_name = "skein"; /* for $if skein in ~/.inputrc */
    rl_catch_signals = 0;       /* SIGINT is ours (see the file comment) */
    /* readline's SIGWINCH handler stays installed while the loop waits in
     * pselect, so a resized window wakes it (rl_check_signals redraws). */
    rl_persistent_signal_handlers = 1;
    rl_attempted_completion_function = attempt_completion;
    rl_completer_quote_characters = "\"";
    rl_basic_word_break_characters = " \t\n\"'`@$><=;|&{}()[],:~!";
    rl_completer_word_break_characters = rl_basic_word_break_characters;
    rl_variable_bind("completion-ignore-case", "on"); /* ~/.inputrc may override */
}

int cli_repl(cli_session *cs)
{
    repl r = {.cs = cs};
    active = &r;
    make_prompts(&r);
    setup_readline();
    history_open(&r);
    banner(cs);
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigprocmask(SIG_BLOCK, &block, &r.run_mask);
    rl_callback_handler_install(r.prompt, on_line);
    int fd = fileno(rl_instream ? rl_instream : stdin);
    while (!r.quit) {
        fd_set fds;
        FD_ZERO(&fds);
        FD_SET(fd, &fds);
        int n = pselect(fd + 1, &fds, NULL, NULL, NULL, &r.run_mask);
        if (n < 0) {
            if (errno != EINTR)
                break;
            if (*cs->cancel)
                on_interrupt(&r);
            else
                rl_check_signals();
            continue;
        }
        rl_callback_read_char();
    }
    if (!r.quit)
        rl_callback_handler_remove();
    sigprocmask(SIG_SETMASK, &r.run_mask, NULL);
    history_close(&r);
    cli_cands_free(&r.cands);
    free(r.buf);
    active = NULL;
    return 0;
}
