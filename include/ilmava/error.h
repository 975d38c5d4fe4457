/* ilmava: error reporting shared by every module.
 *
 * Functions that can fail return 0 on success or a negative ILM_E* code, and
 * append messages a user can act on to an optional ilm_errors list. Each
 * message names the field and the record, e.g.
 * "measures[3].share: 1.4 is outside 0..1".
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#ifndef ILMAVA_ERROR_H
#define ILMAVA_ERROR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
    ILM_OK = 0,
    ILM_EINVAL = -1,  /* the input is invalid: see the messages */
    ILM_ENOMEM = -2,  /* out of memory */
    ILM_EIO = -3,     /* a file could not be read or written */
    ILM_ELIMIT = -4,  /* a size cap was exceeded */
    ILM_EINTERNAL = -5,
    ILM_ENOTFOUND = -6, /* a named record (plan, measure, municipality) does not exist */
    ILM_ESTORE = -7,    /* the store failed (corrupt, too new, missing, I/O error) */
    ILM_ECONFLICT = -8, /* a record changed since it was read, or already exists */
    /* The store cannot do it now; the same request may work later. */
    ILM_EBUSY = -9,     /* another writer holds the store's lock (SQLITE_BUSY, _LOCKED) */
    ILM_EFULL = -10,    /* the disk (or the store's size cap) is full (SQLITE_FULL) */
    ILM_EREADONLY = -11 /* the store's file cannot be written (SQLITE_READONLY) */
};

/* At most this many messages are kept; later ones only raise `dropped`. */
#define ILM_ERRORS_MAX 32
#define ILM_ERROR_LEN 240

/* A list of error messages. Zero-initialise it (or call ilm_errors_clear). */
typedef struct ilm_errors {
    int count;
    int dropped;
    char msg[ILM_ERRORS_MAX][ILM_ERROR_LEN];
} ilm_errors;

/* Empties the list. */
void ilm_errors_clear(ilm_errors *err);

/* Appends a printf-formatted message. `err` may be NULL (then it does
 * nothing). */
void ilm_errors_add(ilm_errors *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Caps on free texts, in characters (Unicode code points), for every text a
 * user types or a file brings: plans, measures, comments, programmes,
 * applications, sparring, decisions, accounts (docs/API.md, "Text limits"). */
#define ILM_TEXT_KEY 64    /* ids and keys: a measure's id, a phase's key */
#define ILM_TEXT_NAME 200  /* names and titles, parties, places, e-mail addresses */
#define ILM_TEXT_LONG 4000 /* notes, descriptions, comments, reasons, logs */

/* The number of characters (UTF-8 code points) of s: bytes that do not
 * start a character are not counted. */
size_t ilm_text_chars(const char *s);

/* Checks that s (NULL is allowed) has at most max characters. When it has
 * more, adds "FIELD: N characters, at most MAX" to err and returns
 * ILM_EINVAL; else returns 0. */
int ilm_text_check(ilm_errors *err, const char *field, const char *s, size_t max);

/* Formats a double the shortest way that reads back to the same value
 * ("1.4", not "1.3999999999999999") into buf, which must hold 32 bytes.
 * Returns buf. */
char *ilm_format_number(char *buf, double v);

#ifdef __cplusplus
}
#endif

#endif
