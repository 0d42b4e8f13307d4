/*
 * cli.h — the sub-commands of the skein binary, one function each; each
 * takes the arguments after the sub-command name (argv[0] is the name).
 */
#ifndef SK_CLI_H
#define SK_CLI_H

int cli_stats(int argc, char **argv);

#endif
