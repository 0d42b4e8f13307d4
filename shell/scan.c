/*
 * scan.c — where a statement typed into the shell ends.
 *
 * The shell gathers lines until a statement ends in ';'. Whether a ';'
 * ends a statement depends on what surrounds it, so the text is scanned
 * the way the query lexer reads it: a ';' inside a "string", a /regex/, a
 * `name` or a -- comment ends nothing. Strings, names and comments end at
 * the end of their line (the lexer refuses a raw line break in them and
 * reports it with a caret, which is more use than a shell waiting for a
 * closing quote that will never come); a regex may span lines, as the
 * lexer allows.
 *
 * This file knows nothing of the grammar beyond those four token shapes.
 */
#include "cli.h"

size_t cli_stmt_split(const char *text, size_t len, cli_scan_state *state)
{
    cli_scan_state st = CLI_SCAN_CODE;
    size_t end = 0;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        switch (st) {
        case CLI_SCAN_CODE:
            if (c == ';')
                end = i + 1;
            else if (c == '"')
                st = CLI_SCAN_STRING;
            else if (c == '/')
                st = CLI_SCAN_REGEX;
            else if (c == '`')
                st = CLI_SCAN_NAME;
            else if (c == '-' && i + 1 < len && text[i + 1] == '-')
                st = CLI_SCAN_COMMENT;
            break;
        case CLI_SCAN_STRING:
        case CLI_SCAN_REGEX:
            if (c == '\\' && i + 1 < len && text[i + 1] != '\n' && text[i + 1] != '\r')
                i++;
            else if (c == (st == CLI_SCAN_STRING ? '"' : '/'))
                st = CLI_SCAN_CODE;
            else if (st == CLI_SCAN_STRING && (c == '\n' || c == '\r'))
                st = CLI_SCAN_CODE;
            break;
        case CLI_SCAN_NAME:
            if (c == '`' || c == '\n' || c == '\r')
                st = CLI_SCAN_CODE;
            break;
        case CLI_SCAN_COMMENT:
            if (c == '\n' || c == '\r')
                st = CLI_SCAN_CODE;
            break;
        }
    }
    if (state)
        *state = st == CLI_SCAN_COMMENT ? CLI_SCAN_CODE : st;
    return end;
}

bool cli_blank(const char *text, size_t len)
{
    cli_scan_state st = CLI_SCAN_CODE;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (st == CLI_SCAN_COMMENT) {
            if (c == '\n' || c == '\r')
                st = CLI_SCAN_CODE;
        } else if (c == '-' && i + 1 < len && text[i + 1] == '-') {
            st = CLI_SCAN_COMMENT;
        } else if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != ';') {
            return false;
        }
    }
    return true;
}
