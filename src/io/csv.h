/* A small streaming CSV tokenizer for the import readers (src/io/import.c).
 *
 * It reads a FILE or a memory buffer one record at a time into a reusable
 * buffer, so memory does not grow with the file. What it accepts:
 *
 * - `;` or `,` as the separator, given or detected from the header (the one
 *   that occurs more often in the first line);
 * - fields in double quotes, with "" for a quote; a quoted field may hold
 *   separators and line breaks (the record then spans several lines, and
 *   messages name its first line); a quote inside an unquoted field is an
 *   error;
 * - CRLF or LF line ends, mixed; a UTF-8 byte order mark;
 * - UTF-8 or Windows-1252, decided at the first non-ASCII character: if it
 *   is valid UTF-8 the whole file must be, otherwise the file is taken as
 *   Windows-1252 and every record is converted to UTF-8. A later byte that
 *   is invalid in the chosen encoding, a byte Windows-1252 leaves undefined
 *   and a NUL byte are errors naming the line;
 * - empty lines at the end of the file only; an empty line followed by a
 *   record is an error;
 * - every line must end with a line end: a last line without one means the
 *   file was cut off, and is an error.
 *
 * Caps: ILM_IMPORT_MAX_BYTES per file, ILM_IMPORT_MAX_LINE bytes per record
 * (as in the file, without the line end), ILM_IMPORT_MAX_FIELDS per record.
 * Every data record must have as many fields as the header.
 *
 * Messages start with "line N" and never name the file; the caller adds it.
 * Internal to the library.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#ifndef ILM_CSV_H
#define ILM_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "ilmava/error.h"
#include "ilmava/import.h"

typedef enum { CSV_ENC_ASCII, CSV_ENC_UTF8, CSV_ENC_CP1252 } csv_encoding;

typedef struct csv {
    /* The current record, set by csv_read_header and csv_next: NUL-terminated
     * UTF-8 fields pointing into the reader's buffer, valid until the next
     * call. `len[i]` is strlen(field[i]), counted while splitting. */
    char *field[ILM_IMPORT_MAX_FIELDS];
    size_t len[ILM_IMPORT_MAX_FIELDS];
    int n_fields;
    long long line;        /* the line the current record starts on, from 1 */
    long long records;     /* data records returned so far (not the header) */
    char sep;              /* ';' or ',' once the header is read */
    csv_encoding encoding; /* ASCII until the first non-ASCII character */

    /* The header's fields (a copy), for csv_column_name. */
    char *head[ILM_IMPORT_MAX_FIELDS];
    int n_head;

    /* Private. */
    ilm_errors *err;
    FILE *f;        /* NULL when reading from memory */
    const char *in; /* the bytes not yet consumed start at in + pos */
    size_t in_len, pos;
    char *chunk; /* FILE mode: the read buffer that `in` points to */
    size_t chunk_cap;
    unsigned long long total; /* bytes read from the FILE so far */
    bool eof;                 /* no more bytes will come after in_len */
    bool started;             /* the byte order mark was looked for */
    long long next_line;      /* the line number the next record starts on */
    long long blank_line;     /* an empty line seen and not yet excused, or 0 */
    long long encoding_line;  /* the line that decided the encoding */
    char *work;               /* the current record, decoded and split in place */
    char *head_buf;
} csv;

/* Prepares `c` to read `f` (opened in binary mode; the caller closes it)
 * with separator `sep` (';' or ','), or 0 to detect it from the header.
 * `chunk` is the read buffer's size, 0 for the default; it is raised to at
 * least one full record. Messages go to `err` (NULL allowed). Returns 0, or
 * ILM_ENOMEM. Free with csv_close even after a failure. */
int csv_open_file(csv *c, FILE *f, char sep, size_t chunk, ilm_errors *err);

/* The same over `len` bytes at `data`, which must stay valid until
 * csv_close and are not copied. Returns 0, ILM_ENOMEM, or ILM_ELIMIT when
 * `len` is over ILM_IMPORT_MAX_BYTES. */
int csv_open_buffer(csv *c, const char *data, size_t len, char sep, ilm_errors *err);

/* Releases the reader's buffers (not the FILE). `c` may be zeroed. */
void csv_close(csv *c);

/* Reads the first record as the header: sets `sep` if it was 0, and keeps
 * a copy of the names for csv_column_name. Returns 0, or a negative code
 * with a message (an empty file is ILM_EINVAL). */
int csv_read_header(csv *c);

/* Reads the next data record into `field`/`n_fields`. Returns 1 when there
 * is one, 0 at the end of the file, or a negative code with one message:
 * ILM_EINVAL for bad content, ILM_ELIMIT for a cap, ILM_EIO for a read
 * error. */
int csv_next(csv *c);

/* The header's name of column `i` (from 0), or "" when there is none. */
const char *csv_column_name(const csv *c, int i);

/* Copies `s` into `out` (`n` bytes, at least 8) for a message: at most
 * about 40 bytes, cut at a character boundary with "..." appended, and
 * control characters shown as '?'. Returns out. */
char *csv_shorten(char *out, size_t n, const char *s);

typedef enum {
    CSV_NUM_OK,
    CSV_NUM_EMPTY, /* "" */
    CSV_NUM_BAD,   /* not a number in the file's convention */
    CSV_NUM_RANGE  /* a number, but too large for a double */
} csv_num;

/* Parses a decimal number with `decimal` (',' or '.') as the decimal
 * separator: an optional sign, digits with at most one decimal separator,
 * and an optional exponent (e or E). No spaces, thousands separators, hex,
 * NaN or infinities. The value times 10^pow10 is stored in *out, rounded
 * once, so that "1,4" kt with pow10 = 3 is exactly 1400 t. Does not depend
 * on the C locale. */
csv_num csv_number(const char *s, char decimal, int pow10, double *out);

#endif
