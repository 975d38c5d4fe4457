/* ilmava: readers of the data files a climate coordinator brings in.
 *
 * SYKE's municipal emission files (three shapes, detected from the header),
 * the municipality register, and a plain long inventory CSV. The readers
 * stream: they hold one line at a time and hand every record to a sink, so
 * memory does not grow with the file. They know nothing of the store; the
 * caller's sink decides what to do with the records (see src/app/).
 *
 * Every reader caps the file size, the line length and the field count, and
 * stops at the first bad line with a message naming the line and column.
 * Messages do not repeat the file name: the caller adds it.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#ifndef ILMAVA_IMPORT_H
#define ILMAVA_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "ilmava/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ILM_IMPORT_MAX_BYTES (2048ull * 1024 * 1024) /* whole file */
#define ILM_IMPORT_MAX_LINE 8192                      /* bytes per line */
#define ILM_IMPORT_MAX_FIELDS 64                      /* fields per line */

/* The plausible range of an imported value (docs/data.md). Every emission
 * figure (a row, a sector cell, a published total) is finite and within
 * 0..ILM_IMPORT_MAX_T tonnes CO2e: 100 Mt, above Finland's whole national
 * total in any year (at most about 86 Mt), so no real municipality comes
 * near it, while a sum of any number of rows stays far from overflowing.
 * A population is within 0..ILM_IMPORT_MAX_POPULATION (Finland has 5.6
 * million people). A value outside is refused with its line and column,
 * and the import stores nothing. */
#define ILM_IMPORT_MAX_T 1e8
#define ILM_IMPORT_MAX_POPULATION 1e7

/* The kinds of file, and what each hands to the sink. Columns are found by
 * their names in the header, in any order.
 *
 * - SYKE long: a municipality (kuntanumero, kunta, maakunta as region_fi)
 *   the first time a code occurs, and one inventory row per line: the
 *   sector whose syke_name is taso_3, ets = päästökauppa On, hinku =
 *   hinku-laskenta On (On/Ei only), t = ktCO2e × 1000 (not ktCO2e_tuuli).
 *   Sub-sector lines are not added up. Other columns are not read.
 * - SYKE wide: the municipality (no region), then for each sector column
 *   (a syke_name) a row with ets false and hinku true, yhteensa_kt × 1000
 *   as the published total and asukasluku as the population. An empty
 *   cell hands over nothing (a sector cell of 0 is a row of 0 t).
 * - SYKE simple: the municipality, and a row per line (ets false, hinku
 *   true).
 * - Register: every line's municipality with all its names (an empty cell
 *   is NULL), and a population for each non-empty vaesto_YYYY column.
 * - Inventory: rows only, never a municipality (the caller requires it to
 *   exist). sector is a key; ets and hinku are true/false (any case) or
 *   1/0, hinku true when the column is absent; t in tonnes.
 *
 * A column name the shape does not know is an error (it is most likely a
 * sector or a year that would be lost), except in SYKE's long export, which
 * has more columns than the reader uses. Codes are three digits, years
 * 1900..2200, amounts >= 0.
 *
 * The file: `;` or `,` (the one the header has more of), with a decimal
 * comma in `;` files and a decimal point in `,` files; UTF-8 or
 * Windows-1252 (decided at the first non-ASCII character, converted to
 * UTF-8); double quotes with "" inside, also around line breaks; CRLF or
 * LF; a UTF-8 byte order mark. Empty lines are allowed at the end only.
 * The last line must end with a line end: a file without one looks cut
 * off and is rejected. */
typedef enum {
    ILM_FILE_SYKE,           /* any SYKE shape below, detected */
    ILM_FILE_SYKE_LONG,      /* SYKE's long export (taso_1..taso_5) */
    ILM_FILE_SYKE_WIDE,      /* one row per municipality and year */
    ILM_FILE_SYKE_SIMPLE,    /* kuntanumero,kunta,vuosi,sektori,ktCO2e */
    ILM_FILE_MUNICIPALITIES, /* the register: kunnat_2021_2025.csv */
    ILM_FILE_INVENTORY       /* municipality,year,sector,ets,t[,hinku] */
} ilm_file_kind;

/* A sector the readers can map to: the key and SYKE's taso_3 name (NULL
 * for a sector that SYKE files do not have). */
typedef struct ilm_sector_name {
    const char *key;
    const char *syke_name;
} ilm_sector_name;

/* One record, as the reader hands it over. Strings are valid only during
 * the call. Numbers are converted: SYKE's kt become t. */
typedef struct ilm_import_municipality {
    const char *code;          /* three digits */
    const char *name_fi;
    const char *name_sv;       /* NULL when the file has none */
    const char *region_code;   /* NULL when the file has none */
    const char *region_fi;
    const char *region_sv;     /* NULL when the file has none */
    int form;                  /* register `muoto`: 0 not given, 1 kunta (kommun),
                                  2 kaupunki (stad) */
    const char *name_fi_genitive; /* register `kunta_fi_genetiivi`; NULL: not given */
} ilm_import_municipality;

typedef struct ilm_import_inventory {
    const char *code;
    int year;
    const char *sector; /* a key from the sector table */
    bool ets;
    bool hinku;
    double t;           /* a sub-sector row: rows of one stream add up */
} ilm_import_inventory;

/* The sink. Each callback returns 0, or a negative code to stop the read
 * (with its own message in err); the reader then returns that code as it
 * is. Unused callbacks may be NULL. A municipality is handed over before
 * the first row that names it, and may be handed over again. All of one
 * line is checked before any of its records is handed over. */
typedef struct ilm_import_sink {
    void *user;
    int (*municipality)(void *user, const ilm_import_municipality *m, ilm_errors *err);
    int (*population)(void *user, const char *code, int year, double n, ilm_errors *err);
    int (*inventory)(void *user, const ilm_import_inventory *row, ilm_errors *err);
    /* SYKE's published Hinku-rule total for a municipality and year, t. */
    int (*published_total)(void *user, const char *code, int year, double t,
                           ilm_errors *err);
} ilm_import_sink;

/* What a read found; filled in after a failure too, as far as it got. */
typedef struct ilm_import_info {
    ilm_file_kind kind;    /* the shape found */
    bool windows_1252;     /* the file was Windows-1252, converted to UTF-8 */
    long long lines;       /* data lines read (not the header) */
} ilm_import_info;

/* Reads the file at `path` of kind `kind` (ILM_FILE_SYKE detects the SYKE
 * shape from the header) and hands its records to `sink`. Sector names in
 * SYKE files and sector keys in inventory files are checked against
 * `sectors`. `sink` and `info` may be NULL (the file is then only checked).
 * Returns 0, or a negative code with one message such as
 * "line 12, column 3 (ktCO2e): \"1,2x\" is not a number": ILM_EINVAL for
 * bad content, ILM_ELIMIT for a cap, ILM_EIO when the file cannot be
 * opened or read, ILM_ENOMEM, or a sink callback's code. Stops at the
 * first error. */
int ilm_import_read(const char *path, ilm_file_kind kind, const ilm_sector_name *sectors,
                    size_t n_sectors, const ilm_import_sink *sink, ilm_import_info *info,
                    ilm_errors *err);

/* The same from memory (the fuzz harness and the HTTP upload use it). */
int ilm_import_read_buffer(const char *data, size_t len, ilm_file_kind kind,
                           const ilm_sector_name *sectors, size_t n_sectors,
                           const ilm_import_sink *sink, ilm_import_info *info,
                           ilm_errors *err);

/* The name of a kind as users write it ("syke", "municipalities",
 * "inventory") and as messages show the detected shapes ("SYKE long"). */
const char *ilm_file_kind_name(ilm_file_kind k);

#ifdef __cplusplus
}
#endif

#endif
