/* Writing one CSV cell safely: the one helper every CSV the project writes
 * uses for its text cells (exports, the GPC inventory, the CLI's --csv).
 *
 * A spreadsheet that opens a CSV reads a cell that begins with =, +, -, @,
 * a tab or a carriage return as a formula: a measure whose responsible
 * party is `=cmd|' /C calc'!A0` would run a command (CSV injection). As
 * OWASP recommends, such a cell is written with a single quote before it
 * and quoted, so that it is shown as the text it is. A text that is a
 * plain number ("-12.5") is left alone: it cannot be a formula.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ilmava/io.h"

bool ilm_csv_is_number(const char *s)
{
    /* [+-]digits[.digits][e[+-]digits], at least one digit before the
     * exponent; no spaces, no hex, no inf or nan. */
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    size_t digits = strspn(p, "0123456789");
    p += digits;
    if (*p == '.') {
        size_t frac = strspn(p + 1, "0123456789");
        digits += frac;
        p += 1 + frac;
    }
    if (digits == 0)
        return false;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        size_t exp = strspn(p, "0123456789");
        if (exp == 0)
            return false;
        p += exp;
    }
    return *p == '\0';
}

bool ilm_csv_is_risky(const char *s)
{
    return s && s[0] && strchr("=+-@\t\r", s[0]) && !ilm_csv_is_number(s);
}

char *ilm_csv_cell(const char *s, char sep)
{
    if (!s)
        s = "";
    bool risky = ilm_csv_is_risky(s);
    bool quote = risky || strpbrk(s, "\"\n\r") || (sep && strchr(s, sep));
    size_t n = strlen(s), quotes = 0;
    for (const char *p = s; *p; p++)
        quotes += *p == '"';
    char *out = malloc(n + quotes + 4);
    if (!out)
        return NULL;
    size_t o = 0;
    if (quote)
        out[o++] = '"';
    if (risky)
        out[o++] = '\'';
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            out[o++] = '"'; /* a quote is doubled */
        out[o++] = *p;
    }
    if (quote)
        out[o++] = '"';
    out[o] = '\0';
    return out;
}
