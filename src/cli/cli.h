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

/* Prints "ilmava: MESSAGE" on stderr and returns the user-error exit code. */
int cli_user_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints the messages of err on stderr; returns the exit code for rc. */
int cli_print_errors(const char *prefix, const ilm_errors *err, int rc);

/* Parses a whole number option value in lo..hi; returns 0 or exit code 2. */
int cli_parse_int(const char *opt, const char *s, long long lo, long long hi, long long *out);

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

#endif
