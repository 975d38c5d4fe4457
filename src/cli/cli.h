/* Shared pieces of the command line. Internal to src/cli.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#ifndef ILM_CLI_H
#define ILM_CLI_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ilmava/model.h"
#include "ilmava/plan.h"
#include "ilmava/store.h"

#define EXIT_USER 2

/* How cli_escape shows control characters (C0, DEL, C1) and bytes that are
 * not UTF-8. FIELD escapes every one (a name, an id, a message: one line);
 * TEXT keeps newlines, tabs and CR before LF (a document); JSON keeps what
 * JSON allows between tokens and writes the rest as \u escapes, so that the
 * document stays valid. */
typedef enum cli_escape_mode { CLI_ESC_FIELD, CLI_ESC_TEXT, CLI_ESC_JSON } cli_escape_mode;

/* A copy of s[0..n) with its control characters shown as escapes (\x1B,
 * \u009B) and valid UTF-8 letters kept; the length goes to *out_len when it
 * is not NULL. The caller frees it; NULL when out of memory. */
char *cli_escape(const char *s, size_t n, cli_escape_mode mode, size_t *out_len);

/* printf for the command line: every %s and %c argument is escaped as a
 * field (CLI_ESC_FIELD), so no text from data can steer the terminal. The
 * format itself is ours and is written as it is. Use these for all output. */
int cli_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int cli_fprintf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cli_vfprintf(FILE *f, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* Writes s (a document, a multi-line text) with the control characters
 * other than newline and tab escaped (mode TEXT), or as JSON (mode JSON).
 * Returns 0, or -1 when writing failed or memory ran out. */
int cli_write_text(FILE *f, const char *s, size_t n, cli_escape_mode mode);

/* Prints "ilmava: MESSAGE" on stderr and returns the user-error exit code. */
int cli_user_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints the messages of err on stderr; returns the exit code for rc. */
int cli_print_errors(const char *prefix, const ilm_errors *err, int rc);

/* Parses a whole number option value in lo..hi; returns 0 or exit code 2. */
int cli_parse_int(const char *opt, const char *s, long long lo, long long hi, long long *out);

/* Parses a number option value in lo..hi; returns 0 or exit code 2. */
int cli_parse_double(const char *opt, const char *s, double lo, double hi, double *out);

/* Prints a JSON string from the library and frees it; NULL means out of
 * memory (exit code 1). */
int cli_print_json(char *json);

/* The store: --db PATH, else $ILMAVA_DB, else ilmava.db here. */
extern const char *cli_db_path;
/* Opens the store; on failure prints why and returns the exit code. */
int cli_open_store(ilm_store **s);

/* "1 234 567.8": a rounded number with spaces between thousands. */
const char *cli_group(char *buf, size_t n, double v, int decimals);

/* True when --help or -h is among the arguments. */
bool cli_wants_help(int argc, char **argv);

/* Progress of a long Monte Carlo run on a terminal's stderr. */
typedef struct cli_progress {
    int last_percent; /* last shown + 1, 0 = nothing shown yet */
} cli_progress;

void cli_progress_report(void *user, int64_t done, int64_t total);
/* Clears the progress line, if one was shown. */
void cli_progress_done(cli_progress *p);

/* The readable reports of `pathway` and `optimize`. */
void cli_print_pathway(FILE *out, const ilm_plan *plan, const ilm_result *res);
void cli_print_optimum(FILE *out, const ilm_plan *plan, const ilm_optimum *o);

/* The commands of cmd_data.c and cmd_plan.c: argv[0] is the command. */
int cmd_serve(int argc, char **argv);
int cmd_routes(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_municipalities(int argc, char **argv);
int cmd_inventory(int argc, char **argv);
int cmd_sectors(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_measure(int argc, char **argv);
int cmd_user(int argc, char **argv); /* cmd_user.c */
int cmd_peers(int argc, char **argv); /* cmd_peers.c */
int cmd_report(int argc, char **argv); /* cmd_report.c */
int cmd_export(int argc, char **argv); /* cmd_report.c */
int cmd_programme(int argc, char **argv); /* cmd_programme.c */
int cmd_decision(int argc, char **argv);  /* cmd_programme.c */

#endif
