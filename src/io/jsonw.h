/* A small streaming JSON writer into a growable string. Numbers are written
 * the shortest way that reads back to the same double; NaN and infinities
 * become null. Internal to the library.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#ifndef ILM_JSONW_H
#define ILM_JSONW_H

#include <stdbool.h>
#include <stddef.h>

typedef struct jsonw {
    char *buf;
    size_t len, cap;
    bool oom;
    bool need_comma; /* a value was written at the current level */
} jsonw;

void jw_init(jsonw *w);
/* Returns the finished string (owned by the caller), or NULL after an
 * allocation failure. */
char *jw_finish(jsonw *w);

void jw_object_begin(jsonw *w);
void jw_object_end(jsonw *w);
void jw_array_begin(jsonw *w);
void jw_array_end(jsonw *w);
/* Writes a key inside an object; the next call writes its value. */
void jw_key(jsonw *w, const char *key);
void jw_string(jsonw *w, const char *s);
void jw_number(jsonw *w, double v);
void jw_int(jsonw *w, long long v);
void jw_bool(jsonw *w, bool v);
void jw_null(jsonw *w);
void jw_number_array(jsonw *w, const double *v, size_t n);
void jw_int_array(jsonw *w, const int *v, size_t n);

#endif
