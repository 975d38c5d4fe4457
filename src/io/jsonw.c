/* Streaming JSON writer. SPDX-License-Identifier: AGPL-3.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ilmava/error.h"
#include "jsonw.h"

#define JW_MAX (512u * 1024u * 1024u)

void jw_init(jsonw *w) { memset(w, 0, sizeof *w); }

char *jw_finish(jsonw *w)
{
    if (w->oom || !w->buf) {
        free(w->buf);
        w->buf = NULL;
        return NULL;
    }
    char *s = w->buf;
    w->buf = NULL;
    return s;
}

static void put(jsonw *w, const char *s, size_t n)
{
    if (w->oom)
        return;
    if (w->len + n + 1 > w->cap) {
        size_t cap = w->cap ? w->cap : 1024;
        while (cap < w->len + n + 1)
            cap *= 2;
        char *b = cap <= JW_MAX ? realloc(w->buf, cap) : NULL;
        if (!b) {
            w->oom = true;
            return;
        }
        w->buf = b;
        w->cap = cap;
    }
    memcpy(w->buf + w->len, s, n);
    w->len += n;
    w->buf[w->len] = '\0';
}

static void puts_(jsonw *w, const char *s) { put(w, s, strlen(s)); }

/* A comma before every value but the first at its level. */
static void value_start(jsonw *w)
{
    if (w->need_comma)
        put(w, ",", 1);
    w->need_comma = true;
}

void jw_object_begin(jsonw *w)
{
    value_start(w);
    put(w, "{", 1);
    w->need_comma = false;
}

void jw_object_end(jsonw *w)
{
    put(w, "}", 1);
    w->need_comma = true;
}

void jw_array_begin(jsonw *w)
{
    value_start(w);
    put(w, "[", 1);
    w->need_comma = false;
}

void jw_array_end(jsonw *w)
{
    put(w, "]", 1);
    w->need_comma = true;
}

static void write_string(jsonw *w, const char *s)
{
    put(w, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        char esc[8];
        switch (*p) {
        case '"': puts_(w, "\\\""); break;
        case '\\': puts_(w, "\\\\"); break;
        case '\n': puts_(w, "\\n"); break;
        case '\r': puts_(w, "\\r"); break;
        case '\t': puts_(w, "\\t"); break;
        default:
            if (*p < 0x20) {
                snprintf(esc, sizeof esc, "\\u%04x", *p);
                puts_(w, esc);
            } else {
                put(w, (const char *)p, 1);
            }
        }
    }
    put(w, "\"", 1);
}

void jw_key(jsonw *w, const char *key)
{
    value_start(w);
    write_string(w, key);
    put(w, ":", 1);
    w->need_comma = false;
}

void jw_string(jsonw *w, const char *s)
{
    value_start(w);
    write_string(w, s);
}

void jw_number(jsonw *w, double v)
{
    value_start(w);
    char buf[32];
    if (v != v || v - v != 0.0) /* NaN or infinite */
        puts_(w, "null");
    else
        puts_(w, ilm_format_number(buf, v));
}

void jw_int(jsonw *w, long long v)
{
    value_start(w);
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", v);
    puts_(w, buf);
}

void jw_bool(jsonw *w, bool v)
{
    value_start(w);
    puts_(w, v ? "true" : "false");
}

void jw_null(jsonw *w)
{
    value_start(w);
    puts_(w, "null");
}

void jw_number_array(jsonw *w, const double *v, size_t n)
{
    jw_array_begin(w);
    for (size_t i = 0; i < n; i++)
        jw_number(w, v[i]);
    jw_array_end(w);
}

void jw_int_array(jsonw *w, const int *v, size_t n)
{
    jw_array_begin(w);
    for (size_t i = 0; i < n; i++)
        jw_int(w, v[i]);
    jw_array_end(w);
}
