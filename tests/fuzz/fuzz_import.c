/* libFuzzer harness for the import readers (src/io/csv.c, src/io/import.c).
 *
 * The first byte picks the file kind (byte % 6, so that the seed files can
 * start with a readable '0'..'5': syke, SYKE long, wide, simple,
 * municipalities, inventory); the rest is the file, read by
 * ilm_import_read_buffer over the 13 sectors of sectors.md. The sink checks
 * every record it is handed: three-digit codes, years in range, sector keys
 * from the table, finite amounts >= 0, names that are valid UTF-8. A
 * rejected file must come back with a message and a reader's code. Any
 * violation aborts, so that libFuzzer keeps the input.
 *
 * Built by `make fuzz` (CMake option ILMAVA_FUZZ, clang only).
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ilmava/import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const ilm_sector_name sectors[] = {
    {"electricity", "Kulutussähkö"},
    {"electric_heating", "Sähkölämmitys"},
    {"district_heating", "Kaukolämpö"},
    {"oil_heating", "Öljylämmitys"},
    {"other_heating", "Muu lämmitys"},
    {"industry", "Teollisuus"},
    {"machinery", "Työkoneet"},
    {"road_transport", "Tieliikenne"},
    {"rail_transport", "Raideliikenne"},
    {"water_transport", "Vesiliikenne"},
    {"agriculture", "Maatalous"},
    {"waste", "Jätteiden käsittely"},
    {"f_gases", "F-kaasut"},
};
#define N_SECTORS (sizeof sectors / sizeof *sectors)

static const ilm_file_kind kinds[] = {ILM_FILE_SYKE,           ILM_FILE_SYKE_LONG,
                                      ILM_FILE_SYKE_WIDE,      ILM_FILE_SYKE_SIMPLE,
                                      ILM_FILE_MUNICIPALITIES, ILM_FILE_INVENTORY};

static void check(bool ok)
{
    if (!ok)
        abort();
}

static bool valid_utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned char b = *p++;
        int more = b < 0x80                 ? 0
                   : b >= 0xC2 && b <= 0xDF ? 1
                   : b >= 0xE0 && b <= 0xEF ? 2
                   : b >= 0xF0 && b <= 0xF4 ? 3
                                            : -1;
        if (more < 0)
            return false;
        for (int i = 0; i < more; i++)
            if ((*p++ & 0xC0) != 0x80)
                return false;
    }
    return true;
}

static void check_code(const char *code)
{
    check(code && strlen(code) == 3 && strspn(code, "0123456789") == 3);
}

static void check_amount(double v) { check(isfinite(v) && v >= 0 && !signbit(v)); }

static int on_municipality(void *user, const ilm_import_municipality *m, ilm_errors *err)
{
    (void)user;
    (void)err;
    check_code(m->code);
    check(m->name_fi && m->name_fi[0] && valid_utf8(m->name_fi));
    const char *optional[] = {m->name_sv, m->region_code, m->region_fi, m->region_sv};
    for (size_t i = 0; i < sizeof optional / sizeof *optional; i++)
        check(!optional[i] || (optional[i][0] && valid_utf8(optional[i])));
    return 0;
}

static int on_population(void *user, const char *code, int year, double n, ilm_errors *err)
{
    (void)user;
    (void)err;
    check_code(code);
    check(year >= 1900 && year <= 2200);
    check_amount(n);
    return 0;
}

static int on_inventory(void *user, const ilm_import_inventory *r, ilm_errors *err)
{
    (void)user;
    (void)err;
    check_code(r->code);
    check(r->year >= 1900 && r->year <= 2200);
    bool from_table = false;
    for (size_t k = 0; k < N_SECTORS; k++)
        from_table |= r->sector == sectors[k].key;
    check(from_table);
    check_amount(r->t);
    return 0;
}

static int on_total(void *user, const char *code, int year, double t, ilm_errors *err)
{
    (void)user;
    (void)err;
    check_code(code);
    check(year >= 1900 && year <= 2200);
    check_amount(t);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    ilm_file_kind kind = kinds[data[0] % 6];
    ilm_import_sink sink = {.municipality = on_municipality,
                            .population = on_population,
                            .inventory = on_inventory,
                            .published_total = on_total};
    ilm_errors err;
    ilm_errors_clear(&err);
    ilm_import_info info;
    int rc = ilm_import_read_buffer((const char *)data + 1, size - 1, kind, sectors, N_SECTORS,
                                    &sink, &info, &err);
    if (rc == 0) {
        check(err.count == 0);
        check(info.kind != ILM_FILE_SYKE && info.lines >= 0);
    } else {
        /* One whole message (not cut at ILM_ERROR_LEN), printable UTF-8,
         * and a code the reader may give for bytes in memory. */
        const char *msg = err.msg[0];
        check(err.count == 1 && msg[0] != '\0' && strlen(msg) < ILM_ERROR_LEN - 1);
        check(valid_utf8(msg));
        for (const char *p = msg; *p; p++)
            check((unsigned char)*p >= 0x20 && *p != 0x7F);
        check(rc == ILM_EINVAL || rc == ILM_ELIMIT || rc == ILM_ENOMEM);
    }
    return 0;
}
