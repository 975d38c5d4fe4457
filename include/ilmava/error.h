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

#include "ilmava/error_codes.h"

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
#define ILM_ERROR_FIELD_LEN 96 /* "periods[2].days[11].place" */
#define ILM_ERROR_PARAMS 4     /* the most any code of error_codes.h has */
#define ILM_ERROR_VALUE_LEN 64 /* a text parameter, cut at this many bytes */

/* The machine codes of messages, one per ILM_ERROR_CODES entry:
 * ILM_ERR_BEFORE_START and so on. */
typedef enum ilm_error_code {
#define ILM_X(name, code, params) ILM_ERR_##name,
    ILM_ERROR_CODES(ILM_X)
#undef ILM_X
        ILM_ERR_COUNT
} ilm_error_code;

/* One parameter of a message: a number or a text. */
typedef struct ilm_error_param {
    enum { ILM_PARAM_UNSET, ILM_PARAM_NUMBER, ILM_PARAM_TEXT } kind;
    double num;
    char text[ILM_ERROR_VALUE_LEN];
} ilm_error_param;

/* What a message says as data: its code, the field it is about ("" when it
 * is about no one field) and its parameters, in the order of the code's
 * parameter names (ilm_error_param_name). */
typedef struct ilm_error_info {
    ilm_error_code code;
    char field[ILM_ERROR_FIELD_LEN];
    ilm_error_param param[ILM_ERROR_PARAMS];
} ilm_error_info;

/* A list of error messages. Zero-initialise it (or call ilm_errors_clear).
 * msg[i] is the English text (for the CLI, logs and API clients); info[i] is
 * the same message as data (for the UI's catalogues). */
typedef struct ilm_errors {
    int count;
    int dropped;
    int last; /* 1 + the index of the last message added, 0 when it was dropped */
    char msg[ILM_ERRORS_MAX][ILM_ERROR_LEN];
    ilm_error_info info[ILM_ERRORS_MAX];
} ilm_errors;

/* Empties the list. */
void ilm_errors_clear(ilm_errors *err);

/* Appends a printf-formatted message with the generic code ILM_ERR_INVALID
 * and no field: for what a user cannot cause (out of memory, a broken
 * store). `err` may be NULL (then it does nothing). */
void ilm_errors_add(ilm_errors *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends a message with its code and field (NULL or "" for none); fmt
 * gives the English text, which names the field itself, e.g.
 * ilm_errors_addc(err, ILM_ERR_BEFORE_START, "measures[3].full",
 *                 "measures[3].full: %d is before start %d", full, start);
 * Give the code's parameters next with ilm_errors_num / ilm_errors_text. */
void ilm_errors_addc(ilm_errors *err, ilm_error_code code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Sets the parameter `name` of the message added last to a number or a
 * text. The name must be one of its code's (error_codes.h); nothing happens
 * when err is NULL or the message was dropped. */
void ilm_errors_num(ilm_errors *err, const char *name, double v);
void ilm_errors_text(ilm_errors *err, const char *name, const char *s);

/* The code's stable name ("before_start"); "invalid" for an unknown code. */
const char *ilm_error_code_name(ilm_error_code code);

/* The name of the code's parameter i ("value", "start"), or NULL past the
 * last. The text stays valid until the next call on the same thread. */
const char *ilm_error_param_name(ilm_error_code code, int i);

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
 * more, adds "FIELD: N characters, at most MAX" (code text_too_long) to err and returns
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
