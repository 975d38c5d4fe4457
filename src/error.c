/* Error lists and number formatting shared by every module.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
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
    /* The shortest %.Ng that reads back exactly. */
    for (int prec = 1; prec <= 17; prec++) {
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
