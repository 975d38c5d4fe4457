/* Unit tests of the SQLite store: opening and migrations, refusing files
 * that are not ours or are too new, the seeded sectors, imports (adding up
 * sub-sector rows, the added/replaced/unchanged/removed counts, leaving the
 * store as it was when nothing changed or the import is aborted), the
 * inventory views, and plans (an exact round trip, measure numbers kept
 * across edits, cascades, the Hinku filter), plan versions, publishing and
 * stamps, the audit trail, users and sessions. Each test works in its own
 * temporary directory.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <sqlite3.h>

#include "ilmava/store.h"
#include "store/internal.h" /* the handle's connection, to make faults */
#include "store/migrations.h"

/* ---- fixtures ---- */

typedef struct fixture {
    char dir[64];
    char path[96]; /* the store file */
    ilm_store *s;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/ilmava-store-XXXXXX");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    snprintf(f->path, sizeof f->path, "%s/store.db", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    ilm_store_close(f->s);
    const char *suffixes[] = {"store.db", "store.db-wal", "store.db-shm", "other.db", "text.db"};
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        char p[128];
        snprintf(p, sizeof p, "%s/%s", f->dir, suffixes[i]);
        unlink(p);
    }
    rmdir(f->dir);
    free(f);
    return 0;
}

static void print_errors(const ilm_errors *err)
{
    for (int i = 0; i < err->count; i++)
        fprintf(stderr, "  error: %s\n", err->msg[i]);
}

/* Opens f's store, which must succeed. */
static void open_ok(fixture *f)
{
    ilm_errors err = {0};
    int rc = ilm_store_open_or_create(f->path, &f->s, &err);
    if (rc)
        print_errors(&err);
    assert_int_equal(rc, 0);
    assert_non_null(f->s);
}

/* Whether some message in err contains `text`. */
static bool has_message(const ilm_errors *err, const char *text)
{
    for (int i = 0; i < err->count; i++)
        if (strstr(err->msg[i], text))
            return true;
    return false;
}

static void expect_message(const ilm_errors *err, const char *text)
{
    if (!has_message(err, text)) {
        fprintf(stderr, "  expected a message with \"%s\", got:\n", text);
        print_errors(err);
        fail();
    }
}

/* FNV-1a over bytes. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ull;
    return h;
}

/* A checksum of every table's contents (values by type, bit for bit),
 * read through a second connection as another program would see it. */
static uint64_t content_checksum(const char *path)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *tables = NULL;
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT name FROM sqlite_schema WHERE type = 'table' "
                                        "ORDER BY name",
                                        -1, &tables, NULL),
                     SQLITE_OK);
    uint64_t h = 0xcbf29ce484222325ull;
    while (sqlite3_step(tables) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(tables, 0);
        h = fnv(h, name, strlen(name) + 1);
        char sql[160];
        snprintf(sql, sizeof sql, "SELECT * FROM \"%s\"", name);
        sqlite3_stmt *st = NULL;
        assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
        while (sqlite3_step(st) == SQLITE_ROW) {
            for (int c = 0; c < sqlite3_column_count(st); c++) {
                int type = sqlite3_column_type(st, c);
                h = fnv(h, &type, sizeof type);
                if (type == SQLITE_INTEGER) {
                    sqlite3_int64 v = sqlite3_column_int64(st, c);
                    h = fnv(h, &v, sizeof v);
                } else if (type == SQLITE_FLOAT) {
                    double v = sqlite3_column_double(st, c);
                    h = fnv(h, &v, sizeof v);
                } else if (type != SQLITE_NULL) {
                    h = fnv(h, sqlite3_column_blob(st, c), (size_t)sqlite3_column_bytes(st, c));
                }
            }
        }
        sqlite3_finalize(st);
    }
    sqlite3_finalize(tables);
    sqlite3_close(db);
    return h;
}

/* A checksum of the file's bytes. */
static uint64_t file_checksum(const char *path)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    uint64_t h = 0xcbf29ce484222325ull;
    unsigned char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
        h = fnv(h, buf, n);
    fclose(fp);
    return h;
}

/* An integer from SQL run on the store file through a second connection. */
static long long query_int(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK)
        fprintf(stderr, "  %s: %s\n", sql, sqlite3_errmsg(db));
    assert_int_equal(rc, SQLITE_OK);
    long long v = -1;
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

static double query_double(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    double v = -1;
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_double(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

/* ---- import helpers ---- */

static ilm_store_import *begin(fixture *f, const char *kind)
{
    ilm_errors err = {0};
    ilm_store_import *im = NULL;
    int rc = ilm_store_import_begin(f->s, kind, "test.csv", &im, &err);
    if (rc)
        print_errors(&err);
    assert_int_equal(rc, 0);
    assert_non_null(im);
    return im;
}

static void add_municipality(ilm_store_import *im, const char *code, const char *fi, const char *sv,
                             bool update)
{
    ilm_municipality m = {.name_fi = (char *)fi,
                          .name_sv = (char *)sv,
                          .region_code = (char *)"21",
                          .region_fi = (char *)"Koemaakunta"};
    snprintf(m.code, sizeof m.code, "%s", code);
    ilm_errors err = {0};
    int rc = ilm_store_import_municipality(im, &m, update, &err);
    if (rc)
        print_errors(&err);
    assert_int_equal(rc, 0);
}

static void add_row(ilm_store_import *im, const char *code, int year, const char *sector, bool ets,
                    bool hinku, double t)
{
    ilm_store_row row = {.year = year, .sector = sector, .ets = ets, .hinku = hinku, .t = t};
    snprintf(row.code, sizeof row.code, "%s", code);
    ilm_errors err = {0};
    int rc = ilm_store_import_row(im, &row, &err);
    if (rc)
        print_errors(&err);
    assert_int_equal(rc, 0);
}

static ilm_import_stats commit(ilm_store_import *im)
{
    ilm_errors err = {0};
    ilm_import_stats st;
    int rc = ilm_store_import_commit(im, &st, &err);
    if (rc)
        print_errors(&err);
    assert_int_equal(rc, 0);
    return st;
}

static void expect_stats(ilm_import_stats st, long long added, long long replaced,
                         long long unchanged, long long removed, long long m_added)
{
    if (st.added != added || st.replaced != replaced || st.unchanged != unchanged ||
        st.removed != removed || st.municipalities_added != m_added)
        fprintf(stderr,
                "  stats: %lld added, %lld replaced, %lld unchanged, %lld removed, "
                "%lld municipalities added\n",
                st.added, st.replaced, st.unchanged, st.removed, st.municipalities_added);
    assert_int_equal(st.added, added);
    assert_int_equal(st.replaced, replaced);
    assert_int_equal(st.unchanged, unchanged);
    assert_int_equal(st.removed, removed);
    assert_int_equal(st.municipalities_added, m_added);
}

/* The register: Testilä (701) and Kokeenkylä (702). */
static void import_register(fixture *f)
{
    ilm_store_import *im = begin(f, "municipalities");
    add_municipality(im, "701", "Testilä", "Testby", true);
    add_municipality(im, "702", "Kokeenkylä", NULL, true);
    ilm_errors err = {0};
    assert_int_equal(ilm_store_import_population(im, "701", 2019, 9300, &err), 0);
    assert_int_equal(ilm_store_import_population(im, "701", 2020, 9250, &err), 0);
    assert_int_equal(ilm_store_import_population(im, "702", 2020, 2850, &err), 0);
    ilm_import_stats st = commit(im);
    expect_stats(st, 3, 0, 0, 0, 2);
}

/* A SYKE-like file for 701 in 2019 and 2020: district heating from two
 * sub-sector lines, industry in and out of the ETS, a non-Hinku part of
 * road transport. 11 lines, 8 stored rows. */
static void import_inventory(fixture *f, double heat_2020)
{
    ilm_store_import *im = begin(f, "syke");
    for (int y = 2019; y <= 2020; y++) {
        double heat = y == 2020 ? heat_2020 : 1200;
        add_row(im, "701", y, "district_heating", false, true, heat * 0.25);
        add_row(im, "701", y, "district_heating", false, true, heat * 0.75);
        add_row(im, "701", y, "industry", true, false, 5000);
        add_row(im, "701", y, "industry", false, true, 400);
        add_row(im, "701", y, "road_transport", false, true, 800);
        if (y == 2020)
            add_row(im, "701", y, "road_transport", false, false, 60);
    }
    ilm_errors err = {0};
    assert_int_equal(ilm_store_import_published_total(im, "701", 2020, 2300, &err), 0);
    commit(im);
}

/* ---- opening ---- */

static void test_open_creates_and_migrates(void **state)
{
    fixture *f = *state;
    open_ok(f);
    assert_int_equal(ilm_store_schema_version(), (int)ilm_n_migrations);
    assert_int_equal(query_int(f->path, "PRAGMA user_version"), (long long)ilm_n_migrations);
    assert_int_equal(query_int(f->path, "PRAGMA application_id"), 1768713590);
    /* WAL is a property of the file; every table is STRICT. */
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
    sqlite3_finalize(st);
    sqlite3_close(db);
    assert_int_equal(query_int(f->path, "SELECT count(*) FROM pragma_table_list "
                                        "WHERE schema = 'main' AND name NOT LIKE 'sqlite_%' "
                                        "AND NOT strict"),
                     0);
    assert_int_equal(query_int(f->path, "SELECT count(*) FROM pragma_table_list "
                                        "WHERE schema = 'main' AND strict"),
                     28);
    assert_int_equal(ilm_store_schema_version(), 6);
}

static void test_reopen_is_a_no_op(void **state)
{
    fixture *f = *state;
    open_ok(f);
    import_register(f);
    ilm_store_close(f->s);
    f->s = NULL;
    uint64_t before = file_checksum(f->path);
    open_ok(f);
    assert_int_equal(query_int(f->path, "PRAGMA user_version"), (long long)ilm_n_migrations);
    ilm_store_close(f->s);
    f->s = NULL;
    assert_true(file_checksum(f->path) == before);
}

static void test_newer_schema_refused(void **state)
{
    fixture *f = *state;
    open_ok(f);
    ilm_store_close(f->s);
    f->s = NULL;
    int newer = ilm_store_schema_version() + 2;
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", newer);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    uint64_t before = file_checksum(f->path);

    ilm_errors err = {0};
    ilm_store *s = (ilm_store *)1;
    assert_int_equal(ilm_store_open(f->path, &s, &err), ILM_ESTORE);
    assert_null(s);
    char want[96];
    snprintf(want, sizeof want, "was written by a newer ilmava (schema %d; this one knows %d)",
             newer, ilm_store_schema_version());
    expect_message(&err, want);
    expect_message(&err, f->path);
    assert_true(file_checksum(f->path) == before);
}

static void test_not_a_database_refused(void **state)
{
    fixture *f = *state;
    char path[128];
    snprintf(path, sizeof path, "%s/text.db", f->dir);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    for (int i = 0; i < 200; i++)
        fputs("municipality,year,sector,ets,t\n", fp);
    fclose(fp);
    uint64_t before = file_checksum(path);
    ilm_errors err = {0};
    ilm_store *s = NULL;
    assert_int_equal(ilm_store_open(path, &s, &err), ILM_ESTORE);
    assert_null(s);
    expect_message(&err, path);
    expect_message(&err, "is not an ilmava store");
    assert_true(file_checksum(path) == before);
}

/* Another program's SQLite database does not get our tables added. */
static void test_foreign_database_refused(void **state)
{
    fixture *f = *state;
    char path[128];
    snprintf(path, sizeof path, "%s/other.db", f->dir);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "CREATE TABLE bookmarks (url TEXT)", NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    ilm_errors err = {0};
    ilm_store *s = NULL;
    assert_int_equal(ilm_store_open(path, &s, &err), ILM_ESTORE);
    assert_null(s);
    expect_message(&err, "another program");
    assert_int_equal(query_int(path, "SELECT count(*) FROM sqlite_schema"), 1);
}

static void test_directory_path_refused(void **state)
{
    fixture *f = *state;
    ilm_errors err = {0};
    ilm_store *s = NULL;
    assert_int_equal(ilm_store_open(f->dir, &s, &err), ILM_ESTORE);
    assert_null(s);
    expect_message(&err, f->dir);
}

/* ---- sectors ---- */

static void test_sectors_seeded(void **state)
{
    fixture *f = *state;
    open_ok(f);
    ilm_sector *v = NULL;
    size_t n = 0;
    ilm_errors err = {0};
    assert_int_equal(ilm_store_sectors(f->s, &v, &n, &err), 0);
    assert_int_equal(n, 13);
    static const char *const keys[] = {"electricity",     "electric_heating", "district_heating",
                                       "oil_heating",     "other_heating",    "industry",
                                       "machinery",       "road_transport",   "rail_transport",
                                       "water_transport", "agriculture",      "waste",
                                       "f_gases"};
    static const char *const syke[] = {
        "Kulutussähkö", "Sähkölämmitys",       "Kaukolämpö",  "Öljylämmitys",  "Muu lämmitys",
        "Teollisuus",   "Työkoneet",           "Tieliikenne", "Raideliikenne", "Vesiliikenne",
        "Maatalous",    "Jätteiden käsittely", "F-kaasut"};
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(v[i].key, keys[i]);
        assert_string_equal(v[i].syke_name, syke[i]);
        assert_string_equal(v[i].name_fi, syke[i]);
        assert_non_null(v[i].name_sv);
        assert_non_null(v[i].name_en);
        assert_non_null(v[i].gpc);
    }
    assert_string_equal(v[2].name_sv, "Fjärrvärme");
    assert_string_equal(v[2].name_en, "District heating");
    assert_string_equal(v[2].gpc, "I.1.2, I.2.2, I.3.2, I.5.2 (scope 2)");
    assert_string_equal(v[12].gpc, "IV.2");
    ilm_sectors_free(v, n);
}

/* ---- imports ---- */

static void test_import_adds_up_sub_rows(void **state)
{
    fixture *f = *state;
    open_ok(f);
    import_register(f);
    ilm_store_import *im = begin(f, "syke");
    add_row(im, "701", 2020, "district_heating", false, true, 0.1);
    add_row(im, "701", 2020, "district_heating", false, true, 0.2);
    add_row(im, "701", 2020, "district_heating", false, true, 1000);
    add_row(im, "701", 2020, "district_heating", false, false, 7); /* another row */
    add_row(im, "701", 2020, "industry", true, false, 5000);
    /* A stream's rows need not be consecutive. */
    add_row(im, "701", 2020, "district_heating", false, true, 5);
    ilm_import_stats st = commit(im);
    expect_stats(st, 3, 0, 0, 0, 0);
    assert_int_equal(query_int(f->path, "SELECT count(*) FROM inventory"), 3);
    /* Added in the file's order, as the reader hands them over. */
    double sum = query_double(f->path, "SELECT t FROM inventory WHERE sector = "
                                       "'district_heating' AND hinku = 1");
    assert_true(sum == ((0.1 + 0.2) + 1000) + 5);
    assert_int_equal(query_int(f->path, "SELECT count(*) FROM import"), 2);
    assert_int_equal(query_int(f->path, "SELECT count(*) FROM import WHERE kind = 'syke' AND "
                                        "file_name = 'test.csv' AND imported_at GLOB "
                                        "'20[0-9][0-9]-[01][0-9]-[0-3][0-9]T*Z' AND "
                                        "rows_added = 3"),
                     1);
}

static void test_import_same_file_twice_changes_nothing(void **state)
{
    fixture *f = *state;
    open_ok(f);
    import_register(f);
    import_inventory(f, 2000);
    ilm_store_close(f->s);
    f->s = NULL;
    uint64_t file_before = file_checksum(f->path);
    uint64_t before = content_checksum(f->path);
    open_ok(f);

    ilm_store_import *im = begin(f, "syke");
    for (int y = 2019; y <= 2020; y++) {
        double heat = y == 2020 ? 2000 : 1200;
        add_row(im, "701", y, "district_heating", false, true, heat * 0.25);
        add_row(im, "701", y, "district_heating", false, true, heat * 0.75);
        add_row(im, "701", y, "industry", true, false, 5000);
        add_row(im, "701", y, "industry", false, true, 400);
        add_row(im, "701", y, "road_transport", false, true, 800);
        if (y == 2020)
            add_row(im, "701", y, "road_transport", false, false, 60);
    }
    ilm_errors err = {0};
    assert_int_equal(ilm_store_import_published_total(im, "701", 2020, 2300, &err), 0);
    assert_int_equal(ilm_store_import_population(im, "701", 2020, 9250, &err), 0);
    /* A SYKE file names municipalities the register already has. */
    add_municipality(im, "701", "Testilä", NULL, false);
    ilm_import_stats st = commit(im);
    expect_stats(st, 0, 0, 11, 0, 0); /* 9 rows, a total, a population */
    assert_true(content_checksum(f->path) == before);

    /* The register again, with the same names and population. */
    im = begin(f, "municipalities");
    add_municipality(im, "701", "Testilä", "Testby", true);
    add_municipality(im, "702", "Kokeenkylä", NULL, true);
    st = commit(im);
    expect_stats(st, 0, 0, 0, 0, 0);
    assert_true(content_checksum(f->path) == before);

    ilm_store_close(f->s);
    f->s = NULL;
    assert_true(file_checksum(f->path) == file_before);
}

static void test_import_replaces_and_removes(void **state)
{
    fixture *f = *state;
    open_ok(f);
    import_register(f);
    import_inventory(f, 2000);
    /* Another municipality's year the next file does not cover. */
    ilm_store_import *im = begin(f, "syke");
    add_row(im, "702", 2020, "agriculture", false, true, 9000);
    commit(im);

    /* 2020 only: district heating changes, the non-Hinku road transport
     * is gone, waste is new; 2019 and 702 are not in the file. */
    im = begin(f, "syke");
    add_row(im, "701", 2020, "district_heating", false, true, 1900);
    add_row(im, "701", 2020, "industry", true, false, 5000);
    add_row(im, "701", 2020, "industry", false, true, 400);
    add_row(im, "701", 2020, "road_transport", false, true, 800);
    add_row(im, "701", 2020, "waste", false, true, 30);
    ilm_errors err = {0};
    assert_int_equal(ilm_store_import_published_total(im, "701", 2020, 2400, &err), 0);
    ilm_import_stats st = commit(im);
    expect_stats(st, 1, 2, 3, 1, 0);

    assert_int_equal(query_int(f->path, "SELECT count(*) FROM inventory"), 4 + 5 + 1);
    assert_true(query_double(f->path, "SELECT t FROM inventory WHERE year = 2020 AND sector = "
                                      "'district_heating'") == 1900);
    assert_int_equal(query_int(f->path, "SELECT count(*) FROM inventory WHERE year = 2020 AND "
                                        "sector = 'road_transport' AND hinku = 0"),
                     0);
    assert_true(query_double(f->path, "SELECT t FROM published_total WHERE year = 2020") == 2400);
    /* Provenance: changed rows name the new import, unchanged ones keep
     * theirs. Imports 1-3 were the register and the two earlier files. */
    assert_int_equal(query_int(f->path, "SELECT max(id) FROM import"), 4);
    assert_int_equal(query_int(f->path, "SELECT import_id FROM inventory WHERE year = 2020 AND "
                                        "sector = 'district_heating'"),
                     4);
    assert_int_equal(query_int(f->path, "SELECT import_id FROM inventory WHERE year = 2020 AND "
                                        "sector = 'industry' AND ets = 1"),
                     2);
    assert_int_equal(query_int(f->path, "SELECT import_id FROM inventory WHERE year = 2020 AND "
                                        "sector = 'waste'"),
                     4);
    assert_int_equal(query_int(f->path, "SELECT import_id FROM published_total"), 4);
    assert_int_equal(query_int(f->path, "SELECT count(*) FROM inventory WHERE year = 2019"), 4);
    assert_int_equal(query_int(f->path, "SELECT count(*) FROM inventory WHERE municipality = "
                                        "'702'"),
                     1);
    assert_int_equal(query_int(f->path, "SELECT rows_replaced FROM import WHERE id = 4"), 2);
}

static void test_import_abort_and_bad_records_leave_nothing(void **state)
{
    fixture *f = *state;
    open_ok(f);
    import_register(f);
    import_inventory(f, 2000);
    uint64_t before = content_checksum(f->path);

    ilm_store_import *im = begin(f, "syke");
    add_municipality(im, "703", "Pääkylä", NULL, false);
    add_row(im, "703", 2020, "industry", false, true, 10);
    add_row(im, "701", 2020, "industry", false, true, 999);
    ilm_store_import_abort(im);
    assert_true(content_checksum(f->path) == before);

    struct {
        const char *code;
        int year;
        const char *sector;
        double t;
        const char *message;
    } bad[] = {
        {"799", 2020, "industry", 1, "municipality 799 is not in the store"},
        {"70", 2020, "industry", 1, "\"70\" is not a municipality code"},
        {"701", 1800, "industry", 1, "year 1800 is outside 1900..2200"},
        {"701", 2020, "steel_mill", 1, "\"steel_mill\" is not a sector in the store"},
        {"701", 2020, "industry", -5, "t -5 is not a number >= 0"},
        {"701", 2020, "industry", 100000001, "is above the cap of 100000000 t CO2e a row"},
        {"701", 2020, "industry", 1e308, "t 1e+308 is above the cap"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        im = begin(f, "inventory");
        add_row(im, "701", 2020, "waste", false, true, 1);
        ilm_store_row row = {.year = bad[i].year, .sector = bad[i].sector, .t = bad[i].t};
        snprintf(row.code, sizeof row.code, "%s", bad[i].code);
        ilm_errors err = {0};
        assert_int_equal(ilm_store_import_row(im, &row, &err), ILM_EINVAL);
        expect_message(&err, bad[i].message);
        ilm_store_import_abort(im);
        assert_true(content_checksum(f->path) == before);
    }

    ilm_errors err = {0};
    im = begin(f, "municipalities");
    ilm_municipality m = {.name_fi = (char *)""};
    snprintf(m.code, sizeof m.code, "704");
    assert_int_equal(ilm_store_import_municipality(im, &m, true, &err), ILM_EINVAL);
    expect_message(&err, "704: no Finnish name");
    assert_int_equal(ilm_store_import_population(im, "799", 2020, 5, &err), ILM_EINVAL);
    assert_int_equal(ilm_store_import_population(im, "701", 2020, -5, &err), ILM_EINVAL);
    assert_int_equal(ilm_store_import_population(im, "701", 2020, 1e8, &err), ILM_EINVAL);
    expect_message(&err, "population of 701 in 2020: 100000000 is above the cap of 10000000");
    assert_int_equal(ilm_store_import_published_total(im, "701", 2020, 1e300, &err), ILM_EINVAL);
    ilm_store_import_abort(im);
    assert_true(content_checksum(f->path) == before);

    /* One import at a time on a connection; no plan save inside one. */
    im = begin(f, "syke");
    ilm_store_import *second = NULL;
    err = (ilm_errors){0};
    assert_int_not_equal(ilm_store_import_begin(f->s, "syke", "x", &second, &err), 0);
    assert_null(second);
    ilm_store_import_abort(im);
    ilm_store_import_abort(NULL);
    assert_true(content_checksum(f->path) == before);
}

static void test_import_municipality_added_and_updated(void **state)
{
    fixture *f = *state;
    open_ok(f);
    import_register(f);
    uint64_t before = content_checksum(f->path);
    long long imports = query_int(f->path, "SELECT count(*) FROM import");

    /* Known codes are left alone without `update`. */
    ilm_store_import *im = begin(f, "syke");
    add_municipality(im, "701", "Toinen nimi", NULL, false);
    expect_stats(commit(im), 0, 0, 0, 0, 0);
    assert_true(content_checksum(f->path) == before);
    assert_int_equal(query_int(f->path, "SELECT count(*) FROM import"), imports);

    /* A new code is added either way. */
    im = begin(f, "syke");
    add_municipality(im, "703", "Pääkylä", NULL, false);
    expect_stats(commit(im), 0, 0, 0, 0, 1);
    assert_int_equal(query_int(f->path, "SELECT count(*) FROM import"), imports + 1);

    /* With `update`, a changed name is a change: it is stored and
     * recorded, though no row count moves. */
    im = begin(f, "municipalities");
    add_municipality(im, "702", "Kokeenkylä", "Provby", true);
    expect_stats(commit(im), 0, 0, 0, 0, 0);
    assert_int_equal(query_int(f->path, "SELECT count(*) FROM import"), imports + 2);
    assert_int_equal(query_int(f->path, "SELECT municipalities_updated FROM import "
                                        "ORDER BY id DESC LIMIT 1"),
                     1);
    ilm_municipality m = {0};
    ilm_errors err = {0};
    assert_int_equal(ilm_store_municipality_find(f->s, "Provby", &m, &err), 0);
    assert_string_equal(m.code, "702");
    assert_string_equal(m.name_sv, "Provby");
    assert_false(m.synthetic);
    ilm_municipality_clear(&m);
}

/* ---- municipalities ---- */

static void test_municipalities_and_find(void **state)
{
    fixture *f = *state;
    open_ok(f);
    import_register(f);
    import_inventory(f, 2000);

    ilm_municipality *v = NULL;
    size_t n = 0;
    ilm_errors err = {0};
    assert_int_equal(ilm_store_municipalities(f->s, &v, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(v[0].code, "701");
    assert_string_equal(v[0].name_fi, "Testilä");
    assert_string_equal(v[0].name_sv, "Testby");
    assert_string_equal(v[0].region_code, "21");
    assert_string_equal(v[0].region_fi, "Koemaakunta");
    assert_null(v[0].region_sv);
    assert_int_equal(v[0].population_year, 2020);
    assert_true(v[0].population == 9250);
    assert_int_equal(v[0].n_years, 2);
    assert_int_equal(v[0].years[0], 2019);
    assert_int_equal(v[0].years[1], 2020);
    assert_string_equal(v[1].code, "702");
    assert_null(v[1].name_sv);
    assert_int_equal(v[1].n_years, 0);
    ilm_municipalities_free(v, n);

    const char *ways[] = {"701", "Testilä", "testilä", "TESTBY"};
    for (size_t i = 0; i < sizeof ways / sizeof ways[0]; i++) {
        ilm_municipality m = {0};
        assert_int_equal(ilm_store_municipality_find(f->s, ways[i], &m, &err), 0);
        assert_string_equal(m.code, "701");
        assert_int_equal(m.n_years, 2);
        assert_int_equal(m.population_year, 2020);
        ilm_municipality_clear(&m);
    }
    ilm_municipality m = {0};
    assert_int_equal(ilm_store_municipality_find(f->s, "Nowhere", &m, &err), ILM_ENOTFOUND);
    assert_string_equal(err.msg[err.count - 1],
                        "no municipality \"Nowhere\" (give its code or Finnish or Swedish name)");
    assert_null(m.name_fi);
    assert_int_equal(ilm_store_municipality_find(f->s, "799", &m, &err), ILM_ENOTFOUND);
}

/* ---- inventories ---- */

/* Finds the view's row (year, sector, ets), or NULL. */
static const ilm_inventory_view_row *view_row(const ilm_inventory_view *v, int year,
                                              const char *sector, bool ets)
{
    for (size_t i = 0; i < v->n_rows; i++)
        if (v->rows[i].year == year && strcmp(v->rows[i].sector, sector) == 0 &&
            v->rows[i].ets == ets)
            return &v->rows[i];
    return NULL;
}

static void test_inventory_scopes(void **state)
{
    fixture *f = *state;
    open_ok(f);
    import_register(f);
    import_inventory(f, 2000);
    ilm_inventory_view v;
    ilm_errors err = {0};

    /* total: the Hinku and non-Hinku parts of a stream add up. */
    assert_int_equal(ilm_store_inventory(f->s, "701", ILM_SCOPE_TOTAL, 0, 0, &v, &err), 0);
    assert_int_equal(v.scope, ILM_SCOPE_TOTAL);
    assert_int_equal(v.n_rows, 8);
    /* By year, then sector position (district heating 3, industry 6, road
     * transport 8), then ets. */
    static const struct {
        int year;
        const char *sector;
        bool ets;
        double t;
    } want[] = {
        {2019, "district_heating", false, 1200}, {2019, "industry", false, 400},
        {2019, "industry", true, 5000},          {2019, "road_transport", false, 800},
        {2020, "district_heating", false, 2000}, {2020, "industry", false, 400},
        {2020, "industry", true, 5000},          {2020, "road_transport", false, 860},
    };
    for (size_t i = 0; i < 8; i++) {
        assert_int_equal(v.rows[i].year, want[i].year);
        assert_string_equal(v.rows[i].sector, want[i].sector);
        assert_int_equal(v.rows[i].ets, want[i].ets);
        assert_true(v.rows[i].t == want[i].t);
    }
    assert_int_equal(v.n_population, 2);
    assert_int_equal(v.population[1].year, 2020);
    assert_true(v.population[1].value == 9250);
    assert_int_equal(v.n_published, 1);
    assert_true(v.published[0].value == 2300);
    /* Rows point into the view's own sector keys. */
    bool inside = false;
    for (size_t k = 0; k < v.n_sector_keys; k++)
        inside |= v.rows[0].sector == v.sector_keys[k];
    assert_true(inside);
    ilm_inventory_view_clear(&v);

    /* non_ets: no ETS rows, both Hinku parts. */
    assert_int_equal(ilm_store_inventory(f->s, "701", ILM_SCOPE_NON_ETS, 0, 0, &v, &err), 0);
    assert_int_equal(v.n_rows, 6);
    assert_null(view_row(&v, 2020, "industry", true));
    assert_true(view_row(&v, 2020, "road_transport", false)->t == 860);
    ilm_inventory_view_clear(&v);

    /* hinku: only the rows SYKE counts, ETS kept as its own stream (here
     * the ETS industry is not counted). */
    assert_int_equal(ilm_store_inventory(f->s, "701", ILM_SCOPE_HINKU, 0, 0, &v, &err), 0);
    assert_int_equal(v.n_rows, 6);
    assert_null(view_row(&v, 2019, "industry", true));
    assert_true(view_row(&v, 2020, "road_transport", false)->t == 800);
    assert_true(view_row(&v, 2020, "district_heating", false)->t == 2000);
    ilm_inventory_view_clear(&v);

    /* from / to */
    assert_int_equal(ilm_store_inventory(f->s, "701", ILM_SCOPE_TOTAL, 2020, 0, &v, &err), 0);
    assert_int_equal(v.n_rows, 4);
    assert_int_equal(v.rows[0].year, 2020);
    assert_int_equal(v.n_population, 1);
    ilm_inventory_view_clear(&v);
    assert_int_equal(ilm_store_inventory(f->s, "701", ILM_SCOPE_TOTAL, 0, 2019, &v, &err), 0);
    assert_int_equal(v.n_rows, 4);
    assert_int_equal(v.rows[3].year, 2019);
    assert_int_equal(v.n_published, 0);
    ilm_inventory_view_clear(&v);

    /* No data is an empty view; no municipality is an error. */
    assert_int_equal(ilm_store_inventory(f->s, "702", ILM_SCOPE_TOTAL, 0, 0, &v, &err), 0);
    assert_int_equal(v.n_rows, 0);
    assert_int_equal(v.n_population, 1);
    ilm_inventory_view_clear(&v);
    err = (ilm_errors){0};
    assert_int_equal(ilm_store_inventory(f->s, "799", ILM_SCOPE_TOTAL, 0, 0, &v, &err),
                     ILM_ENOTFOUND);
    expect_message(&err, "799");
    assert_int_equal(v.n_rows, 0);
    assert_null(v.rows);
}

/* ---- plans ---- */

static char *sdup(const char *s) { return s ? strdup(s) : NULL; }

static void set_measure(ilm_measure *m, const char *id, const char *sector, bool ets)
{
    memset(m, 0, sizeof *m);
    m->id = sdup(id);
    m->sector = sdup(sector);
    m->ets = ets;
    m->start = 2022;
    m->full = 2026;
    m->amount = 0.3;
    m->control = ILM_CONTROL_OWN;
    m->status = ILM_STATUS_PLANNED;
}

/* A plan for 701 with every field away from its default, doubles that
 * have no short decimal form, and a seed above INT64_MAX. */
static ilm_plan *full_plan(ilm_scope scope)
{
    ilm_plan *p = ilm_plan_new();
    assert_non_null(p);
    p->name = sdup("Hiilineutraali Testilä 2035");
    p->municipality_code = sdup("701");
    p->municipality_name = sdup("(ignored: the register's name is loaded)");
    p->default_trend = -0.1 / 3;
    p->trend_sd = 0.00731;
    p->base_year = 2019;
    p->target_year = 2035;
    p->reduction = 0.8;
    p->scope = scope;
    p->horizon = 2040;
    p->discount_rate = 0.035;
    p->draws = 123456;
    p->seed = UINT64_MAX - 41;
    p->easy_max_eur_per_t = 49.99;
    p->hard_min_eur_per_t = 1000.0 / 7;
    p->trends = calloc(2, sizeof *p->trends);
    p->trends[0] = (ilm_trend){sdup("road_transport"), -0.021};
    p->trends[1] = (ilm_trend){sdup("district_heating"), 1e-300};
    p->n_trends = 2;
    p->measures = calloc(3, sizeof *p->measures);
    p->n_measures = 3;
    ilm_measure *m = &p->measures[0];
    set_measure(m, "heat-pumps", "district_heating", false);
    m->name = sdup("Lämpöpumput kaukolämpöön");
    m->has_range = true;
    m->range[0] = 0.1;
    m->range[1] = 0.3;
    m->range[2] = 0.45;
    m->capex = 1.25e6;
    m->opex = -12345.678;
    m->lifetime = 20;
    m->control = ILM_CONTROL_STEER;
    m->optional = true;
    m->status = ILM_STATUS_ONGOING;
    m->responsible = sdup("Tekninen lautakunta");
    m->notes = sdup("Vaihe 1 / phase 1");
    m = &p->measures[1];
    set_measure(m, "ets-plant", "industry", true);
    m->is_absolute = true;
    m->amount = 1234.5;
    m->control = ILM_CONTROL_NONE;
    m->status = ILM_STATUS_CANCELLED; /* no name, texts or range */
    m = &p->measures[2];
    set_measure(m, "buses", "road_transport", false);
    m->name = sdup("Sähköbussit");
    m->control = ILM_CONTROL_INFLUENCE;
    m->status = ILM_STATUS_IDEA;
    return p;
}

static int64_t save_ok(fixture *f, const ilm_plan *p)
{
    ilm_errors err = {0};
    int64_t id = 0;
    int rc = ilm_store_plan_save(f->s, p, &id, &err);
    if (rc)
        print_errors(&err);
    assert_int_equal(rc, 0);
    assert_true(id > 0);
    return id;
}

static ilm_plan *load_ok(fixture *f, int64_t id)
{
    ilm_errors err = {0};
    ilm_plan *p = NULL;
    int rc = ilm_store_plan_load(f->s, id, &p, &err);
    if (rc)
        print_errors(&err);
    assert_int_equal(rc, 0);
    assert_non_null(p);
    return p;
}

/* Bit-exact equality of doubles. */
#define SAME(a, b) assert_memory_equal(&(a), &(b), sizeof(double))

static void assert_same_text(const char *a, const char *b)
{
    if (!a || !b)
        assert_true(a == b);
    else
        assert_string_equal(a, b);
}

static void assert_same_measure(const ilm_measure *a, const ilm_measure *b)
{
    assert_string_equal(a->id, b->id);
    assert_same_text(a->name, b->name);
    assert_string_equal(a->sector, b->sector);
    assert_int_equal(a->ets, b->ets);
    assert_int_equal(a->start, b->start);
    assert_int_equal(a->full, b->full);
    assert_int_equal(a->is_absolute, b->is_absolute);
    SAME(a->amount, b->amount);
    assert_int_equal(a->has_range, b->has_range);
    for (int k = 0; k < 3; k++)
        SAME(a->range[k], b->range[k]);
    SAME(a->capex, b->capex);
    SAME(a->opex, b->opex);
    SAME(a->lifetime, b->lifetime);
    assert_int_equal(a->control, b->control);
    assert_int_equal(a->optional, b->optional);
    assert_int_equal(a->status, b->status);
    assert_same_text(a->responsible, b->responsible);
    assert_same_text(a->notes, b->notes);
}

/* The register plus the inventory of import_inventory. */
static void with_data(fixture *f)
{
    open_ok(f);
    import_register(f);
    import_inventory(f, 2000);
}

static void test_plan_round_trip(void **state)
{
    fixture *f = *state;
    with_data(f);
    ilm_plan *p = full_plan(ILM_SCOPE_NON_ETS);
    int64_t id = save_ok(f, p);
    ilm_plan *q = load_ok(f, id);

    assert_int_equal(q->store_id, id);
    assert_int_equal(q->version, 1);
    assert_false(q->published);
    assert_int_equal(q->format, ILM_PLAN_FORMAT);
    assert_string_equal(q->name, p->name);
    assert_string_equal(q->municipality_code, "701");
    assert_string_equal(q->municipality_name, "Testilä");
    SAME(q->default_trend, p->default_trend);
    SAME(q->trend_sd, p->trend_sd);
    assert_int_equal(q->base_year, 2019);
    assert_int_equal(q->target_year, 2035);
    SAME(q->reduction, p->reduction);
    assert_int_equal(q->scope, ILM_SCOPE_NON_ETS);
    assert_int_equal(q->horizon, 2040);
    SAME(q->discount_rate, p->discount_rate);
    assert_int_equal(q->draws, 123456);
    assert_true(q->seed == UINT64_MAX - 41);
    SAME(q->easy_max_eur_per_t, p->easy_max_eur_per_t);
    SAME(q->hard_min_eur_per_t, p->hard_min_eur_per_t);
    assert_int_equal(q->n_trends, 2); /* in the document's order */
    assert_string_equal(q->trends[0].sector, "road_transport");
    SAME(q->trends[0].rate, p->trends[0].rate);
    assert_string_equal(q->trends[1].sector, "district_heating");
    SAME(q->trends[1].rate, p->trends[1].rate);
    assert_int_equal(q->n_measures, 3);
    for (size_t i = 0; i < 3; i++) {
        assert_same_measure(&q->measures[i], &p->measures[i]);
        assert_true(q->measures[i].store_id > 0);
    }
    /* A non_ets plan carries every stream; the model picks the scope. */
    assert_int_equal(q->n_inventory, 8);
    assert_int_equal(q->n_population, 2);
    assert_true(q->population[0].n == 9300);
    const ilm_inventory_row *r = &q->inventory[7];
    assert_int_equal(r->year, 2020);
    assert_string_equal(r->sector, "road_transport");
    assert_true(r->t == 860);
    assert_int_equal(ilm_plan_validate(q, NULL), 0);
    ilm_plan_free(q);
    ilm_plan_free(p);
}

static void test_plan_seed_extremes(void **state)
{
    fixture *f = *state;
    with_data(f);
    const uint64_t seeds[] = {0, 1, (uint64_t)INT64_MAX, (uint64_t)INT64_MAX + 1, UINT64_MAX};
    for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
        ilm_plan *p = full_plan(ILM_SCOPE_TOTAL);
        p->seed = seeds[i];
        int64_t id = save_ok(f, p);
        ilm_plan *q = load_ok(f, id);
        assert_true(q->seed == seeds[i]);
        ilm_plan_free(q);
        ilm_plan_free(p);
    }
}

static void test_plan_update_keeps_measure_ids(void **state)
{
    fixture *f = *state;
    with_data(f);
    ilm_plan *p = full_plan(ILM_SCOPE_TOTAL);
    int64_t id = save_ok(f, p);
    ilm_plan_free(p);
    p = load_ok(f, id);
    int64_t heat = p->measures[0].store_id, ets = p->measures[1].store_id,
            buses = p->measures[2].store_id;

    /* Reorder (buses first), drop ets-plant, rename heat-pumps (by its
     * store id), add a new measure, change the target and a trend. */
    ilm_measure moved[3];
    moved[0] = p->measures[2];
    moved[1] = p->measures[0];
    ilm_measure_clear(&p->measures[1]);
    set_measure(&moved[2], "bio-heat", "industry", false);
    free(moved[1].id);
    moved[1].id = sdup("heat-pumps-2");
    moved[1].opex = 42;
    memcpy(p->measures, moved, sizeof moved);
    p->reduction = 0.9;
    p->trends[0].rate = 0.5;
    int64_t again = save_ok(f, p);
    assert_int_equal(again, id);
    ilm_plan_free(p);

    ilm_plan *q = load_ok(f, id);
    assert_int_equal(q->n_measures, 3);
    assert_string_equal(q->measures[0].id, "buses");
    assert_int_equal(q->measures[0].store_id, buses);
    assert_string_equal(q->measures[1].id, "heat-pumps-2");
    assert_int_equal(q->measures[1].store_id, heat);
    assert_true(q->measures[1].opex == 42);
    assert_string_equal(q->measures[2].id, "bio-heat");
    assert_true(q->measures[2].store_id > buses); /* a new number, never reused */
    assert_int_not_equal(q->measures[2].store_id, ets);
    assert_false(q->measures[2].ets);
    assert_true(q->reduction == 0.9);
    assert_true(q->trends[0].rate == 0.5);

    ilm_errors err = {0};
    int64_t plan_id = 0;
    assert_int_equal(ilm_store_measure_plan(f->s, heat, &plan_id, &err), 0);
    assert_int_equal(plan_id, id);
    assert_int_equal(ilm_store_measure_plan(f->s, ets, &plan_id, &err), ILM_ENOTFOUND);
    expect_message(&err, "no measure");

    /* Two measures swap their ids: both keep their numbers. */
    char *t = q->measures[0].id;
    q->measures[0].id = q->measures[1].id;
    q->measures[1].id = t;
    save_ok(f, q);
    q->version++; /* what a load would give now */
    ilm_plan *r = load_ok(f, id);
    assert_string_equal(r->measures[0].id, "heat-pumps-2");
    assert_int_equal(r->measures[0].store_id, buses);
    assert_string_equal(r->measures[1].id, "buses");
    assert_int_equal(r->measures[1].store_id, heat);
    ilm_plan_free(r);

    /* A plan document read again (no store ids) matches by id. */
    int64_t added = q->measures[2].store_id;
    for (size_t i = 0; i < q->n_measures; i++)
        q->measures[i].store_id = 0;
    save_ok(f, q);
    q->version++;
    r = load_ok(f, id);
    assert_int_equal(r->measures[0].store_id, buses); /* "heat-pumps-2" since the swap */
    assert_int_equal(r->measures[1].store_id, heat);
    assert_int_equal(r->measures[2].store_id, added);
    ilm_plan_free(r);
    ilm_plan_free(q);
}

static void test_plan_delete_cascades(void **state)
{
    fixture *f = *state;
    with_data(f);
    ilm_plan *p = full_plan(ILM_SCOPE_TOTAL);
    int64_t keep = save_ok(f, p);
    int64_t id = save_ok(f, p);
    ilm_plan_free(p);
    assert_int_equal(query_int(f->path, "SELECT count(*) FROM measure"), 6);
    ilm_errors err = {0};
    assert_int_equal(ilm_store_plan_delete(f->s, id, &err), 0);
    assert_int_equal(query_int(f->path, "SELECT count(*) FROM measure"), 3);
    assert_int_equal(query_int(f->path, "SELECT count(*) FROM plan_trend"), 2);
    assert_int_equal(query_int(f->path, "SELECT count(*) FROM plan"), 1);
    assert_int_equal(ilm_store_plan_delete(f->s, id, &err), ILM_ENOTFOUND);
    ilm_plan *q = NULL;
    assert_int_equal(ilm_store_plan_load(f->s, id, &q, &err), ILM_ENOTFOUND);
    assert_null(q);
    expect_message(&err, "no plan");
    /* A new plan never gets a deleted plan's number. */
    p = full_plan(ILM_SCOPE_TOTAL);
    assert_true(save_ok(f, p) > id);
    assert_true(keep < id);
    ilm_plan_free(p);
}

static void test_plan_list(void **state)
{
    fixture *f = *state;
    with_data(f);
    ilm_store_import *im = begin(f, "syke");
    add_row(im, "702", 2020, "agriculture", false, true, 9000);
    commit(im);

    ilm_plan *p = full_plan(ILM_SCOPE_HINKU);
    int64_t a = save_ok(f, p);
    free(p->municipality_code);
    p->municipality_code = sdup("702");
    free(p->name);
    p->name = NULL;
    p->n_measures = 1; /* the rest stays owned, freed by the count below */
    int64_t b = save_ok(f, p);
    p->n_measures = 3;
    ilm_plan_free(p);

    ilm_plan_summary *v = NULL;
    size_t n = 0;
    ilm_errors err = {0};
    assert_int_equal(ilm_store_plan_list(f->s, NULL, &v, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_int_equal(v[0].id, a);
    assert_string_equal(v[0].code, "701");
    assert_string_equal(v[0].municipality_name, "Testilä");
    assert_string_equal(v[0].name, "Hiilineutraali Testilä 2035");
    assert_int_equal(v[0].scope, ILM_SCOPE_HINKU);
    assert_int_equal(v[0].base_year, 2019);
    assert_int_equal(v[0].target_year, 2035);
    assert_true(v[0].reduction == 0.8);
    assert_int_equal(v[0].n_measures, 3);
    assert_int_equal(v[1].id, b);
    assert_null(v[1].name);
    assert_int_equal(v[1].n_measures, 1);
    ilm_plan_summaries_free(v, n);

    assert_int_equal(ilm_store_plan_list(f->s, "702", &v, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(v[0].id, b);
    ilm_plan_summaries_free(v, n);
    assert_int_equal(ilm_store_plan_list(f->s, "799", &v, &n, &err), 0);
    assert_int_equal(n, 0);
    ilm_plan_summaries_free(v, n);
}

static void test_plan_hinku_scope_loads_hinku_rows(void **state)
{
    fixture *f = *state;
    with_data(f);
    ilm_plan *p = full_plan(ILM_SCOPE_HINKU);
    int64_t id = save_ok(f, p);
    ilm_plan_free(p);
    ilm_plan *q = load_ok(f, id);
    assert_int_equal(q->scope, ILM_SCOPE_HINKU);
    assert_int_equal(q->n_inventory, 6); /* no ETS industry rows */
    for (size_t i = 0; i < q->n_inventory; i++) {
        assert_false(q->inventory[i].ets);
        if (q->inventory[i].year == 2020 && strcmp(q->inventory[i].sector, "road_transport") == 0)
            assert_true(q->inventory[i].t == 800); /* without the non-Hinku 60 */
    }
    ilm_plan_free(q);
}

static void test_plan_save_errors_leave_nothing(void **state)
{
    fixture *f = *state;
    with_data(f);
    ilm_plan *p = full_plan(ILM_SCOPE_TOTAL);
    int64_t id = save_ok(f, p);
    uint64_t before = content_checksum(f->path);
    ilm_errors err = {0};
    int64_t out = 0;

    free(p->municipality_code);
    p->municipality_code = sdup("799");
    assert_int_equal(ilm_store_plan_save(f->s, p, &out, &err), ILM_ENOTFOUND);
    expect_message(&err, "799");
    free(p->municipality_code);
    p->municipality_code = sdup("701");

    p->store_id = id + 100;
    err = (ilm_errors){0};
    assert_int_equal(ilm_store_plan_save(f->s, p, &out, &err), ILM_ENOTFOUND);
    expect_message(&err, "no plan");
    p->store_id = 0;

    free(p->measures[2].id);
    p->measures[2].id = sdup("heat-pumps");
    err = (ilm_errors){0};
    assert_int_equal(ilm_store_plan_save(f->s, p, &out, &err), ILM_EINVAL);
    expect_message(&err, "measures[2].id: \"heat-pumps\" is already used by measures[0]");
    free(p->measures[2].id);
    p->measures[2].id = sdup("buses");

    free(p->measures[1].sector);
    p->measures[1].sector = sdup("steel");
    free(p->trends[0].sector);
    p->trends[0].sector = sdup("trams");
    err = (ilm_errors){0};
    assert_int_equal(ilm_store_plan_save(f->s, p, &out, &err), ILM_EINVAL);
    expect_message(&err, "measures[1].sector: \"steel\" is not a sector in the store");
    expect_message(&err, "baseline.trend.trams");
    assert_true(content_checksum(f->path) == before);

    /* No plan save while an import holds the connection. */
    free(p->measures[1].sector);
    p->measures[1].sector = sdup("industry");
    free(p->trends[0].sector);
    p->trends[0].sector = sdup("road_transport");
    ilm_store_import *im = begin(f, "syke");
    err = (ilm_errors){0};
    assert_int_not_equal(ilm_store_plan_save(f->s, p, &out, &err), 0);
    expect_message(&err, "import");
    ilm_store_import_abort(im);
    assert_true(content_checksum(f->path) == before);
    ilm_plan_free(p);
}

/* ---- plan versions, publishing, stamps ---- */

static ilm_plan_stamp stamp_ok(fixture *f, int64_t id)
{
    ilm_errors err = {0};
    ilm_plan_stamp st;
    int rc = ilm_store_plan_stamp(f->s, id, &st, &err);
    if (rc)
        print_errors(&err);
    assert_int_equal(rc, 0);
    return st;
}

static void test_plan_version_conflict(void **state)
{
    fixture *f = *state;
    with_data(f);
    ilm_plan *p = full_plan(ILM_SCOPE_TOTAL);
    int64_t id = save_ok(f, p);
    ilm_plan_free(p);

    /* Two people load version 1; the first one's save makes it 2. */
    ilm_plan *a = load_ok(f, id), *b = load_ok(f, id);
    assert_int_equal(a->version, 1);
    a->reduction = 0.7;
    save_ok(f, a);
    ilm_plan *c = load_ok(f, id);
    assert_int_equal(c->version, 2);
    assert_true(c->reduction == 0.7);
    ilm_plan_free(c);

    /* The second one's save is refused and changes nothing. */
    uint64_t before = content_checksum(f->path);
    b->reduction = 0.6;
    ilm_errors err = {0};
    int64_t out = 0;
    assert_int_equal(ilm_store_plan_save(f->s, b, &out, &err), ILM_ECONFLICT);
    char want[96];
    snprintf(want, sizeof want, "plan %lld was changed by someone else: it is at version 2, not 1",
             (long long)id);
    expect_message(&err, want);
    assert_true(content_checksum(f->path) == before);

    /* Reloaded, it goes through; version 0 (a document) skips the check. */
    ilm_plan_free(b);
    b = load_ok(f, id);
    b->reduction = 0.6;
    save_ok(f, b);
    assert_int_equal(stamp_ok(f, id).version, 3);
    b->version = 0;
    b->reduction = 0.55;
    save_ok(f, b);
    assert_int_equal(stamp_ok(f, id).version, 4);
    ilm_plan_free(b);
    ilm_plan_free(a);

    /* A new plan starts at 1 whatever version the struct carries. */
    p = full_plan(ILM_SCOPE_TOTAL);
    p->version = 7;
    int64_t other = save_ok(f, p);
    assert_int_equal(stamp_ok(f, other).version, 1);
    ilm_plan_free(p);
}

static void test_plan_publish_and_stamp(void **state)
{
    fixture *f = *state;
    with_data(f);
    ilm_plan *p = full_plan(ILM_SCOPE_TOTAL);
    int64_t id = save_ok(f, p);
    ilm_plan_free(p);
    ilm_plan_stamp st = stamp_ok(f, id);
    assert_string_equal(st.code, "701");
    assert_int_equal(st.version, 1);
    assert_false(st.published);
    /* The register's import added 701 with a population, the inventory's
     * changed its rows: two raises. */
    assert_int_equal(st.data_version, 2);

    ilm_errors err = {0};
    assert_int_equal(ilm_store_plan_publish(f->s, id, true, &err), 0);
    st = stamp_ok(f, id);
    assert_true(st.published);
    assert_int_equal(st.version, 2);
    ilm_plan *q = load_ok(f, id);
    assert_true(q->published);
    assert_int_equal(q->version, 2);
    ilm_plan_free(q);
    ilm_plan_summary *v = NULL;
    size_t n = 0;
    assert_int_equal(ilm_store_plan_list(f->s, NULL, &v, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_true(v[0].published);
    assert_int_equal(v[0].version, 2);
    assert_int_equal(strlen(v[0].updated_at), 20);
    assert_int_equal(v[0].updated_at[10], 'T');
    assert_int_equal(v[0].updated_at[19], 'Z');
    ilm_plan_summaries_free(v, n);

    assert_int_equal(ilm_store_plan_publish(f->s, id, false, &err), 0);
    st = stamp_ok(f, id);
    assert_false(st.published);
    assert_int_equal(st.version, 3);
    assert_int_equal(query_int(f->path, "SELECT count(*) FROM audit WHERE action = 'plan.publish'"),
                     1);
    assert_int_equal(
        query_int(f->path, "SELECT count(*) FROM audit WHERE action = 'plan.unpublish'"), 1);

    assert_int_equal(ilm_store_plan_publish(f->s, id + 1, true, &err), ILM_ENOTFOUND);
    expect_message(&err, "no plan");
    err = (ilm_errors){0};
    assert_int_equal(ilm_store_plan_stamp(f->s, id + 1, &st, &err), ILM_ENOTFOUND);
    expect_message(&err, "no plan");
}

static void test_stamp_data_version_follows_imports(void **state)
{
    fixture *f = *state;
    with_data(f);
    ilm_plan *p = full_plan(ILM_SCOPE_TOTAL);
    int64_t id = save_ok(f, p);
    ilm_plan_free(p);
    int64_t v0 = stamp_ok(f, id).data_version;
    long long v702 = query_int(f->path, "SELECT data_version FROM municipality WHERE code='702'");

    /* The same file again: nothing changes, not even the data version. */
    uint64_t before = content_checksum(f->path);
    import_inventory(f, 2000);
    assert_int_equal(stamp_ok(f, id).data_version, v0);
    assert_true(content_checksum(f->path) == before);

    /* A changed figure raises it, for 701 only. */
    import_inventory(f, 2100);
    assert_int_equal(stamp_ok(f, id).data_version, v0 + 1);
    assert_int_equal(query_int(f->path, "SELECT data_version FROM municipality WHERE code='702'"),
                     v702);

    /* A plan save raises the plan's version, not the data version. */
    ilm_plan *q = load_ok(f, id);
    q->reduction = 0.65;
    save_ok(f, q);
    ilm_plan_free(q);
    ilm_plan_stamp st = stamp_ok(f, id);
    assert_int_equal(st.version, 2);
    assert_int_equal(st.data_version, v0 + 1);
}

/* ---- the audit trail ---- */

static ilm_audit_entry *audit_ok(fixture *f, const ilm_audit_filter *flt, size_t *n)
{
    ilm_errors err = {0};
    ilm_audit_entry *v = NULL;
    int rc = ilm_store_audit(f->s, flt, &v, n, &err);
    if (rc)
        print_errors(&err);
    assert_int_equal(rc, 0);
    return v;
}

/* The value of `key` in the JSON object `text`, which must parse. */
static json_t *json_field(json_t **doc, const char *text, const char *key)
{
    json_error_t e;
    assert_non_null(text);
    *doc = json_loads(text, 0, &e);
    if (!*doc)
        fprintf(stderr, "  not JSON: %s (%s)\n", text, e.text);
    assert_non_null(*doc);
    assert_true(json_is_object(*doc));
    return json_object_get(*doc, key);
}

static double json_number_field(const char *text, const char *key)
{
    json_t *doc;
    json_t *v = json_field(&doc, text, key);
    assert_true(json_is_number(v));
    double d = json_number_value(v);
    json_decref(doc);
    return d;
}

static void json_string_field(const char *text, const char *key, const char *want)
{
    json_t *doc;
    json_t *v = json_field(&doc, text, key);
    assert_true(json_is_string(v));
    assert_string_equal(json_string_value(v), want);
    json_decref(doc);
}

static void test_audit_plan_changes(void **state)
{
    fixture *f = *state;
    with_data(f);
    ilm_errors err = {0};
    assert_int_equal(ilm_store_set_actor(f->s, "anna@x.fi", &err), 0);
    ilm_plan *p = full_plan(ILM_SCOPE_TOTAL);
    int64_t id = save_ok(f, p);
    ilm_plan_free(p);

    ilm_audit_filter flt = {.plan_id = id};
    size_t n = 0;
    ilm_audit_entry *v = audit_ok(f, &flt, &n);
    assert_int_equal(n, 4); /* newest first: the three measures, then the plan */
    assert_string_equal(v[3].action, "plan.create");
    assert_string_equal(v[3].actor, "anna@x.fi");
    assert_string_equal(v[3].code, "701");
    assert_int_equal(v[3].plan_id, id);
    assert_int_equal(v[3].measure_id, 0);
    assert_null(v[3].old_json);
    assert_true(json_number_field(v[3].new_json, "reduction") == 0.8);
    json_string_field(v[3].new_json, "scope", "total");
    assert_int_equal(strlen(v[3].at), 20);
    for (size_t i = 0; i < 3; i++) {
        assert_string_equal(v[i].action, "measure.create");
        assert_true(v[i].measure_id > 0);
        assert_null(v[i].old_json);
        assert_true(v[i].id > v[i + 1].id);
    }
    json_string_field(v[2].new_json, "key", "heat-pumps");
    ilm_audit_entries_free(v, n);

    /* Change the plan and one measure: one plan.update, one measure.update,
     * nothing for the two measures that stayed as they were. */
    ilm_plan *q = load_ok(f, id);
    int64_t heat = q->measures[0].store_id;
    q->reduction = 0.75;
    q->measures[0].opex = 99;
    save_ok(f, q);
    ilm_plan_free(q);
    flt.limit = 100;
    v = audit_ok(f, &flt, &n);
    assert_int_equal(n, 6);
    assert_string_equal(v[1].action, "plan.update");
    assert_true(json_number_field(v[1].old_json, "reduction") == 0.8);
    assert_true(json_number_field(v[1].new_json, "reduction") == 0.75);
    assert_true(json_number_field(v[1].old_json, "version") == 1);
    assert_true(json_number_field(v[1].new_json, "version") == 2);
    assert_string_equal(v[0].action, "measure.update");
    assert_int_equal(v[0].measure_id, heat);
    assert_true(json_number_field(v[0].old_json, "opex") == -12345.678);
    assert_true(json_number_field(v[0].new_json, "opex") == 99);
    ilm_audit_entries_free(v, n);

    /* Saved unchanged and reordered: only the plan row. */
    q = load_ok(f, id);
    ilm_measure t = q->measures[0];
    q->measures[0] = q->measures[2];
    q->measures[2] = t;
    save_ok(f, q);
    ilm_plan_free(q);
    v = audit_ok(f, &flt, &n);
    assert_int_equal(n, 7);
    assert_string_equal(v[0].action, "plan.update");
    json_t *doc;
    json_t *keys = json_field(&doc, v[0].new_json, "measures");
    assert_true(json_is_array(keys));
    assert_string_equal(json_string_value(json_array_get(keys, 0)), "buses");
    json_decref(doc);
    ilm_audit_entries_free(v, n);

    /* Dropping a measure: measure.delete with the row before. */
    q = load_ok(f, id);
    int64_t dropped = q->measures[1].store_id;
    ilm_measure_clear(&q->measures[1]);
    q->measures[1] = q->measures[2];
    q->n_measures = 2;
    save_ok(f, q);
    ilm_plan_free(q);
    v = audit_ok(f, &flt, &n);
    assert_int_equal(n, 9);
    assert_string_equal(v[0].action, "measure.delete");
    assert_int_equal(v[0].measure_id, dropped);
    json_string_field(v[0].old_json, "key", "ets-plant");
    assert_null(v[0].new_json);
    ilm_audit_entries_free(v, n);

    /* Deleting the plan: plan.delete with the row before, as "system"
     * once the actor is reset. */
    assert_int_equal(ilm_store_set_actor(f->s, NULL, &err), 0);
    assert_int_equal(ilm_store_plan_delete(f->s, id, &err), 0);
    v = audit_ok(f, &flt, &n);
    assert_int_equal(n, 10);
    assert_string_equal(v[0].action, "plan.delete");
    assert_string_equal(v[0].actor, "system");
    assert_null(v[0].new_json);
    assert_true(json_number_field(v[0].old_json, "reduction") == 0.75);
    ilm_audit_entries_free(v, n);

    /* A refused change leaves no audit row. */
    long long rows = query_int(f->path, "SELECT count(*) FROM audit");
    assert_int_equal(ilm_store_plan_delete(f->s, id, &err), ILM_ENOTFOUND);
    assert_int_equal(query_int(f->path, "SELECT count(*) FROM audit"), rows);

    err = (ilm_errors){0};
    assert_int_equal(ilm_store_set_actor(f->s, "", &err), ILM_EINVAL);
    assert_int_equal(ilm_store_set_actor(f->s, "a\nb", &err), ILM_EINVAL);
}

static void test_audit_import(void **state)
{
    fixture *f = *state;
    open_ok(f);
    import_register(f);
    size_t n = 0;
    ilm_audit_entry *v = audit_ok(f, NULL, &n);
    assert_int_equal(n, 2); /* 701 and 702: added, with their population */
    assert_string_equal(v[0].action, "inventory.import");
    assert_string_equal(v[0].code, "702");
    assert_string_equal(v[0].actor, "system");
    assert_null(v[0].old_json);
    json_string_field(v[0].new_json, "file", "test.csv");
    json_string_field(v[0].new_json, "kind", "municipalities");
    json_string_field(v[0].new_json, "register", "added");
    assert_true(json_number_field(v[0].new_json, "added") == 1);
    assert_string_equal(v[1].code, "701");
    assert_true(json_number_field(v[1].new_json, "added") == 2);
    ilm_audit_entries_free(v, n);

    import_inventory(f, 2000);
    v = audit_ok(f, NULL, &n);
    assert_int_equal(n, 3);
    assert_string_equal(v[0].code, "701");
    json_string_field(v[0].new_json, "kind", "syke");
    assert_true(json_number_field(v[0].new_json, "added") == 10); /* 9 rows + a total */
    assert_true(json_number_field(v[0].new_json, "removed") == 0);
    ilm_audit_entries_free(v, n);

    /* Identical: no row. Changed: one row with that file's counts. */
    import_inventory(f, 2000);
    assert_int_equal(query_int(f->path, "SELECT count(*) FROM audit"), 3);
    import_inventory(f, 2100);
    v = audit_ok(f, NULL, &n);
    assert_int_equal(n, 4);
    assert_true(json_number_field(v[0].new_json, "replaced") == 1);
    assert_true(json_number_field(v[0].new_json, "unchanged") == 9);
    assert_true(json_number_field(v[0].new_json, "data_version") == 3);
    ilm_audit_entries_free(v, n);
}

static void test_audit_filter(void **state)
{
    fixture *f = *state;
    with_data(f); /* audit rows 1-3: 701, 702, 701 */
    ilm_store_import *im = begin(f, "syke");
    add_row(im, "702", 2020, "agriculture", false, true, 9000);
    commit(im); /* row 4: 702 */
    ilm_plan *p = full_plan(ILM_SCOPE_TOTAL);
    p->n_measures = 1;
    int64_t a = save_ok(f, p); /* rows 5, 6 */
    free(p->municipality_code);
    p->municipality_code = sdup("702");
    int64_t b = save_ok(f, p); /* rows 7, 8 */
    p->n_measures = 3;
    ilm_plan_free(p);

    size_t n = 0;
    ilm_audit_entry *v = audit_ok(f, NULL, &n);
    assert_int_equal(n, 8);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(v[i].id, 8 - (int64_t)i);
    ilm_audit_entries_free(v, n);

    ilm_audit_filter flt = {.code = "702"};
    v = audit_ok(f, &flt, &n);
    assert_int_equal(n, 4);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(v[i].code, "702");
    assert_int_equal(v[0].plan_id, b);
    ilm_audit_entries_free(v, n);

    flt = (ilm_audit_filter){.plan_id = a};
    v = audit_ok(f, &flt, &n);
    assert_int_equal(n, 2);
    assert_int_equal(v[0].plan_id, a);
    assert_int_equal(v[1].plan_id, a);
    ilm_audit_entries_free(v, n);

    flt = (ilm_audit_filter){.code = "702", .plan_id = a};
    v = audit_ok(f, &flt, &n);
    assert_int_equal(n, 0);
    ilm_audit_entries_free(v, n);

    /* Pages of three: 8 7 6, then 5 4 3, then 2 1. */
    flt = (ilm_audit_filter){.limit = 3};
    int64_t want = 8;
    for (int page = 0; page < 3; page++) {
        v = audit_ok(f, &flt, &n);
        assert_int_equal(n, page < 2 ? 3 : 2);
        for (size_t i = 0; i < n; i++)
            assert_int_equal(v[i].id, want--);
        flt.before_id = v[n - 1].id;
        ilm_audit_entries_free(v, n);
    }
    flt = (ilm_audit_filter){.code = "702", .before_id = 7};
    v = audit_ok(f, &flt, &n);
    assert_int_equal(n, 2);
    assert_int_equal(v[0].id, 4);
    assert_int_equal(v[1].id, 2);
    ilm_audit_entries_free(v, n);

    ilm_errors err = {0};
    flt = (ilm_audit_filter){.code = "7x"};
    assert_int_equal(ilm_store_audit(f->s, &flt, &v, &n, &err), ILM_EINVAL);
    assert_null(v);
}

/* ---- users and sessions ---- */

#define FAKE_HASH "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA"

static int64_t add_user_ok(fixture *f, const char *email, ilm_role role, const char *code)
{
    ilm_errors err = {0};
    const char *codes[] = {code};
    int64_t id = 0;
    int rc = ilm_store_user_add(f->s, email, role, codes, code ? 1 : 0, FAKE_HASH, &id, &err);
    if (rc)
        print_errors(&err);
    assert_int_equal(rc, 0);
    assert_true(id > 0);
    return id;
}

static void test_roles(void **state)
{
    (void)state;
    ilm_role r;
    assert_int_equal(ilm_role_parse("organiser", &r), 0);
    assert_int_equal(r, ILM_ROLE_ORGANISER);
    assert_int_equal(ilm_role_parse("expert", &r), 0);
    assert_int_equal(r, ILM_ROLE_EXPERT);
    assert_int_equal(ilm_role_parse("admin", &r), ILM_EINVAL);
    assert_int_equal(ilm_role_parse(NULL, &r), ILM_EINVAL);
    assert_string_equal(ilm_role_name(ILM_ROLE_EDITOR), "editor");
    assert_string_equal(ilm_role_name(ILM_ROLE_VIEWER), "viewer");
}

static void test_user_add_and_find(void **state)
{
    fixture *f = *state;
    open_ok(f);
    import_register(f);
    ilm_errors err = {0};
    int64_t anna = add_user_ok(f, "Anna.Virtanen@Example.FI", ILM_ROLE_EDITOR, "701");
    int64_t org = add_user_ok(f, "org@example.fi", ILM_ROLE_ORGANISER, NULL);
    const char *two[] = {"702", "701", "702"};
    int64_t id = 0;
    assert_int_equal(ilm_store_user_add(f->s, "expert@example.fi", ILM_ROLE_EXPERT, two, 3,
                                        FAKE_HASH, &id, &err),
                     0);

    ilm_user u;
    char *hash = NULL;
    assert_int_equal(ilm_store_user_find(f->s, "ANNA.virtanen@example.fi", &u, &hash, &err), 0);
    assert_int_equal(u.id, anna);
    assert_string_equal(u.email, "anna.virtanen@example.fi");
    assert_int_equal(u.role, ILM_ROLE_EDITOR);
    assert_false(u.disabled);
    assert_int_equal(u.n_municipalities, 1);
    assert_string_equal(u.municipalities[0], "701");
    assert_int_equal(strlen(u.created_at), 20);
    assert_string_equal(hash, FAKE_HASH);
    free(hash);
    ilm_user_clear(&u);

    ilm_user *v = NULL;
    size_t n = 0;
    assert_int_equal(ilm_store_users(f->s, &v, &n, &err), 0);
    assert_int_equal(n, 3); /* by email */
    assert_string_equal(v[0].email, "anna.virtanen@example.fi");
    assert_string_equal(v[1].email, "expert@example.fi");
    assert_int_equal(v[1].n_municipalities, 2);
    assert_string_equal(v[1].municipalities[0], "701");
    assert_string_equal(v[1].municipalities[1], "702");
    assert_int_equal(v[2].id, org);
    assert_int_equal(v[2].role, ILM_ROLE_ORGANISER);
    assert_int_equal(v[2].n_municipalities, 0);
    ilm_users_free(v, n);

    /* Audited without the hash. */
    assert_int_equal(query_int(f->path, "SELECT count(*) FROM audit WHERE action = 'user.add'"), 3);
    assert_int_equal(query_int(f->path, "SELECT count(*) FROM audit WHERE new_json LIKE "
                                        "'%argon%' OR new_json LIKE '%hash%'"),
                     0);
    size_t na = 0;
    ilm_audit_entry *au = audit_ok(f, NULL, &na);
    json_string_field(au[0].new_json, "email", "expert@example.fi");
    json_string_field(au[0].new_json, "role", "expert");
    ilm_audit_entries_free(au, na);

    assert_int_equal(ilm_store_user_find(f->s, "nobody@example.fi", &u, NULL, &err), ILM_ENOTFOUND);
    expect_message(&err, "no user nobody@example.fi");
    assert_int_equal(ilm_store_user_find(f->s, "not an email", &u, NULL, &err), ILM_ENOTFOUND);
    assert_null(u.email);
}

static void test_user_add_refusals(void **state)
{
    fixture *f = *state;
    open_ok(f);
    import_register(f);
    add_user_ok(f, "anna@x.fi", ILM_ROLE_VIEWER, "701");
    uint64_t before = content_checksum(f->path);
    const char *c701[] = {"701"}, *c799[] = {"799"}, *bad[] = {"7a1"};
    int64_t id = 0;
    ilm_errors err = {0};

    assert_int_equal(
        ilm_store_user_add(f->s, "ANNA@x.fi", ILM_ROLE_VIEWER, c701, 1, FAKE_HASH, &id, &err),
        ILM_ECONFLICT);
    expect_message(&err, "user anna@x.fi already exists");

    static const char *const bad_emails[] = {
        "", "anna", "anna@", "@x.fi", "a@b@x.fi", "an na@x.fi", "anna@x.fi\n", "anna\t@x.fi"};
    for (size_t i = 0; i < sizeof bad_emails / sizeof bad_emails[0]; i++) {
        err = (ilm_errors){0};
        assert_int_equal(
            ilm_store_user_add(f->s, bad_emails[i], ILM_ROLE_VIEWER, c701, 1, FAKE_HASH, &id, &err),
            ILM_EINVAL);
        expect_message(&err, "email");
    }
    char long_email[300];
    memset(long_email, 'a', sizeof long_email);
    memcpy(long_email + 250, "@x.fi", 6); /* 255 bytes */
    err = (ilm_errors){0};
    assert_int_equal(
        ilm_store_user_add(f->s, long_email, ILM_ROLE_VIEWER, c701, 1, FAKE_HASH, &id, &err),
        ILM_EINVAL);
    expect_message(&err, "at most 254");

    err = (ilm_errors){0};
    assert_int_equal(
        ilm_store_user_add(f->s, "bert@x.fi", (ilm_role)9, c701, 1, FAKE_HASH, &id, &err),
        ILM_EINVAL);
    expect_message(&err, "role");
    err = (ilm_errors){0};
    assert_int_equal(
        ilm_store_user_add(f->s, "bert@x.fi", ILM_ROLE_ORGANISER, c701, 1, FAKE_HASH, &id, &err),
        ILM_EINVAL);
    expect_message(&err, "an organiser works on every municipality");
    err = (ilm_errors){0};
    assert_int_equal(
        ilm_store_user_add(f->s, "bert@x.fi", ILM_ROLE_EDITOR, NULL, 0, FAKE_HASH, &id, &err),
        ILM_EINVAL);
    expect_message(&err, "an editor needs at least one municipality");
    err = (ilm_errors){0};
    assert_int_equal(
        ilm_store_user_add(f->s, "bert@x.fi", ILM_ROLE_EDITOR, c799, 1, FAKE_HASH, &id, &err),
        ILM_ENOTFOUND);
    expect_message(&err, "municipality 799: not in the register");
    err = (ilm_errors){0};
    assert_int_equal(
        ilm_store_user_add(f->s, "bert@x.fi", ILM_ROLE_EDITOR, bad, 1, FAKE_HASH, &id, &err),
        ILM_EINVAL);
    expect_message(&err, "\"7a1\": not a municipality code");
    err = (ilm_errors){0};
    assert_int_equal(ilm_store_user_add(f->s, "bert@x.fi", ILM_ROLE_EDITOR, c701, 1, "", &id, &err),
                     ILM_EINVAL);
    expect_message(&err, "password hash");
    assert_true(content_checksum(f->path) == before);
}

/* Reads a session, which must be valid. */
static void session_ok(fixture *f, const char *token, int64_t now, ilm_session *se)
{
    ilm_errors err = {0};
    int rc = ilm_store_session_get(f->s, token, now, 3600, 12 * 3600, se, &err);
    if (rc)
        print_errors(&err);
    assert_int_equal(rc, 0);
}

static void session_gone(fixture *f, const char *token, int64_t now)
{
    ilm_errors err = {0};
    ilm_session se;
    assert_int_equal(ilm_store_session_get(f->s, token, now, 3600, 12 * 3600, &se, &err),
                     ILM_ENOTFOUND);
    assert_null(se.user.email);
}

static long long last_seen(fixture *f, const char *token)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT last_seen FROM session WHERE token_hash = '%s'", token);
    return query_int(f->path, sql);
}

static void test_sessions_expire_and_touch(void **state)
{
    fixture *f = *state;
    open_ok(f);
    import_register(f);
    int64_t anna = add_user_ok(f, "anna@x.fi", ILM_ROLE_EDITOR, "701");
    ilm_errors err = {0};
    const int64_t t0 = 1800000000;
    assert_int_equal(ilm_store_session_create(f->s, "aaaa", anna, "csrf-1", t0, &err), 0);
    assert_int_equal(ilm_store_session_create(f->s, "aaaa", anna, "csrf-2", t0, &err),
                     ILM_ECONFLICT);

    ilm_session se;
    session_ok(f, "aaaa", t0 + 30, &se);
    assert_string_equal(se.user.email, "anna@x.fi");
    assert_int_equal(se.user.id, anna);
    assert_int_equal(se.user.n_municipalities, 1);
    assert_string_equal(se.csrf_token, "csrf-1");
    assert_int_equal(se.created_at, t0);
    assert_int_equal(se.last_seen, t0);
    ilm_session_clear(&se);
    /* Within a minute a read stays a read. */
    assert_int_equal(last_seen(f, "aaaa"), t0);
    session_ok(f, "aaaa", t0 + 60, &se);
    assert_int_equal(se.last_seen, t0 + 60);
    ilm_session_clear(&se);
    assert_int_equal(last_seen(f, "aaaa"), t0 + 60);

    /* Idle: an hour after the last use is still fine, a second more not,
     * and the row is gone. */
    session_ok(f, "aaaa", t0 + 60 + 3600, &se);
    ilm_session_clear(&se);
    session_gone(f, "aaaa", t0 + 60 + 3600 + 3601);
    assert_int_equal(query_int(f->path, "SELECT count(*) FROM session"), 0);

    /* Absolute: used every half hour, it still ends 12 hours after it began. */
    assert_int_equal(ilm_store_session_create(f->s, "bbbb", anna, "csrf", t0, &err), 0);
    int64_t t = t0;
    for (; t + 1800 <= t0 + 12 * 3600; t += 1800) {
        session_ok(f, "bbbb", t + 1800, &se);
        ilm_session_clear(&se);
    }
    session_gone(f, "bbbb", t0 + 12 * 3600 + 1);
    assert_int_equal(query_int(f->path, "SELECT count(*) FROM session"), 0);

    /* Unknown tokens and deleting twice. */
    session_gone(f, "cccc", t0);
    assert_int_equal(ilm_store_session_create(f->s, "dddd", anna, "csrf", t0, &err), 0);
    assert_int_equal(ilm_store_session_delete(f->s, "dddd", &err), 0);
    assert_int_equal(ilm_store_session_delete(f->s, "dddd", &err), 0);
    session_gone(f, "dddd", t0);
    err = (ilm_errors){0};
    assert_int_equal(ilm_store_session_create(f->s, "eeee", anna + 100, "csrf", t0, &err),
                     ILM_ENOTFOUND);
}

static void test_disable_and_passwd_end_sessions(void **state)
{
    fixture *f = *state;
    open_ok(f);
    import_register(f);
    int64_t anna = add_user_ok(f, "anna@x.fi", ILM_ROLE_EDITOR, "701");
    int64_t bert = add_user_ok(f, "bert@x.fi", ILM_ROLE_VIEWER, "702");
    ilm_errors err = {0};
    const int64_t t0 = 1800000000;
    assert_int_equal(ilm_store_session_create(f->s, "a1", anna, "c", t0, &err), 0);
    assert_int_equal(ilm_store_session_create(f->s, "a2", anna, "c", t0, &err), 0);
    assert_int_equal(ilm_store_session_create(f->s, "b1", bert, "c", t0, &err), 0);

    /* A new password ends all of the user's sessions, no one else's. */
    assert_int_equal(ilm_store_user_set_password(f->s, "Anna@x.fi", "$argon2id$new", &err), 0);
    session_gone(f, "a1", t0 + 1);
    session_gone(f, "a2", t0 + 1);
    ilm_session se;
    session_ok(f, "b1", t0 + 1, &se);
    ilm_session_clear(&se);
    char *hash = NULL;
    ilm_user u;
    assert_int_equal(ilm_store_user_find(f->s, "anna@x.fi", &u, &hash, &err), 0);
    assert_string_equal(hash, "$argon2id$new");
    free(hash);
    ilm_user_clear(&u);
    assert_int_equal(query_int(f->path, "SELECT count(*) FROM audit WHERE action = 'user.passwd'"),
                     1);

    /* Disabling ends the sessions and refuses new ones. */
    assert_int_equal(ilm_store_user_disable(f->s, "bert@x.fi", &err), 0);
    session_gone(f, "b1", t0 + 2);
    err = (ilm_errors){0};
    assert_int_equal(ilm_store_session_create(f->s, "b2", bert, "c", t0, &err), ILM_EINVAL);
    expect_message(&err, "disabled");
    assert_int_equal(ilm_store_user_find(f->s, "bert@x.fi", &u, NULL, &err), 0);
    assert_true(u.disabled);
    ilm_user_clear(&u);
    assert_int_equal(query_int(f->path, "SELECT count(*) FROM audit WHERE action = 'user.disable'"),
                     1);
    /* Twice is no change: no second audit row. */
    assert_int_equal(ilm_store_user_disable(f->s, "bert@x.fi", &err), 0);
    assert_int_equal(query_int(f->path, "SELECT count(*) FROM audit WHERE action = 'user.disable'"),
                     1);
    assert_int_equal(query_int(f->path, "SELECT count(*) FROM audit WHERE old_json LIKE "
                                        "'%argon%' OR new_json LIKE '%argon%'"),
                     0);

    /* A session of a user disabled behind its back (another program) is
     * refused and deleted. */
    assert_int_equal(ilm_store_session_create(f->s, "a3", anna, "c", t0, &err), 0);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "UPDATE user_account SET disabled = 1 WHERE email = 'anna@x.fi'",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    session_gone(f, "a3", t0 + 1);
    assert_int_equal(query_int(f->path, "SELECT count(*) FROM session"), 0);

    err = (ilm_errors){0};
    assert_int_equal(ilm_store_user_disable(f->s, "nobody@x.fi", &err), ILM_ENOTFOUND);
    expect_message(&err, "no user nobody@x.fi");
    err = (ilm_errors){0};
    assert_int_equal(ilm_store_user_set_password(f->s, "nobody@x.fi", "$argon2id$x", &err),
                     ILM_ENOTFOUND);
}

/* ---- issue 12: a store that vanished, faults, serialised writes ---- */

/* A missing or empty file is refused without --create and left as it
 * was; ilm_store_open_or_create makes a store of either. */
static void test_missing_or_empty_refused(void **state)
{
    fixture *f = *state;
    ilm_errors err = {0};
    ilm_store *s = (ilm_store *)1;
    assert_int_equal(ilm_store_open(f->path, &s, &err), ILM_ENOTFOUND);
    assert_null(s);
    expect_message(&err, f->path);
    expect_message(&err, "does not exist");
    expect_message(&err, "--create");
    assert_int_not_equal(access(f->path, F_OK), 0);

    open_ok(f);
    ilm_store_close(f->s);
    f->s = NULL;
    assert_int_equal(truncate(f->path, 0), 0);
    ilm_errors_clear(&err);
    assert_int_equal(ilm_store_open(f->path, &s, &err), ILM_ENOTFOUND);
    expect_message(&err, "is empty (0 bytes, no tables)");
    expect_message(&err, "--create");
    struct stat sb;
    assert_int_equal(stat(f->path, &sb), 0);
    assert_int_equal(sb.st_size, 0);

    ilm_errors_clear(&err);
    assert_int_equal(ilm_store_open_or_create(f->path, &s, &err), 0);
    ilm_store_close(s);
    ilm_errors_clear(&err);
    assert_int_equal(ilm_store_open(f->path, &s, &err), 0);
    ilm_store_close(s);
}

/* A locked store is ILM_EBUSY, a full one ILM_EFULL (PRAGMA
 * max_page_count: SQLite's own "database or disk is full"), a read-only
 * one ILM_EREADONLY; each with a message, and nothing half written. */
static void test_faults_mapped(void **state)
{
    fixture *f = *state;
    with_data(f);
    ilm_plan *p = full_plan(ILM_SCOPE_TOTAL);
    int64_t id = save_ok(f, p);
    p->store_id = id;
    p->version = 0;
    ilm_errors err = {0};
    int64_t out;

    sqlite3 *other = NULL;
    assert_int_equal(sqlite3_open(f->path, &other), SQLITE_OK);
    assert_int_equal(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_busy_timeout(f->s->db, 50);
    p->reduction = 0.61;
    assert_int_equal(ilm_store_plan_save(f->s, p, &out, &err), ILM_EBUSY);
    expect_message(&err, "another program is writing");
    ilm_errors_clear(&err);
    assert_int_equal(ilm_store_health(f->s, &err), ILM_EBUSY);
    sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(other);

    uint64_t before = content_checksum(f->path);
    long long pages = query_int(f->path, "PRAGMA page_count");
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA max_page_count = %lld", pages);
    assert_int_equal(sqlite3_exec(f->s->db, sql, NULL, NULL, NULL), SQLITE_OK);
    ilm_plan *big = full_plan(ILM_SCOPE_TOTAL);
    free(big->name);
    big->name = calloc(1, 200000);
    assert_non_null(big->name);
    memset(big->name, 'x', 199999);
    ilm_errors_clear(&err);
    assert_int_equal(ilm_store_plan_save(f->s, big, &out, &err), ILM_EFULL);
    expect_message(&err, "full");
    ilm_plan_free(big);
    assert_true(content_checksum(f->path) == before);
    snprintf(sql, sizeof sql, "PRAGMA max_page_count = %d", 1 << 30);
    sqlite3_exec(f->s->db, sql, NULL, NULL, NULL);

    assert_int_equal(sqlite3_exec(f->s->db, "PRAGMA query_only = 1", NULL, NULL, NULL), SQLITE_OK);
    ilm_errors_clear(&err);
    assert_int_equal(ilm_store_plan_save(f->s, p, &out, &err), ILM_EREADONLY);
    sqlite3_exec(f->s->db, "PRAGMA query_only = 0", NULL, NULL, NULL);
    assert_true(content_checksum(f->path) == before);
    ilm_plan_free(p);
}

/* Readiness: ok on a good store; not ok when the schema is not ours or
 * the file was emptied under the handle. */
static void test_health(void **state)
{
    fixture *f = *state;
    open_ok(f);
    ilm_errors err = {0};
    assert_int_equal(ilm_store_health(f->s, &err), 0);
    sqlite3 *other = NULL;
    assert_int_equal(sqlite3_open(f->path, &other), SQLITE_OK);
    assert_int_equal(sqlite3_exec(other, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(ilm_store_health(f->s, &err), ILM_ESTORE);
    expect_message(&err, "schema is version 99");
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", ilm_store_schema_version());
    assert_int_equal(sqlite3_exec(other, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(other);
    ilm_errors_clear(&err);
    assert_int_equal(ilm_store_health(f->s, &err), 0);
    assert_int_equal(truncate(f->path, 0), 0);
    assert_int_equal(ilm_store_health(f->s, &err), ILM_ESTORE);
    expect_message(&err, "empty (0 bytes)");
}

/* ilm_store_begin: the changes inside commit or roll back together; a
 * failed change inside undoes only itself. */
static void test_transaction(void **state)
{
    fixture *f = *state;
    with_data(f);
    ilm_errors err = {0};
    ilm_plan *p = full_plan(ILM_SCOPE_TOTAL);
    assert_int_equal(ilm_store_begin(f->s, &err), 0);
    assert_int_equal(ilm_store_begin(f->s, &err), ILM_EINTERNAL); /* not nested */
    int64_t a = save_ok(f, p);
    ilm_store_rollback(f->s);
    assert_int_equal(query_int(f->path, "SELECT count(*) FROM plan"), 0);

    ilm_errors_clear(&err);
    assert_int_equal(ilm_store_begin(f->s, &err), 0);
    a = save_ok(f, p);
    ilm_plan *bad = full_plan(ILM_SCOPE_TOTAL);
    bad->store_id = a + 100; /* no such plan: refused, undoes only itself */
    int64_t out;
    assert_int_equal(ilm_store_plan_save(f->s, bad, &out, &err), ILM_ENOTFOUND);
    ilm_plan_free(bad);
    int64_t b = save_ok(f, p);
    assert_int_equal(ilm_store_commit(f->s, &err), 0);
    assert_int_equal(query_int(f->path, "SELECT count(*) FROM plan"), 2);
    assert_true(b > a);
    ilm_plan_free(p);
}

/* A save that changes nothing keeps the version and writes no audit row. */
static void test_no_op_save(void **state)
{
    fixture *f = *state;
    with_data(f);
    ilm_plan *p = full_plan(ILM_SCOPE_TOTAL);
    int64_t id = save_ok(f, p);
    ilm_plan_free(p);
    p = load_ok(f, id);
    long long audits = query_int(f->path, "SELECT count(*) FROM audit");
    uint64_t before = content_checksum(f->path);
    save_ok(f, p);
    p->version = 0;
    save_ok(f, p);
    assert_int_equal(query_int(f->path, "SELECT count(*) FROM audit"), audits);
    assert_true(content_checksum(f->path) == before);
    ilm_plan *q = load_ok(f, id);
    assert_int_equal(q->version, 1);
    /* A change still counts once. */
    free(q->measures[0].notes);
    q->measures[0].notes = strdup("changed");
    save_ok(f, q);
    assert_int_equal(query_int(f->path, "SELECT count(*) FROM audit"), audits + 2);
    ilm_plan_free(q);
    q = load_ok(f, id);
    assert_int_equal(q->version, 2);
    ilm_plan_free(q);
    ilm_plan_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_open_creates_and_migrates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reopen_is_a_no_op, setup, teardown),
        cmocka_unit_test_setup_teardown(test_newer_schema_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_a_database_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_foreign_database_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_directory_path_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_or_empty_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_faults_mapped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_health, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transaction, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_op_save, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sectors_seeded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_adds_up_sub_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_same_file_twice_changes_nothing, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_import_replaces_and_removes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_abort_and_bad_records_leave_nothing, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_import_municipality_added_and_updated, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_municipalities_and_find, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inventory_scopes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plan_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plan_seed_extremes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plan_update_keeps_measure_ids, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plan_delete_cascades, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plan_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plan_hinku_scope_loads_hinku_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plan_save_errors_leave_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plan_version_conflict, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plan_publish_and_stamp, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stamp_data_version_follows_imports, setup, teardown),
        cmocka_unit_test_setup_teardown(test_audit_plan_changes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_audit_import, setup, teardown),
        cmocka_unit_test_setup_teardown(test_audit_filter, setup, teardown),
        cmocka_unit_test(test_roles),
        cmocka_unit_test_setup_teardown(test_user_add_and_find, setup, teardown),
        cmocka_unit_test_setup_teardown(test_user_add_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sessions_expire_and_touch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_disable_and_passwd_end_sessions, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
