/* Error lists and number formatting shared by every module.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ilmava/error.h"

void ilm_errors_clear(ilm_errors *err)
{
    if (err) {
        err->count = 0;
        err->dropped = 0;
    }
}

void ilm_errors_add(ilm_errors *err, const char *fmt, ...)
{
    if (!err)
        return;
    if (err->count >= ILM_ERRORS_MAX) {
        err->dropped++;
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg[err->count], ILM_ERROR_LEN, fmt, ap);
    va_end(ap);
    err->count++;
}

char *ilm_format_number(char *buf, double v)
{
    if (!isfinite(v)) {
        snprintf(buf, 32, "%s", isnan(v) ? "nan" : (v > 0 ? "inf" : "-inf"));
        return buf;
    }
    /* Whole numbers are common (years, tonnes) and %.0f is what the loop
     * below would end with for them anyway. */
    if (v == floor(v) && fabs(v) < 1e15) {
        snprintf(buf, 32, "%.0f", v);
        return buf;
    }
    /* The shortest %.Ng that reads back exactly. A double is within half an
     * ulp of its shortest form, which is less than half a unit of the 15th
     * digit, so when that form has at most 15 digits %.15g prints exactly
     * it: start there (the loop was 40 % of the server's time on a large
     * inventory). Subnormals have fewer digits of precision. */
    for (int prec = fabs(v) < DBL_MIN ? 1 : 15; prec <= 17; prec++) {
        snprintf(buf, 32, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    /* %g writes whole numbers with fewer significant digits than integer
     * digits in exponent form (2030 as 2.03e+03); people read them plain. */
    if (strchr(buf, 'e') && fabs(v) >= 1.0 && fabs(v) < 1e16)
        snprintf(buf, 32, "%.0f", v);
    return buf;
}

size_t ilm_text_chars(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        n += (*p & 0xC0) != 0x80;
    return n;
}

int ilm_text_check(ilm_errors *err, const char *field, const char *s, size_t max)
{
    /* Bytes bound characters from above: most texts need no count. */
    if (!s || strnlen(s, max + 1) <= max)
        return 0;
    size_t n = ilm_text_chars(s);
    if (n <= max)
        return 0;
    ilm_errors_add(err, "%s: %zu characters, at most %zu", field, n, max);
    return ILM_EINVAL;
}
