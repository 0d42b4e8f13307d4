/*
 * signals.c — Ctrl-C.
 *
 * The one piece of process state in the binary: a flag the SIGINT handler
 * sets. The query engine and the import poll it (through a pointer in
 * their options) and stop cleanly, so Ctrl-C cancels the work in hand and
 * the shell goes on. SA_RESTART keeps ordinary reads and writes from
 * failing with EINTR; the shell's wait for a key uses pselect, which
 * returns on the signal whatever the flag says.
 */
#include "cli.h"

#include <signal.h>

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
}

volatile sig_atomic_t *cli_sigint_install(void)
{
    struct sigaction sa = {.sa_handler = on_sigint, .sa_flags = SA_RESTART};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    return &interrupted;
}
