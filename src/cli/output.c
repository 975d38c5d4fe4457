/* Output of the command line with the control characters of data escaped.
 *
 * Names, ids and messages come from imported files and from other users: a
 * register name holding ESC[2J would clear the terminal of whoever lists it.
 * Every text the CLI prints goes through cli_printf/cli_fprintf, which show
 * each control character of a %s or %c argument as an escape (\x1B, \u009B),
 * or through cli_write_text/cli_print_json for whole documents. Valid UTF-8
 * letters (ä, ö, å) pass unchanged.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* The length of the valid UTF-8 sequence at s (at most n bytes) and its code
 * point, or 0 when the bytes are not valid UTF-8 (overlong, surrogate, cut). */
static size_t utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char b = s[0];
    size_t len;
    uint32_t c;
    if (b >= 0xC2 && b <= 0xDF) {
        len = 2;
        c = b & 0x1Fu;
    } else if (b >= 0xE0 && b <= 0xEF) {
        len = 3;
        c = b & 0x0Fu;
    } else if (b >= 0xF0 && b <= 0xF4) {
        len = 4;
        c = b & 0x07u;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3Fu);
    }
    if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10FFFF)) ||
        (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return len;
}

/* Escapes s[0..n) into out, which holds at least 6 * n + 1 bytes. */
static size_t escape_into(char *out, const char *s, size_t n, cli_escape_mode mode)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        unsigned char b = u[i];
        if (b >= 0x20 && b < 0x7F) {
            out[o++] = (char)b;
            i++;
            continue;
        }
        if (b < 0x80) { /* C0 or DEL */
            bool keep = mode != CLI_ESC_FIELD &&
                        (b == '\n' || b == '\t' || (b == '\r' && i + 1 < n && u[i + 1] == '\n'));
            if (keep)
                out[o++] = (char)b;
            else
                o += (size_t)sprintf(out + o, mode == CLI_ESC_JSON ? "\\u%04X" : "\\x%02X", b);
            i++;
            continue;
        }
        uint32_t cp = 0;
        size_t len = utf8_seq(u + i, n - i, &cp);
        if (len == 0) { /* not UTF-8: one byte, shown as its value */
            o += (size_t)sprintf(out + o, mode == CLI_ESC_JSON ? "\\uFFFD" : "\\x%02X", b);
            i++;
        } else if (cp <= 0x9F) { /* C1: 0x9B is CSI on many terminals */
            o += (size_t)sprintf(out + o, "\\u%04X", (unsigned)cp);
            i += len;
        } else {
            memcpy(out + o, s + i, len);
            o += len;
            i += len;
        }
    }
    out[o] = '\0';
    return o;
}

char *cli_escape(const char *s, size_t n, cli_escape_mode mode, size_t *out_len)
{
    if (n > (SIZE_MAX - 1) / 6)
        return NULL;
    char *out = malloc(6 * n + 1);
    if (!out)
        return NULL;
    size_t o = escape_into(out, s, n, mode);
    if (out_len)
        *out_len = o;
    return out;
}

int cli_write_text(FILE *f, const char *s, size_t n, cli_escape_mode mode)
{
    size_t len = 0;
    char *e = cli_escape(s, n, mode, &len);
    if (!e)
        return -1;
    int rc = fwrite(e, 1, len, f) == len ? 0 : -1;
    free(e);
    return rc;
}

enum { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_J, LEN_T, LEN_BIG_L };

/* Calls fprintf with the conversion in spec and its optional '*' width and
 * precision before the value. */
#define EMIT(val)                                                                                  \
    do {                                                                                           \
        if (star_w && star_p)                                                                      \
            r = fprintf(f, spec, width, prec, val);                                                \
        else if (star_w)                                                                           \
            r = fprintf(f, spec, width, val);                                                      \
        else if (star_p)                                                                           \
            r = fprintf(f, spec, prec, val);                                                       \
        else                                                                                       \
            r = fprintf(f, spec, val);                                                             \
    } while (0)

int cli_vfprintf(FILE *f, const char *fmt, va_list ap)
{
    va_list aq;
    va_copy(aq, ap);
    int total = 0;
    const char *p = fmt;
    while (*p) {
        const char *pct = strchr(p, '%');
        if (!pct) {
            total += fputs(p, f) < 0 ? 0 : (int)strlen(p);
            break;
        }
        fwrite(p, 1, (size_t)(pct - p), f);
        total += (int)(pct - p);
        const char *q = pct + 1;
        if (*q == '%') {
            fputc('%', f);
            total++;
            p = q + 1;
            continue;
        }
        /* Copy the conversion: flags, width, precision, length, letter. */
        char spec[40];
        size_t k = 0;
        spec[k++] = '%';
        bool star_w = false, star_p = false;
        int width = 0, prec = 0;
        while (*q && strchr("-+ #0", *q) && k < 10)
            spec[k++] = *q++;
        if (*q == '*') {
            star_w = true;
            width = va_arg(aq, int);
            spec[k++] = *q++;
        }
        while (isdigit((unsigned char)*q) && k < 20)
            spec[k++] = *q++;
        if (*q == '.') {
            spec[k++] = *q++;
            if (*q == '*') {
                star_p = true;
                prec = va_arg(aq, int);
                spec[k++] = *q++;
            }
            while (isdigit((unsigned char)*q) && k < 30)
                spec[k++] = *q++;
        }
        int len = LEN_NONE;
        if (q[0] == 'h' && q[1] == 'h')
            len = LEN_HH;
        else if (q[0] == 'l' && q[1] == 'l')
            len = LEN_LL;
        else if (*q == 'h')
            len = LEN_H;
        else if (*q == 'l')
            len = LEN_L;
        else if (*q == 'z')
            len = LEN_Z;
        else if (*q == 'j')
            len = LEN_J;
        else if (*q == 't')
            len = LEN_T;
        else if (*q == 'L')
            len = LEN_BIG_L;
        for (int i = len == LEN_HH || len == LEN_LL ? 2 : len == LEN_NONE ? 0 : 1; i > 0; i--)
            spec[k++] = *q++;
        char conv = *q;
        if (!conv)
            break;
        spec[k++] = conv;
        spec[k] = '\0';
        p = q + 1;
        int r = 0;
        switch (conv) {
        case 'd':
        case 'i':
            if (len == LEN_LL)
                EMIT(va_arg(aq, long long));
            else if (len == LEN_L)
                EMIT(va_arg(aq, long));
            else if (len == LEN_Z || len == LEN_T)
                EMIT(va_arg(aq, ptrdiff_t));
            else if (len == LEN_J)
                EMIT(va_arg(aq, intmax_t));
            else
                EMIT(va_arg(aq, int));
            break;
        case 'u':
        case 'x':
        case 'X':
        case 'o':
            if (len == LEN_LL)
                EMIT(va_arg(aq, unsigned long long));
            else if (len == LEN_L)
                EMIT(va_arg(aq, unsigned long));
            else if (len == LEN_Z || len == LEN_T)
                EMIT(va_arg(aq, size_t));
            else if (len == LEN_J)
                EMIT(va_arg(aq, uintmax_t));
            else
                EMIT(va_arg(aq, unsigned));
            break;
        case 'f':
        case 'F':
        case 'e':
        case 'E':
        case 'g':
        case 'G':
        case 'a':
        case 'A':
            if (len == LEN_BIG_L)
                EMIT(va_arg(aq, long double));
            else
                EMIT(va_arg(aq, double));
            break;
        case 'p': EMIT(va_arg(aq, void *)); break;
        case 'c': {
            char c = (char)va_arg(aq, int);
            char *e = cli_escape(&c, 1, CLI_ESC_FIELD, NULL);
            spec[k - 1] = 's';
            EMIT(e ? e : "?");
            free(e);
            break;
        }
        case 's': {
            const char *s = va_arg(aq, const char *);
            if (!s)
                s = "(null)";
            /* The precision cuts the argument before it is escaped. */
            size_t n = strlen(s);
            if (star_p || strchr(spec, '.')) {
                long pr = star_p ? prec : strtol(strchr(spec, '.') + 1, NULL, 10);
                if (pr >= 0 && (size_t)pr < n)
                    n = (size_t)pr;
            }
            char *e = cli_escape(s, n, CLI_ESC_FIELD, NULL);
            /* Drop the precision: the escaped text may be longer. */
            char *dot = strchr(spec, '.');
            if (dot) {
                dot[0] = 's';
                dot[1] = '\0';
                star_p = false;
            }
            EMIT(e ? e : "?");
            free(e);
            break;
        }
        default: /* %n and unknown conversions are not ours to print */ r = 0; break;
        }
        total += r > 0 ? r : 0;
    }
    va_end(aq);
    return total;
}

int cli_fprintf(FILE *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = cli_vfprintf(f, fmt, ap);
    va_end(ap);
    return r;
}

int cli_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = cli_vfprintf(stdout, fmt, ap);
    va_end(ap);
    return r;
}
