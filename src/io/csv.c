/* The streaming CSV tokenizer behind the import readers: records, quotes,
 * line ends, encodings and caps (see csv.h), and locale-free numbers.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

#define CSV_DEFAULT_CHUNK (256u * 1024)
/* A record as in the file plus its CR LF: the search for a line end never
 * looks further than this from the start of a record. */
#define RECORD_WINDOW ((size_t)ILM_IMPORT_MAX_LINE + 2)
/* Windows-1252 needs at most 3 bytes of UTF-8 per byte; +1 for the NUL
 * after the last field. */
#define WORK_SIZE (3 * RECORD_WINDOW + 1)

/* split's answer when the record ends inside a quoted field: the record
 * goes on after the line break. */
#define SPLIT_OPEN 1

static int buffers(csv *c)
{
    c->work = malloc(WORK_SIZE);
    c->head_buf = malloc(WORK_SIZE);
    if (!c->work || !c->head_buf) {
        ilm_errors_add(c->err, "out of memory");
        return ILM_ENOMEM;
    }
    return 0;
}

int csv_open_file(csv *c, FILE *f, char sep, size_t chunk, ilm_errors *err)
{
    memset(c, 0, sizeof *c);
    c->err = err;
    c->sep = sep;
    c->next_line = 1;
    c->f = f;
    c->chunk_cap = chunk ? chunk : CSV_DEFAULT_CHUNK;
    if (c->chunk_cap < RECORD_WINDOW)
        c->chunk_cap = RECORD_WINDOW;
    c->chunk = malloc(c->chunk_cap);
    c->in = c->chunk;
    if (!c->chunk) {
        ilm_errors_add(err, "out of memory");
        return ILM_ENOMEM;
    }
    return buffers(c);
}

int csv_open_buffer(csv *c, const char *data, size_t len, char sep, ilm_errors *err)
{
    memset(c, 0, sizeof *c);
    c->err = err;
    c->sep = sep;
    c->next_line = 1;
    if (len > ILM_IMPORT_MAX_BYTES) {
        ilm_errors_addc(err, ILM_ERR_FILE_TOO_LARGE, NULL, "the file is larger than %llu MiB",
                        ILM_IMPORT_MAX_BYTES >> 20);
        return ILM_ELIMIT;
    }
    c->in = data ? data : "";
    c->in_len = len;
    c->eof = true;
    return buffers(c);
}

void csv_close(csv *c)
{
    free(c->chunk);
    free(c->work);
    free(c->head_buf);
    c->chunk = c->work = c->head_buf = NULL;
    c->in = NULL;
}

/* FILE mode: moves the bytes not yet consumed to the front of the chunk
 * and reads more behind them. */
static int fill(csv *c)
{
    if (c->eof)
        return 0;
    size_t keep = c->in_len - c->pos;
    memmove(c->chunk, c->chunk + c->pos, keep);
    c->pos = 0;
    c->in_len = keep;
    size_t want = c->chunk_cap - keep;
    size_t got = fread(c->chunk + keep, 1, want, c->f);
    c->in_len += got;
    c->total += got;
    if (got < want) {
        if (ferror(c->f)) {
            ilm_errors_addc(c->err, ILM_ERR_BAD_LINE, NULL, "line %lld: cannot read: %s",
                            c->next_line, strerror(errno));
            ilm_errors_num(c->err, "line", (double)(c->next_line));
            return ILM_EIO;
        }
        c->eof = true;
    }
    if (c->total > ILM_IMPORT_MAX_BYTES) {
        ilm_errors_addc(c->err, ILM_ERR_FILE_TOO_LARGE, NULL, "the file is larger than %llu MiB",
                        ILM_IMPORT_MAX_BYTES >> 20);
        return ILM_ELIMIT;
    }
    return 0;
}

/* Skips a UTF-8 byte order mark, and refuses UTF-16 up front: its NUL
 * bytes would otherwise be reported as a binary file. */
static int start(csv *c)
{
    c->started = true;
    if (c->f) {
        int rc = fill(c);
        if (rc)
            return rc;
    }
    const unsigned char *b = (const unsigned char *)c->in;
    size_t n = c->in_len;
    if (n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) {
        c->pos = 3;
        c->encoding = CSV_ENC_UTF8;
        c->encoding_line = 0; /* decided by the byte order mark */
    } else if (n >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF))) {
        ilm_errors_addc(c->err, ILM_ERR_BAD_LINE, NULL,
                        "line 1: the file is UTF-16; save it as UTF-8 (or Windows-1252) "
                        "CSV");
        ilm_errors_num(c->err, "line", (double)(1));
        return ILM_EINVAL;
    }
    return 0;
}

/* The physical line and the byte in it (from 1) of offset `off` in a
 * record that starts on line `line` and may span several lines. */
static void locate(const char *rec, size_t off, long long line, long long *at_line, size_t *at_byte)
{
    size_t line_start = 0;
    for (size_t i = 0; i < off; i++) {
        if (rec[i] == '\n') {
            line++;
            line_start = i + 1;
        }
    }
    *at_line = line;
    *at_byte = off - line_start + 1;
}

/* Returns the offset of the first byte that does not start or continue a
 * valid UTF-8 sequence (n when there is none), and the offset of the first
 * non-ASCII byte in *first_high (n when there is none). Follows the table
 * of well-formed sequences in the Unicode standard (no overlong forms, no
 * surrogates, nothing above U+10FFFF). */
static size_t utf8_check(const unsigned char *s, size_t n, size_t *first_high)
{
    size_t i = 0;
    *first_high = n;
    for (;;) {
        /* Most bytes are ASCII: skip them eight at a time. */
        while (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (w & 0x8080808080808080ull)
                break;
            i += 8;
        }
        while (i < n && s[i] < 0x80)
            i++;
        if (i >= n)
            return n;
        if (*first_high == n)
            *first_high = i;
        unsigned char b = s[i];
        size_t need;
        unsigned char lo = 0x80, hi = 0xBF; /* the range of the second byte */
        if (b >= 0xC2 && b <= 0xDF) {
            need = 1;
        } else if (b >= 0xE0 && b <= 0xEF) {
            need = 2;
            if (b == 0xE0)
                lo = 0xA0;
            else if (b == 0xED)
                hi = 0x9F;
        } else if (b >= 0xF0 && b <= 0xF4) {
            need = 3;
            if (b == 0xF0)
                lo = 0x90;
            else if (b == 0xF4)
                hi = 0x8F;
        } else {
            return i;
        }
        if (n - i - 1 < need || s[i + 1] < lo || s[i + 1] > hi)
            return i;
        for (size_t k = 2; k <= need; k++)
            if (s[i + k] < 0x80 || s[i + k] > 0xBF)
                return i;
        i += need + 1;
    }
}

/* Windows-1252's 0x80..0x9F; 0 marks the five bytes it leaves undefined. */
static const uint16_t cp1252_80[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

/* Decodes the record's `n` bytes at `src` into c->work as UTF-8 and
 * returns its length there, or a negative code with a message. */
static long decode(csv *c, const char *src, size_t n)
{
    const char *nul = memchr(src, '\0', n);
    if (nul) {
        long long line;
        size_t byte;
        locate(src, (size_t)(nul - src), c->line, &line, &byte);
        ilm_errors_addc(c->err, ILM_ERR_BAD_LINE, NULL,
                        "line %lld: a NUL byte at byte %zu; this is not a text file", line, byte);
        ilm_errors_num(c->err, "line", (double)(line));
        return ILM_EINVAL;
    }
    const unsigned char *s = (const unsigned char *)src;
    if (c->encoding != CSV_ENC_CP1252) {
        size_t high;
        size_t bad = utf8_check(s, n, &high);
        if (c->encoding == CSV_ENC_ASCII && high < n) {
            /* The first non-ASCII character decides for the whole file. */
            c->encoding = bad == high ? CSV_ENC_CP1252 : CSV_ENC_UTF8;
            size_t byte;
            locate(src, high, c->line, &c->encoding_line, &byte);
        }
        if (c->encoding != CSV_ENC_CP1252) {
            if (bad < n) {
                long long line;
                size_t byte;
                locate(src, bad, c->line, &line, &byte);
                if (c->encoding_line)
                    ilm_errors_addc(c->err, ILM_ERR_BAD_LINE, NULL,
                                    "line %lld: invalid UTF-8 at byte %zu (0x%02X), but the "
                                    "first non-ASCII text (line %lld) was UTF-8; save the "
                                    "whole file in one encoding",
                                    line, byte, s[bad], c->encoding_line);
                else
                    ilm_errors_addc(c->err, ILM_ERR_BAD_LINE, NULL,
                                    "line %lld: invalid UTF-8 at byte %zu (0x%02X), but the "
                                    "file starts with a UTF-8 byte order mark; save the whole "
                                    "file in one encoding",
                                    line, byte, s[bad]);
                ilm_errors_num(c->err, "line", (double)(line));
                return ILM_EINVAL;
            }
            memcpy(c->work, src, n);
            return (long)n;
        }
    }
    unsigned char *w = (unsigned char *)c->work;
    for (size_t i = 0; i < n; i++) {
        unsigned b = s[i];
        if (b < 0x80) {
            *w++ = (unsigned char)b;
            continue;
        }
        unsigned cp = b < 0xA0 ? cp1252_80[b - 0x80] : b;
        if (cp == 0) {
            long long line;
            size_t byte;
            locate(src, i, c->line, &line, &byte);
            ilm_errors_addc(c->err, ILM_ERR_BAD_LINE, NULL,
                            "line %lld: byte %zu (0x%02X) is not a Windows-1252 character "
                            "(the file was read as Windows-1252 because its first non-ASCII "
                            "text, on line %lld, is not UTF-8)",
                            line, byte, b, c->encoding_line);
            ilm_errors_num(c->err, "line", (double)(line));
            return ILM_EINVAL;
        }
        if (cp < 0x800) {
            *w++ = (unsigned char)(0xC0 | cp >> 6);
        } else {
            *w++ = (unsigned char)(0xE0 | cp >> 12);
            *w++ = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
        }
        *w++ = (unsigned char)(0x80 | (cp & 0x3F));
    }
    return (long)(w - (unsigned char *)c->work);
}

/* The separator the header uses more: SYKE's long export has `;` only,
 * the other files `,` only. */
static char detect_sep(const char *s, size_t n)
{
    size_t semis = 0, commas = 0;
    for (size_t i = 0; i < n; i++) {
        semis += s[i] == ';';
        commas += s[i] == ',';
    }
    return semis > commas ? ';' : ',';
}

static int bare_cr(csv *c, int column)
{
    ilm_errors_addc(c->err, ILM_ERR_BAD_VALUE, NULL,
                    "line %lld, column %d: a carriage return inside a field; if the lines "
                    "end in CR only (old Mac format), save the file with CRLF or LF line ends",
                    c->line, column);
    ilm_errors_num(c->err, "line", (double)(c->line));
    ilm_errors_num(c->err, "column", (double)(column));
    return ILM_EINVAL;
}

/* Splits the `n` decoded bytes in c->work into fields in place (unquoting
 * shortens a field, so writing never overtakes reading). Returns 0,
 * SPLIT_OPEN with the column of the open quoted field in *open_column, or a
 * negative code with a message. */
static int split(csv *c, size_t n, int *open_column)
{
    char *w = c->work, *r = c->work, *end = c->work + n;
    const char sep = c->sep;
    const bool quotes = memchr(r, '"', n) != NULL;
    const bool cr = memchr(r, '\r', n) != NULL;
    int k = 0;
    for (;;) {
        if (k == ILM_IMPORT_MAX_FIELDS) {
            ilm_errors_addc(c->err, ILM_ERR_BAD_LINE, NULL, "line %lld: more than %d fields",
                            c->line, ILM_IMPORT_MAX_FIELDS);
            ilm_errors_num(c->err, "line", (double)(c->line));
            return ILM_ELIMIT;
        }
        char *start = w;
        if (quotes && r < end && *r == '"') {
            r++;
            for (;;) {
                if (r == end) {
                    *open_column = k + 1;
                    return SPLIT_OPEN;
                }
                if (*r == '"') {
                    if (r + 1 < end && r[1] == '"') {
                        *w++ = '"';
                        r += 2;
                        continue;
                    }
                    r++;
                    break;
                }
                *w++ = *r++;
            }
            if (r < end && *r != sep) {
                ilm_errors_addc(c->err, ILM_ERR_BAD_VALUE, NULL,
                                "line %lld, column %d: text after the closing quote; write a "
                                "quote inside a quoted field as \"\"",
                                c->line, k + 1);
                ilm_errors_num(c->err, "line", (double)(c->line));
                ilm_errors_num(c->err, "column", (double)(k + 1));
                return ILM_EINVAL;
            }
        } else {
            char *stop = memchr(r, sep, (size_t)(end - r));
            if (!stop)
                stop = end;
            size_t len = (size_t)(stop - r);
            if (quotes && memchr(r, '"', len)) {
                ilm_errors_addc(c->err, ILM_ERR_BAD_VALUE, NULL,
                                "line %lld, column %d: a quote inside an unquoted field; "
                                "quote the whole field and write the quote as \"\"",
                                c->line, k + 1);
                ilm_errors_num(c->err, "line", (double)(c->line));
                ilm_errors_num(c->err, "column", (double)(k + 1));
                return ILM_EINVAL;
            }
            if (cr && memchr(r, '\r', len))
                return bare_cr(c, k + 1);
            if (w != r)
                memmove(w, r, len);
            w += len;
            r = stop;
        }
        c->field[k] = start;
        c->len[k] = (size_t)(w - start);
        k++;
        bool last = r == end;
        *w++ = '\0';
        if (last)
            break;
        r++; /* the separator */
    }
    c->n_fields = k;
    return 0;
}

static int too_long(csv *c, const char *rec, bool inside)
{
    if (inside)
        ilm_errors_addc(c->err, ILM_ERR_BAD_LINE, NULL,
                        "line %lld: longer than %d bytes; a quoted field in it may not be "
                        "closed",
                        c->line, ILM_IMPORT_MAX_LINE);
    /* Only the first record can show that lines end in CR only: once a line
     * has ended in LF, a long line is just long, whatever CR it holds. */
    else if (c->line == 1 && memchr(rec, '\r', ILM_IMPORT_MAX_LINE))
        ilm_errors_addc(c->err, ILM_ERR_BAD_LINE, NULL,
                        "line %lld: longer than %d bytes; the lines seem to end in CR only "
                        "(old Mac format): save the file with CRLF or LF line ends",
                        c->line, ILM_IMPORT_MAX_LINE);
    else
        ilm_errors_addc(c->err, ILM_ERR_BAD_LINE, NULL, "line %lld: longer than %d bytes", c->line,
                        ILM_IMPORT_MAX_LINE);
    ilm_errors_num(c->err, "line", (double)(c->line));
    return ILM_ELIMIT;
}

/* The `n` bytes at `rec` are the rest of the file, without a line end. */
static int unterminated(csv *c, const char *rec, size_t n, bool inside, long long lines)
{
    if (inside) {
        /* Split it to name the field whose quote is open. */
        int column = 0;
        long len = decode(c, rec, n);
        int rc = len < 0 ? (int)len : split(c, (size_t)len, &column);
        if (rc < 0)
            return rc;
        if (rc == SPLIT_OPEN) {
            ilm_errors_addc(c->err, ILM_ERR_BAD_VALUE, NULL,
                            "line %lld, column %d: the quoted field is not closed before the "
                            "end of the file",
                            c->line, column);
            ilm_errors_num(c->err, "line", (double)(c->line));
            ilm_errors_num(c->err, "column", (double)(column));
            return ILM_EINVAL;
        }
    }
    const char *last = rec + n;
    while (last > rec && last[-1] != '\n')
        last--;
    if (memchr(last, '\r', n - (size_t)(last - rec)))
        ilm_errors_addc(c->err, ILM_ERR_BAD_LINE, NULL,
                        "line %lld: the last line has no line end; the file looks cut off, or "
                        "its lines end in CR only (old Mac format): save it with CRLF or LF line "
                        "ends",
                        c->line + lines - 1);
    else
        ilm_errors_addc(c->err, ILM_ERR_BAD_LINE, NULL,
                        "line %lld: the last line has no line end; the file looks cut off",
                        c->line + lines - 1);
    ilm_errors_num(c->err, "line", (double)(c->line + lines - 1));
    return ILM_EINVAL;
}

/* Inside a quoted field that goes on over line breaks, the line end that
 * ends the record is the first one outside quotes. Scans rec[*scan] up to
 * `limit`, keeping the quote state (a "" pair toggles it twice) and
 * counting the lines passed, so that every byte is looked at once however
 * many lines the record spans. */
static const char *record_end(const char *rec, size_t *scan, size_t limit, bool *inside,
                              long long *lines)
{
    for (size_t i = *scan; i < limit; i++) {
        if (rec[i] == '"') {
            *inside = !*inside;
        } else if (rec[i] == '\n') {
            if (!*inside) {
                *scan = i;
                return rec + i;
            }
            (*lines)++;
        }
    }
    *scan = limit;
    return NULL;
}

/* Reads one record, decoded and split; an empty line comes back with no
 * fields. Returns 1, 0 at the end of the input, or a negative code. */
static int read_record(csv *c)
{
    if (!c->started) {
        int rc = start(c);
        if (rc)
            return rc;
    }
    c->line = c->next_line;
    size_t scan = 0;     /* how far the search for the record's end has come */
    bool inside = false; /* ... and whether that is inside a quoted field */
    long long lines = 1; /* the lines the record spans so far */
    for (;;) {
        const char *rec = c->in + c->pos;
        size_t avail = c->in_len - c->pos;
        size_t window = avail < RECORD_WINDOW ? avail : RECORD_WINDOW;
        const char *nl = NULL;
        if (scan < window) {
            if (inside)
                nl = record_end(rec, &scan, window, &inside, &lines);
            else if (!(nl = memchr(rec + scan, '\n', window - scan)))
                scan = window;
        }
        if (!nl) {
            if (avail < RECORD_WINDOW && !c->eof) {
                int rc = fill(c);
                if (rc)
                    return rc;
                continue;
            }
            if (avail >= RECORD_WINDOW)
                return too_long(c, rec, inside);
            if (avail == 0)
                return 0;
            return unterminated(c, rec, avail, inside, lines);
        }
        size_t len = (size_t)(nl - rec);
        size_t content = len;
        if (content && rec[content - 1] == '\r')
            content--;
        if (content > ILM_IMPORT_MAX_LINE)
            return too_long(c, rec, inside);
        if (content == 0) {
            c->pos += len + 1;
            c->next_line++;
            c->n_fields = 0;
            return 1;
        }
        long n = decode(c, rec, content);
        if (n < 0)
            return (int)n;
        if (!c->sep)
            c->sep = detect_sep(c->work, (size_t)n);
        int column;
        int rc = split(c, (size_t)n, &column);
        if (rc < 0)
            return rc;
        if (rc == SPLIT_OPEN) {
            /* The line break belongs to a quoted field: go on to the line
             * end outside quotes, then split the whole record again. */
            inside = true;
            scan = len + 1;
            lines++;
            continue;
        }
        c->pos += len + 1;
        c->next_line += lines;
        return 1;
    }
}

/* A record that is not an empty line. Empty lines are fine at the end of
 * the file only (a spreadsheet often leaves one); between records they
 * would hide a lost or pasted part of the file. */
static int next_nonempty(csv *c)
{
    for (;;) {
        int rc = read_record(c);
        if (rc <= 0)
            return rc;
        if (c->n_fields == 0) {
            if (!c->blank_line)
                c->blank_line = c->line;
            continue;
        }
        if (c->blank_line) {
            ilm_errors_addc(c->err, ILM_ERR_BAD_LINE, NULL,
                            "line %lld: an empty line; empty lines are allowed only at the "
                            "end of the file",
                            c->blank_line);
            ilm_errors_num(c->err, "line", (double)(c->blank_line));
            return ILM_EINVAL;
        }
        return 1;
    }
}

int csv_read_header(csv *c)
{
    int rc = next_nonempty(c);
    if (rc == 0) {
        ilm_errors_addc(c->err, ILM_ERR_BAD_LINE, NULL, "line 1: the file is empty");
        ilm_errors_num(c->err, "line", (double)(1));
        return ILM_EINVAL;
    }
    if (rc < 0)
        return rc;
    int last = c->n_fields - 1;
    size_t used = (size_t)(c->field[last] + c->len[last] + 1 - c->work);
    memcpy(c->head_buf, c->work, used);
    for (int i = 0; i < c->n_fields; i++)
        c->head[i] = c->head_buf + (c->field[i] - c->work);
    c->n_head = c->n_fields;
    return 0;
}

int csv_next(csv *c)
{
    int rc = next_nonempty(c);
    if (rc <= 0)
        return rc;
    if (c->n_fields != c->n_head) {
        ilm_errors_addc(c->err, ILM_ERR_BAD_LINE, NULL, "line %lld: %d fields, expected %d",
                        c->line, c->n_fields, c->n_head);
        ilm_errors_num(c->err, "line", (double)(c->line));
        return ILM_EINVAL;
    }
    c->records++;
    return 1;
}

const char *csv_column_name(const csv *c, int i)
{
    return i >= 0 && i < c->n_head ? c->head[i] : "";
}

char *csv_shorten(char *out, size_t n, const char *s)
{
    size_t max = n - 4 < 40 ? n - 4 : 40;
    size_t len = strlen(s);
    bool cut = len > max;
    if (cut) {
        len = max;
        /* Back to the start of a UTF-8 character. */
        while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
            len--;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        out[i] = ch < 0x20 || ch == 0x7F ? '?' : (char)ch;
    }
    if (cut) {
        memcpy(out + len, "...", 3);
        len += 3;
    }
    out[len] = '\0';
    return out;
}

/* ---- numbers ---- */

/* strtod in the C locale whatever the process's locale is, for the rare
 * numbers that the exact path below cannot take. */
static double strtod_c(const char *s)
{
    locale_t cl = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    if (cl == (locale_t)0)
        return strtod(s, NULL);
    locale_t old = uselocale(cl);
    double v = strtod(s, NULL);
    uselocale(old);
    freelocale(cl);
    return v;
}

/* Significant digits handed to strtod_c. A halfway point between two
 * doubles has at most 767 significant digits, so keeping more, plus a
 * non-zero digit for any that are dropped, rounds every number right. */
#define SIG_MAX 800

/* sig × 10^exp10 when both are exact doubles, so that one operation rounds
 * once (Clinger's fast path). False when the slow path must do it. */
static bool exact(const char *sig, int kept, bool dropped, long exp10, double *v)
{
    static const double p10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                 1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    if (kept > 19 || dropped || exp10 < -22 || exp10 > 22)
        return false;
    uint64_t m = 0;
    for (int i = 0; i < kept; i++)
        m = m * 10 + (uint64_t)(sig[i] - '0');
    if (m > (1ull << 53))
        return false;
    *v = exp10 < 0 ? (double)m / p10[-exp10] : (double)m * p10[exp10];
    return true;
}

csv_num csv_number(const char *s, char decimal, int pow10, double *out)
{
    const char *p = s;
    if (*p == '\0')
        return CSV_NUM_EMPTY;
    bool neg = false;
    if (*p == '-' || *p == '+')
        neg = *p++ == '-';

    /* The value is sig × 10^exp10, with sig the significant digits. */
    char sig[SIG_MAX + 2];
    int kept = 0;
    bool dropped = false; /* a non-zero digit beyond SIG_MAX */
    long exp10 = pow10;
    bool any = false, after_point = false;
    for (;; p++) {
        if (*p == decimal && !after_point) {
            after_point = true;
            continue;
        }
        if (*p < '0' || *p > '9')
            break;
        any = true;
        if (kept == 0 && *p == '0') {
            if (after_point)
                exp10--;
        } else if (kept < SIG_MAX) {
            sig[kept++] = *p;
            if (after_point)
                exp10--;
        } else {
            dropped |= *p != '0';
            if (!after_point)
                exp10++;
        }
    }
    if (!any)
        return CSV_NUM_BAD;
    if (*p == 'e' || *p == 'E') {
        p++;
        bool eneg = false;
        if (*p == '-' || *p == '+')
            eneg = *p++ == '-';
        if (*p < '0' || *p > '9')
            return CSV_NUM_BAD;
        long e = 0;
        for (; *p >= '0' && *p <= '9'; p++)
            if (e < 100000) /* far beyond any double; stops overflow */
                e = e * 10 + (*p - '0');
        exp10 += eneg ? -e : e;
    }
    if (*p != '\0')
        return CSV_NUM_BAD;

    double v = 0.0;
    if (kept > 0 && !exact(sig, kept, dropped, exp10, &v)) {
        char buf[SIG_MAX + 32];
        if (dropped) {
            sig[kept++] = '1';
            exp10--;
        }
        snprintf(buf, sizeof buf, "%.*se%ld", kept, sig, exp10);
        v = strtod_c(buf);
        if (!isfinite(v))
            return CSV_NUM_RANGE;
    }
    *out = neg ? -v : v;
    return CSV_NUM_OK;
}
