/* Error lists and number formatting shared by every module.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <assert.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ilmava/error.h"

static const struct {
    const char *name;
    const char *params; /* names separated by one space */
} codes[] = {
#define ILM_X(name, code, params) {code, params},
    ILM_ERROR_CODES(ILM_X)
#undef ILM_X
};

void ilm_errors_clear(ilm_errors *err)
{
    if (err) {
        err->count = 0;
        err->dropped = 0;
        err->last = 0;
    }
}

/* Takes the next slot with its code and field, or NULL when the list is
 * full (then only `dropped` grows). */
static char *next_slot(ilm_errors *err, ilm_error_code code, const char *field)
{
    if (err->count >= ILM_ERRORS_MAX) {
        err->dropped++;
        err->last = 0;
        return NULL;
    }
    ilm_error_info *in = &err->info[err->count];
    memset(in, 0, sizeof *in);
    in->code = code >= 0 && code < ILM_ERR_COUNT ? code : ILM_ERR_INVALID;
    snprintf(in->field, sizeof in->field, "%s", field ? field : "");
    err->last = ++err->count;
    return err->msg[err->count - 1];
}

void ilm_errors_add(ilm_errors *err, const char *fmt, ...)
{
    if (!err)
        return;
    char *m = next_slot(err, ILM_ERR_INVALID, NULL);
    if (!m)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m, ILM_ERROR_LEN, fmt, ap);
    va_end(ap);
}

void ilm_errors_addc(ilm_errors *err, ilm_error_code code, const char *field, const char *fmt, ...)
{
    if (!err)
        return;
    char *m = next_slot(err, code, field);
    if (!m)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m, ILM_ERROR_LEN, fmt, ap);
    va_end(ap);
}

const char *ilm_error_code_name(ilm_error_code code)
{
    return code >= 0 && code < ILM_ERR_COUNT ? codes[code].name : "invalid";
}

const char *ilm_error_param_name(ilm_error_code code, int i)
{
    static _Thread_local char name[32];
    if (code < 0 || code >= ILM_ERR_COUNT || i < 0)
        return NULL;
    const char *p = codes[code].params;
    for (; i > 0 && *p; i--) {
        p = strchr(p, ' ');
        p = p ? p + 1 : "";
    }
    size_t n = strcspn(p, " ");
    if (n == 0 || n >= sizeof name)
        return NULL;
    memcpy(name, p, n);
    name[n] = '\0';
    return name;
}

/* The slot of parameter `name` of the last message, or NULL. */
static ilm_error_param *param_slot(ilm_errors *err, const char *name)
{
    if (!err || err->last == 0)
        return NULL;
    ilm_error_info *in = &err->info[err->last - 1];
    const char *p;
    for (int i = 0; i < ILM_ERROR_PARAMS && (p = ilm_error_param_name(in->code, i)); i++)
        if (strcmp(p, name) == 0)
            return &in->param[i];
    assert(!"a parameter its code does not have (error_codes.h)");
    return NULL;
}

void ilm_errors_num(ilm_errors *err, const char *name, double v)
{
    ilm_error_param *p = param_slot(err, name);
    if (p) {
        p->kind = ILM_PARAM_NUMBER;
        p->num = v;
    }
}

void ilm_errors_text(ilm_errors *err, const char *name, const char *s)
{
    ilm_error_param *p = param_slot(err, name);
    if (p) {
        p->kind = ILM_PARAM_TEXT;
        snprintf(p->text, sizeof p->text, "%s", s ? s : "");
    }
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
    ilm_errors_addc(err, ILM_ERR_TEXT_TOO_LONG, field, "%s: %zu characters, at most %zu", field, n,
                    max);
    ilm_errors_num(err, "length", (double)n);
    ilm_errors_num(err, "max", (double)max);
    return ILM_EINVAL;
}
