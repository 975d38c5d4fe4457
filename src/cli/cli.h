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
