/* The data commands: import, municipalities, inventory, demo.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ilmava/app.h"
#include "ilmava/io.h"

static const char *const import_usage =
    "usage: ilmava import syke|municipalities|inventory FILE\n"
    "\n"
    "Imports a data file into the store in one transaction: all of it, or at\n"
    "the first bad line none of it.\n"
    "\n"
    "  syke            SYKE's municipal emission figures: the long export\n"
    "                  (';', decimal comma, UTF-8 or Windows-1252), the wide\n"
    "                  summary, or the simple long form; detected from the\n"
    "                  header. kt become t. Municipalities not yet in the\n"
    "                  register are added from the file.\n"
    "  municipalities  the municipality register (code, names, region,\n"
    "                  population by year)\n"
    "  inventory       a plain CSV: municipality,year,sector,ets,t[,hinku]\n"
    "                  with sector keys (see 'ilmava sectors')\n"
    "\n"
    "For every municipality and year in the file its rows replace the\n"
    "store's. Importing the same file again changes nothing.\n";

static const char *const municipalities_usage =
    "usage: ilmava municipalities [--json]\n"
    "\n"
    "Lists the register: code, name, region, latest population and the years\n"
    "with inventory data.\n";

static const char *const inventory_usage =
    "usage: ilmava inventory MUNICIPALITY [--scope total|non_ets|hinku]\n"
    "                        [--from YEAR] [--to YEAR] [--json|--csv] [--lang fi|sv|en]\n"
    "\n"
    "Shows a municipality's emissions (kt CO2e) by year and sector, with\n"
    "totals, per-capita figures, the change since 2007 and 1990, and each\n"
    "sector's share. MUNICIPALITY is a code or a name.\n"
    "\n"
    "  --scope   total (default), non_ets (without EU-ETS), hinku (the rows\n"
    "            SYKE counts in the Hinku rule)\n"
    "  --lang    the table's language: fi (default), sv or en\n";

static const char *const sectors_usage =
    "usage: ilmava sectors\n"
    "\n"
    "Lists the emission sectors: key, names and SYKE's name.\n";

static const char *const demo_usage =
    "usage: ilmava demo\n"
    "\n"
    "Fills an empty store with three synthetic municipalities (an industrial\n"
    "town with a large EU-ETS plant, a mid-size city, a rural municipality),\n"
    "each with an inventory, a plan and measures. All of it is made up and\n"
    "marked so.\n";

int cmd_import(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        fputs(import_usage, stdout);
        return 0;
    }
    if (argc != 3)
        return cli_user_error("import: expects a kind and a FILE (see --help)");
    ilm_file_kind kind;
    if (strcmp(argv[1], "syke") == 0)
        kind = ILM_FILE_SYKE;
    else if (strcmp(argv[1], "municipalities") == 0)
        kind = ILM_FILE_MUNICIPALITIES;
    else if (strcmp(argv[1], "inventory") == 0)
        kind = ILM_FILE_INVENTORY;
    else
        return cli_user_error("import: unknown kind '%s': syke, municipalities or inventory",
                              argv[1]);
    ilm_store *s = NULL;
    int rc = cli_open_store(&s);
    if (rc)
        return rc;
    ilm_errors err = {0};
    ilm_import_stats st;
    ilm_import_info info = {0};
    rc = ilm_app_import(s, argv[2], NULL, kind, &st, &info, &err);
    ilm_store_close(s);
    if (rc)
        return cli_print_errors(argv[2], &err, rc);
    cli_printf("%s: %s, %lld lines%s\n", argv[2], ilm_file_kind_name(info.kind), info.lines,
               info.windows_1252 ? " (Windows-1252)" : "");
    cli_printf("rows: %lld added, %lld replaced, %lld unchanged, %lld removed\n", st.added,
               st.replaced, st.unchanged, st.removed);
    if (st.municipalities_added)
        cli_printf("municipalities added to the register: %lld\n", st.municipalities_added);
    return 0;
}

/* "1990, 2005-2024" */
/* The display width of UTF-8 text: its code points (the names here are
 * Latin letters, one column each). */
static int display_width(const char *s)
{
    int n = 0;
    for (; s && *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* Prints s padded with spaces to `width` display columns: on the right
 * (left-aligned) or, when `right`, on the left. */
static void print_padded(const char *s, int width, bool right)
{
    int pad = width - display_width(s);
    if (right)
        cli_printf("%*s%s", pad > 0 ? pad : 0, "", s ? s : "");
    else
        cli_printf("%s%*s", s ? s : "", pad > 0 ? pad : 0, "");
}

static void print_years(FILE *out, const int *y, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j + 1 < n && y[j + 1] == y[j] + 1)
            j++;
        cli_fprintf(out, "%s%d", i ? ", " : "", y[i]);
        if (j > i)
            cli_fprintf(out, "-%d", y[j]);
        i = j + 1;
    }
}

int cmd_municipalities(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        fputs(municipalities_usage, stdout);
        return 0;
    }
    bool json = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = true;
        else
            return cli_user_error("municipalities: unknown argument '%s'", argv[i]);
    }
    ilm_store *s = NULL;
    int rc = cli_open_store(&s);
    if (rc)
        return rc;
    ilm_errors err = {0};
    ilm_municipality *v = NULL;
    size_t n = 0;
    rc = ilm_store_municipalities(s, &v, &n, &err);
    ilm_store_close(s);
    if (rc)
        return cli_print_errors(NULL, &err, rc);
    if (json) {
        rc = cli_print_json(ilm_municipalities_to_json(v, n));
    } else {
        cli_printf("%-4s  %-28s %-22s %16s  %s\n", "code", "name", "region", "population",
                   "years with data");
        for (size_t i = 0; i < n; i++) {
            const ilm_municipality *m = &v[i];
            char pop[48] = "";
            if (m->population_year) {
                char g[32];
                snprintf(pop, sizeof pop, "%s (%d)", cli_group(g, sizeof g, m->population, 0),
                         m->population_year);
            }
            /* Padded by display width, so that Alajärvi lines up with Aura. */
            cli_printf("%-4s  ", m->code);
            print_padded(m->name_fi, 28, false);
            cli_printf(" ");
            print_padded(m->region_fi ? m->region_fi : "", 22, false);
            cli_printf(" ");
            print_padded(pop, 16, true);
            cli_printf("  ");
            print_years(stdout, m->years, m->n_years);
            cli_printf("%s\n", m->synthetic ? "  [synthetic]" : "");
        }
        cli_printf("%zu municipalities\n", n);
    }
    ilm_municipalities_free(v, n);
    return rc;
}

int cmd_sectors(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        fputs(sectors_usage, stdout);
        return 0;
    }
    if (argc != 1)
        return cli_user_error("sectors: unknown argument '%s'", argv[1]);
    ilm_store *s = NULL;
    int rc = cli_open_store(&s);
    if (rc)
        return rc;
    ilm_errors err = {0};
    ilm_sector *v = NULL;
    size_t n = 0;
    rc = ilm_store_sectors(s, &v, &n, &err);
    ilm_store_close(s);
    if (rc)
        return cli_print_errors(NULL, &err, rc);
    cli_printf("%-18s %-22s %s\n", "key", "SYKE", "English");
    for (size_t i = 0; i < n; i++) {
        cli_printf("%-18s ", v[i].key);
        print_padded(v[i].syke_name, 22, false);
        cli_printf(" %s\n", v[i].name_en);
    }
    ilm_sectors_free(v, n);
    return 0;
}

/* ---- inventory ---- */

/* The columns of the text table: one per stream present in the view. */
typedef struct column {
    const char *sector;
    bool ets;
} column;

static double cell(const ilm_inventory_view *v, int year, const column *c)
{
    for (size_t i = 0; i < v->n_rows; i++)
        if (v->rows[i].year == year && v->rows[i].ets == c->ets &&
            strcmp(v->rows[i].sector, c->sector) == 0)
            return v->rows[i].t;
    return 0;
}

static double year_total(const ilm_inventory_view *v, int year, bool *present)
{
    double t = 0;
    *present = false;
    for (size_t i = 0; i < v->n_rows; i++)
        if (v->rows[i].year == year) {
            t += v->rows[i].t;
            *present = true;
        }
    return t;
}

static double population_of(const ilm_inventory_view *v, int year)
{
    for (size_t i = 0; i < v->n_population; i++)
        if (v->population[i].year == year)
            return v->population[i].value;
    return 0;
}

static double published_of(const ilm_inventory_view *v, int year, bool *present)
{
    for (size_t i = 0; i < v->n_published; i++)
        if (v->published[i].year == year) {
            *present = true;
            return v->published[i].value;
        }
    *present = false;
    return 0;
}

/* The inventory table's words in fi, sv and en (--lang). */
typedef struct inventory_texts {
    const char *scope_names[3], *synthetic, *no_rows, *year, *total, *per_capita, *syke, *diff;
    const char *ets;    /* marks an EU-ETS column, on the heading's second line */
    const char *change; /* %d from %d to %s change (a signed number) */
    const char *shares; /* %d year */
    const char *note;
    const char *labels[13]; /* short sector labels, in sector_keys order */
    char decimal;           /* the decimal mark: a comma in fi and sv */
} inventory_texts;

static const char *const sector_keys[13] = {
    "electricity",    "electric_heating", "district_heating", "oil_heating",
    "other_heating",  "industry",         "machinery",        "road_transport",
    "rail_transport", "water_transport",  "agriculture",      "waste",
    "f_gases"};

static const inventory_texts inventory_fi = {
    {"kaikki päästöt (total)", "päästökaupan ulkopuoliset (non_ets)", "Hinku-laskenta (hinku)"},
    " [synteettinen aineisto]",
    "ei inventaarioriviä",
    "vuosi",
    "yhteensä",
    "t/as.",
    "SYKE yht.",
    "ero",
    "(PK)",
    "muutos %d-%d: %s %%\n",
    "osuudet %d:",
    "SYKE yht.: SYKEn julkaisema Hinku-laskennan kokonaissumma, jonka SYKE pyöristää erikseen; "
    "ero = sektorien summa - SYKE yht.\n",
    {"Sähkö", "Sähkölämm.", "Kaukolämpö", "Öljylämm.", "Muu lämm.", "Teollisuus", "Työkoneet",
     "Tieliik.", "Raideliik.", "Vesiliik.", "Maatalous", "Jätteet", "F-kaasut"},
    .decimal = ',',
};

static const inventory_texts inventory_sv = {
    {"alla utsläpp (total)", "utanför utsläppshandeln (non_ets)", "Hinku-beräkning (hinku)"},
    " [syntetiska data]",
    "inga inventeringsrader",
    "år",
    "totalt",
    "t/inv.",
    "SYKE tot.",
    "diff",
    "(ETS)",
    "förändring %d-%d: %s %%\n",
    "andelar %d:",
    "SYKE tot.: SYKE:s publicerade summa enligt Hinku-beräkningen, avrundad av SYKE för sig; "
    "diff = summan av sektorerna - SYKE tot.\n",
    {"Elförbr.", "Elvärme", "Fjärrvärme", "Oljevärme", "Övr. värme", "Industri", "Maskiner",
     "Vägtrafik", "Spårtrafik", "Sjötrafik", "Jordbruk", "Avfall", "F-gaser"},
    .decimal = ',',
};

static const inventory_texts inventory_en = {
    {"all emissions (total)", "without EU-ETS (non_ets)", "Hinku rule (hinku)"},
    " [synthetic data]",
    "no inventory rows",
    "year",
    "total",
    "t/cap",
    "SYKE total",
    "diff",
    "(ETS)",
    "change %d-%d: %s %%\n",
    "shares in %d:",
    "SYKE total: the published Hinku-rule total, rounded by SYKE on its own; "
    "diff = sum of sectors - SYKE total.\n",
    {"Elec. use", "El. heat", "Dist. heat", "Oil heat", "Oth. heat", "Industry", "Machinery",
     "Road", "Rail", "Water", "Agricult.", "Waste", "F-gases"},
    .decimal = '.',
};

/* A sector's short label in the table's language; the key itself when
 * the sector is not one of SYKE's thirteen. */
static const char *sector_label(const inventory_texts *t, const char *key)
{
    for (size_t i = 0; i < 13; i++)
        if (strcmp(key, sector_keys[i]) == 0)
            return t->labels[i];
    return key;
}

/* v with `decimals` decimals in the table's language: grouped as
 * cli_group does, with the language's decimal mark; `sign` adds + to a
 * positive number. Returns buf. */
static const char *inv_num(const inventory_texts *t, char *buf, size_t n, double v, int decimals,
                           bool sign)
{
    char grouped[30];
    cli_group(grouped, sizeof grouped, v, decimals);
    snprintf(buf, n, "%s%s", sign && v >= 0.05 ? "+" : "", grouped);
    for (char *p = buf; *p; p++)
        if (*p == '.')
            *p = t->decimal;
    return buf;
}

#define INV_COL 10 /* display columns of a sector column */

static void print_inventory_text(const ilm_municipality *m, const ilm_inventory_view *v,
                                 const inventory_texts *t)
{
    cli_printf("%s (%s)%s: %s, kt CO2e\n", m->name_fi, m->code, m->synthetic ? t->synthetic : "",
               t->scope_names[v->scope]);
    if (v->n_rows == 0) {
        cli_printf("%s\n", t->no_rows);
        return;
    }
    /* Streams in the view's order (sector order, then ets). */
    column *cols = calloc(v->n_rows, sizeof *cols);
    int *years = calloc(v->n_rows, sizeof *years);
    if (!cols || !years) {
        free(cols);
        free(years);
        fputs("ilmava: out of memory\n", stderr);
        return;
    }
    size_t nc = 0, ny = 0;
    for (size_t k = 0; k < v->n_sector_keys; k++)
        for (int ets = 0; ets <= 1; ets++)
            for (size_t i = 0; i < v->n_rows; i++)
                if (v->rows[i].ets == ets && strcmp(v->rows[i].sector, v->sector_keys[k]) == 0) {
                    cols[nc++] = (column){v->sector_keys[k], ets};
                    break;
                }
    for (size_t i = 0; i < v->n_rows; i++)
        if (ny == 0 || years[ny - 1] != v->rows[i].year)
            years[ny++] = v->rows[i].year;

    bool any_published = v->n_published > 0;
    bool any_ets = false;
    for (size_t c = 0; c < nc; c++)
        any_ets = any_ets || cols[c].ets;
    char g[32];
    /* Headings right-aligned by display width; an EU-ETS column carries
     * its mark on a second line. */
    print_padded(t->year, 5, false);
    for (size_t c = 0; c < nc; c++) {
        cli_printf(" ");
        print_padded(sector_label(t, cols[c].sector), INV_COL, true);
    }
    cli_printf(" ");
    print_padded(t->total, 9, true);
    cli_printf(" ");
    print_padded(t->per_capita, 7, true);
    if (any_published) {
        cli_printf("  ");
        print_padded(t->syke, 10, true);
        cli_printf(" ");
        print_padded(t->diff, 6, true);
    }
    cli_printf("\n");
    if (any_ets) {
        print_padded("", 5, false);
        for (size_t c = 0; c < nc; c++) {
            cli_printf(" ");
            print_padded(cols[c].ets ? t->ets : "", INV_COL, true);
        }
        cli_printf("\n");
    }
    for (size_t y = 0; y < ny; y++) {
        cli_printf("%-5d", years[y]);
        for (size_t c = 0; c < nc; c++)
            cli_printf(" %*s", INV_COL,
                       inv_num(t, g, sizeof g, cell(v, years[y], &cols[c]) / 1000, 1, false));
        bool present;
        double total = year_total(v, years[y], &present);
        double pop = population_of(v, years[y]);
        cli_printf(" %9s", inv_num(t, g, sizeof g, total / 1000, 1, false));
        if (pop > 0)
            cli_printf(" %7s", inv_num(t, g, sizeof g, total / pop, 1, false));
        else
            cli_printf(" %7s", "-");
        bool has_pub;
        double pub = published_of(v, years[y], &has_pub);
        if (has_pub) {
            char d[48];
            cli_printf("  %10s %6s", inv_num(t, g, sizeof g, pub / 1000, 1, false),
                       inv_num(t, d, sizeof d, (total - pub) / 1000, 1, false));
        }
        cli_printf("\n");
    }

    int last = years[ny - 1];
    bool present;
    double last_total = year_total(v, last, &present);
    const int refs[] = {2007, 1990};
    for (size_t r = 0; r < 2; r++) {
        bool has;
        double tr = year_total(v, refs[r], &has);
        if (has && tr > 0 && refs[r] != last)
            cli_printf(t->change, refs[r], last,
                       inv_num(t, g, sizeof g, 100.0 * (last_total / tr - 1), 1, true));
    }
    if (last_total > 0) {
        cli_printf(t->shares, last);
        for (size_t c = 0; c < nc; c++) {
            double tc = cell(v, last, &cols[c]);
            if (tc > 0)
                cli_printf(" %s%s%s %s %%;", sector_label(t, cols[c].sector),
                           cols[c].ets ? " " : "", cols[c].ets ? t->ets : "",
                           inv_num(t, g, sizeof g, 100.0 * tc / last_total, 1, false));
        }
        cli_printf("\n");
    }
    if (any_published)
        cli_printf("%s", t->note);
    free(cols);
    free(years);
}

static void print_inventory_csv(const ilm_inventory_view *v)
{
    cli_printf("year,sector,ets,t\n");
    for (size_t i = 0; i < v->n_rows; i++) {
        char num[32];
        /* Every CSV cell of text goes through the one safe cell writer. */
        char *sector = ilm_csv_cell(v->rows[i].sector, ',');
        cli_printf("%d,%s,%s,%s\n", v->rows[i].year, sector ? sector : "",
                   v->rows[i].ets ? "true" : "false", ilm_format_number(num, v->rows[i].t));
        free(sector);
    }
}

int cmd_inventory(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        fputs(inventory_usage, stdout);
        return 0;
    }
    const char *who = NULL;
    ilm_scope scope = ILM_SCOPE_TOTAL;
    long long from = 0, to = 0;
    bool json = false, csv = false;
    const inventory_texts *texts = &inventory_fi;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--json") == 0) {
            json = true;
        } else if (strcmp(a, "--csv") == 0) {
            csv = true;
        } else if (strcmp(a, "--lang") == 0) {
            if (i + 1 >= argc)
                return cli_user_error("inventory: --lang needs a value");
            const char *l = argv[++i];
            texts = strcmp(l, "fi") == 0   ? &inventory_fi
                    : strcmp(l, "sv") == 0 ? &inventory_sv
                    : strcmp(l, "en") == 0 ? &inventory_en
                                           : NULL;
            if (!texts)
                return cli_user_error("inventory: --lang: \"%s\" is not one of fi, sv, en", l);
        } else if (strcmp(a, "--scope") == 0 || strcmp(a, "--from") == 0 ||
                   strcmp(a, "--to") == 0) {
            if (i + 1 >= argc)
                return cli_user_error("inventory: %s needs a value", a);
            const char *val = argv[++i];
            int rc = 0;
            if (strcmp(a, "--scope") == 0) {
                if (ilm_scope_parse(val, &scope))
                    return cli_user_error("inventory: --scope: '%s' is not one of total, "
                                          "non_ets, hinku",
                                          val);
            } else {
                rc = cli_parse_int(a, val, ILM_MIN_YEAR, ILM_MAX_YEAR,
                                   strcmp(a, "--from") == 0 ? &from : &to);
            }
            if (rc)
                return rc;
        } else if (a[0] == '-' && a[1]) {
            return cli_user_error("inventory: unknown option '%s'", a);
        } else if (who) {
            return cli_user_error("inventory: expects one MUNICIPALITY, got '%s' too", a);
        } else {
            who = a;
        }
    }
    if (!who)
        return cli_user_error("inventory: expects a MUNICIPALITY (see --help)");
    if (json && csv)
        return cli_user_error("inventory: give --json or --csv, not both");
    if (from && to && from > to)
        return cli_user_error("inventory: --from %lld is after --to %lld", from, to);

    ilm_store *s = NULL;
    int rc = cli_open_store(&s);
    if (rc)
        return rc;
    ilm_errors err = {0};
    ilm_municipality m = {0};
    ilm_inventory_view v = {0};
    rc = ilm_store_municipality_find(s, who, &m, &err);
    if (!rc)
        rc = ilm_store_inventory(s, m.code, scope, (int)from, (int)to, &v, &err);
    ilm_store_close(s);
    if (rc) {
        ilm_municipality_clear(&m);
        return cli_print_errors(NULL, &err, rc);
    }
    if (json)
        rc = cli_print_json(ilm_inventory_to_json(&m, &v));
    else if (csv)
        print_inventory_csv(&v);
    else
        print_inventory_text(&m, &v, texts);
    ilm_inventory_view_clear(&v);
    ilm_municipality_clear(&m);
    return rc;
}

int cmd_demo(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        fputs(demo_usage, stdout);
        return 0;
    }
    if (argc != 1)
        return cli_user_error("demo: unknown argument '%s'", argv[1]);
    ilm_store *s = NULL;
    int rc = cli_open_store(&s);
    if (rc)
        return rc;
    ilm_errors err = {0};
    ilm_demo_stats st;
    rc = ilm_app_demo(s, &st, &err);
    ilm_store_close(s);
    if (rc)
        return cli_print_errors("demo", &err, rc);
    cli_printf("demo: %d synthetic municipalities, %lld inventory rows, %d plans, %d measures\n",
               st.municipalities, st.inventory_rows, st.plans, st.measures);
    return 0;
}
