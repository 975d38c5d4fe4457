/* The demo data set: three made-up municipalities generated here, so that
 * a new user sees a working store without importing anything. Every figure
 * is synthetic and every municipality is marked so.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ilmava/app.h"

#define N_SECTORS 13

/* The sector keys of sectors.md, in the order of the figures below. */
static const char *const sector_keys[N_SECTORS] = {
    "electricity",    "electric_heating", "district_heating", "oil_heating",
    "other_heating",  "industry",         "machinery",        "road_transport",
    "rail_transport", "water_transport",  "agriculture",      "waste",
    "f_gases"};

typedef struct demo_measure {
    const char *id, *name, *sector;
    bool ets;
    int start, full;
    double share;      /* 0: absolute */
    double absolute_t;
    double low, high;  /* triangular range around the amount */
    double capex, opex, lifetime;
    ilm_control control;
    bool optional;
    ilm_status status;
    const char *responsible;
} demo_measure;

typedef struct demo_town {
    const char *code, *name_fi, *name_sv, *region_fi, *region_sv;
    double population_2005, population_growth; /* a year */
    double t2005[N_SECTORS];  /* non-ETS t in 2005 */
    double trend[N_SECTORS];  /* change a year, 2005-2024 */
    double ets_industry_2005; /* t of ETS industry, outside the Hinku rule */
    const char *plan_name;
    ilm_scope scope;
    int base_year, target_year;
    double reduction;
    const demo_measure *measures;
    size_t n_measures;
} demo_town;

static const demo_measure industrial_measures[] = {
    {"dh-biomass", "Kaukolämmön biokattila", "district_heating", false, 2026, 2028, 0.45, 0,
     0.35, 0.55, 9.0e6, 150e3, 25, ILM_CONTROL_STEER, false, ILM_STATUS_PLANNED,
     "Rautaniemen Energia Oy"},
    {"heat-pumps", "Kiinteistöjen lämpöpumput", "oil_heating", false, 2025, 2030, 0.6, 0,
     0.4, 0.7, 2.5e6, -300e3, 20, ILM_CONTROL_INFLUENCE, true, ILM_STATUS_IDEA,
     "Ympäristöpalvelut"},
    {"ev-fleet", "Kunnan autot sähköisiksi", "road_transport", false, 2025, 2028, 0, 900, 600,
     1100, 1.2e6, -60e3, 10, ILM_CONTROL_OWN, false, ILM_STATUS_ONGOING, "Hankintapalvelut"},
    {"bus-biogas", "Paikallisliikenne biokaasulle", "road_transport", false, 2027, 2029, 0.08,
     0, 0.05, 0.1, 1.8e6, 80e3, 15, ILM_CONTROL_STEER, true, ILM_STATUS_PLANNED,
     "Joukkoliikenne"},
    {"machinery-hvo", "Työkoneet uusiutuvalle dieselille", "machinery", false, 2025, 2026, 0.3,
     0, 0.2, 0.4, 0, 120e3, 0, ILM_CONTROL_STEER, true, ILM_STATUS_IDEA, "Tekninen toimi"},
    {"plant-electrification", "Tehtaan sähköistys (päästökauppa)", "industry", true, 2028,
     2032, 0.4, 0, 0.25, 0.5, 60e6, -1.0e6, 25, ILM_CONTROL_INFLUENCE, false,
     ILM_STATUS_PLANNED, "Elinkeinopalvelut"},
    {"landfill-gas", "Kaatopaikkakaasun talteenotto", "waste", false, 2025, 2026, 0.5, 0, 0.3,
     0.6, 400e3, 10e3, 15, ILM_CONTROL_OWN, true, ILM_STATUS_PLANNED, "Jätehuolto"},
};

static const demo_measure city_measures[] = {
    {"coal-exit", "Kivihiilestä luopuminen kaukolämmössä", "district_heating", false, 2025,
     2027, 0.55, 0, 0.45, 0.65, 40e6, 500e3, 30, ILM_CONTROL_STEER, false,
     ILM_STATUS_ONGOING, "Keskilahden Energia Oy"},
    {"oil-boilers", "Öljykattiloiden vaihto", "oil_heating", false, 2025, 2030, 0.7, 0, 0.5,
     0.8, 3.0e6, -400e3, 20, ILM_CONTROL_INFLUENCE, true, ILM_STATUS_PLANNED,
     "Rakennusvalvonta"},
    {"tram-bus", "Runkolinjat ja pyöräily", "road_transport", false, 2026, 2032, 0.12, 0, 0.06,
     0.15, 25e6, 1.5e6, 30, ILM_CONTROL_OWN, true, ILM_STATUS_IDEA, "Kaupunkiympäristö"},
    {"ev-charging", "Latausverkko", "road_transport", false, 2025, 2030, 0, 6000, 3000, 9000,
     4e6, 100e3, 15, ILM_CONTROL_STEER, false, ILM_STATUS_PLANNED, "Kaupunkiympäristö"},
    {"solar-roofs", "Aurinkosähkö kiinteistöihin", "electricity", false, 2025, 2029, 0.05, 0,
     0.03, 0.08, 6e6, -350e3, 25, ILM_CONTROL_OWN, true, ILM_STATUS_PLANNED,
     "Tilapalvelut"},
};

static const demo_measure rural_measures[] = {
    {"biogas-plant", "Maatilojen biokaasulaitos", "agriculture", false, 2027, 2029, 0.1, 0,
     0.05, 0.15, 3e6, 50e3, 20, ILM_CONTROL_INFLUENCE, true, ILM_STATUS_IDEA,
     "Elinvoimapalvelut"},
    {"wood-chips", "Hakelämpölaitos kirkonkylään", "oil_heating", false, 2025, 2026, 0.3, 0, 0.2,
     0.35, 1.2e6, -40e3, 25, ILM_CONTROL_OWN, false, ILM_STATUS_PLANNED, "Tekninen toimi"},
    {"school-transport", "Koulukuljetusten reitit ja sähköautot", "road_transport", false, 2026,
     2028, 0, 300, 150, 400, 0.3e6, -20e3, 10, ILM_CONTROL_OWN, true, ILM_STATUS_IDEA,
     "Sivistystoimi"},
    {"peat-fields", "Turvepeltojen vettäminen", "agriculture", false, 2026, 2035, 0.08, 0, 0.02,
     0.12, 0.8e6, 30e3, 30, ILM_CONTROL_INFLUENCE, true, ILM_STATUS_IDEA,
     "Maaseutupalvelut"},
};

static const demo_town towns[] = {
    {"901", "Rautaniemi (demo)", "Järnudden (demo)", "Demomaakunta", "Demolandskapet", 21500,
     -0.006,
     {52e3, 18e3, 61e3, 30e3, 12e3, 45e3, 16e3, 58e3, 2e3, 1e3, 9e3, 14e3, 6e3},
     {-0.05, -0.04, -0.035, -0.05, -0.01, -0.02, -0.005, -0.01, -0.02, 0, -0.005, -0.04, 0.01},
     820e3, "Ilmasto-ohjelma 2035 (demo)", ILM_SCOPE_NON_ETS, 2007, 2035, 0.7,
     industrial_measures, sizeof industrial_measures / sizeof industrial_measures[0]},
    {"902", "Keskilahti (demo)", "Mellanviken (demo)", "Demomaakunta", "Demolandskapet", 78000,
     0.006,
     {140e3, 40e3, 260e3, 60e3, 20e3, 30e3, 30e3, 150e3, 3e3, 2e3, 12e3, 30e3, 15e3},
     {-0.05, -0.04, -0.05, -0.06, -0.01, -0.03, -0.005, -0.012, -0.02, 0, -0.005, -0.04, 0.01},
     0, "Hiilineutraali Keskilahti 2030 (demo)", ILM_SCOPE_HINKU, 2007, 2030, 0.8,
     city_measures, sizeof city_measures / sizeof city_measures[0]},
    {"903", "Metsäkylä (demo)", "Skogsby (demo)", "Demomaakunta", "Demolandskapet", 5600,
     -0.012,
     {9e3, 6e3, 2e3, 9e3, 5e3, 3e3, 8e3, 21e3, 0, 0.5e3, 24e3, 3e3, 1e3},
     {-0.05, -0.04, -0.03, -0.05, -0.01, -0.01, -0.005, -0.01, 0, 0, -0.004, -0.04, 0.01},
     0, "Metsäkylän ilmastotiekartta (demo)", ILM_SCOPE_TOTAL, 2005, 2035, 0.6, rural_measures,
     sizeof rural_measures / sizeof rural_measures[0]},
};
#define N_TOWNS (sizeof towns / sizeof towns[0])

/* The synthetic figure of a sector in a year: the 2005 level on its trend,
 * with a small weather-like wobble; 1990 was 12 % above 2005. */
static double figure(double t2005, double trend, int year, int sector)
{
    if (year == 1990)
        return round(t2005 * 1.12);
    double wobble = 1.0 + 0.03 * sin(1.7 * year + 0.9 * sector);
    return round(t2005 * pow(1.0 + trend, year - 2005) * wobble);
}

static bool demo_year(int y) { return y == 1990 || (y >= 2005 && y <= 2024); }

static int import_towns(ilm_store *s, ilm_demo_stats *stats, ilm_errors *err)
{
    ilm_store_import *im = NULL;
    int rc = ilm_store_import_begin(s, "demo", "ilmava demo (synthetic)", &im, err);
    for (size_t i = 0; !rc && i < N_TOWNS; i++) {
        const demo_town *d = &towns[i];
        /* The two towns call themselves cities; the genitive names the
         * documents' titles ("Rautaniemen (demo) ilmastosuunnitelma"). */
        static const char *const genitive[] = {"Rautaniemen (demo)", "Keskilahden (demo)",
                                               "Metsäkylän (demo)"};
        ilm_municipality m = {.name_fi = (char *)d->name_fi, .name_sv = (char *)d->name_sv,
                              .region_fi = (char *)d->region_fi,
                              .region_sv = (char *)d->region_sv, .synthetic = true,
                              .city = i < 2, .city_given = true,
                              .name_fi_genitive = i < 3 ? (char *)genitive[i] : NULL};
        snprintf(m.code, sizeof m.code, "%s", d->code);
        rc = ilm_store_import_municipality(im, &m, true, err);
        for (int y = 1990; !rc && y <= 2024; y++) {
            if (!demo_year(y))
                continue;
            rc = ilm_store_import_population(
                im, d->code, y, round(d->population_2005 * pow(1 + d->population_growth, y - 2005)),
                err);
            for (int k = 0; !rc && k < N_SECTORS; k++) {
                double t = figure(d->t2005[k], d->trend[k], y, k);
                if (t <= 0)
                    continue;
                ilm_store_row row = {.year = y, .sector = sector_keys[k], .hinku = true, .t = t};
                snprintf(row.code, sizeof row.code, "%s", d->code);
                rc = ilm_store_import_row(im, &row, err);
                stats->inventory_rows++;
            }
            if (!rc && d->ets_industry_2005 > 0) {
                ilm_store_row row = {.year = y, .sector = "industry", .ets = true,
                                     .hinku = false,
                                     .t = figure(d->ets_industry_2005, -0.01, y, 99)};
                snprintf(row.code, sizeof row.code, "%s", d->code);
                rc = ilm_store_import_row(im, &row, err);
                stats->inventory_rows++;
            }
        }
        stats->municipalities++;
    }
    if (rc) {
        ilm_store_import_abort(im);
        return rc;
    }
    ilm_import_stats is;
    return ilm_store_import_commit(im, &is, err);
}

static int fill_measure(ilm_measure *m, const demo_measure *d)
{
    m->id = strdup(d->id);
    m->name = strdup(d->name);
    m->sector = strdup(d->sector);
    m->responsible = strdup(d->responsible);
    m->notes = strdup("Synteettinen esimerkki / Synthetic example");
    m->ets = d->ets;
    m->start = d->start;
    m->full = d->full;
    m->is_absolute = d->share == 0;
    m->amount = m->is_absolute ? d->absolute_t : d->share;
    m->has_range = true;
    m->range[0] = d->low;
    m->range[1] = m->amount;
    m->range[2] = d->high;
    m->capex = d->capex;
    m->opex = d->opex;
    m->lifetime = d->lifetime;
    m->control = d->control;
    m->optional = d->optional;
    m->status = d->status;
    return m->id && m->name && m->sector && m->responsible && m->notes ? 0 : ILM_ENOMEM;
}

static int save_plan(ilm_store *s, const demo_town *d, ilm_demo_stats *stats, ilm_errors *err)
{
    ilm_plan *p = ilm_plan_new();
    if (!p) {
        ilm_errors_add(err, "out of memory");
        return ILM_ENOMEM;
    }
    p->name = strdup(d->plan_name);
    p->municipality_code = strdup(d->code);
    p->municipality_name = strdup(d->name_fi);
    p->base_year = d->base_year;
    p->target_year = d->target_year;
    p->reduction = d->reduction;
    p->scope = d->scope;
    p->default_trend = -0.005;
    p->trend_sd = 0.005;
    p->draws = 20000;
    p->seed = 2026;
    p->measures = calloc(d->n_measures, sizeof *p->measures);
    int rc = p->name && p->municipality_code && p->municipality_name && p->measures
                 ? 0
                 : ILM_ENOMEM;
    for (size_t i = 0; !rc && i < d->n_measures; i++) {
        p->n_measures = i + 1;
        rc = fill_measure(&p->measures[i], &d->measures[i]);
    }
    if (rc == ILM_ENOMEM)
        ilm_errors_add(err, "out of memory");
    if (!rc)
        rc = ilm_app_attach_inventory(s, p, err);
    if (!rc)
        rc = ilm_plan_validate(p, err);
    int64_t id;
    if (!rc)
        rc = ilm_store_plan_save(s, p, &id, err);
    if (!rc) {
        stats->plans++;
        stats->measures += (int)p->n_measures;
    }
    ilm_plan_free(p);
    return rc;
}

int ilm_app_demo(ilm_store *s, ilm_demo_stats *stats, ilm_errors *err)
{
    memset(stats, 0, sizeof *stats);
    ilm_municipality *all = NULL;
    size_t n = 0;
    int rc = ilm_store_municipalities(s, &all, &n, err);
    if (rc)
        return rc;
    bool has_data = false;
    for (size_t i = 0; i < n; i++)
        has_data |= all[i].n_years > 0;
    ilm_municipalities_free(all, n);
    ilm_plan_summary *plans = NULL;
    size_t n_plans = 0;
    rc = ilm_store_plan_list(s, NULL, &plans, &n_plans, err);
    if (rc)
        return rc;
    ilm_plan_summaries_free(plans, n_plans);
    if (has_data || n_plans > 0) {
        ilm_errors_add(err, "the store already has inventories or plans; the demo fills "
                            "only an empty store (use a new --db file)");
        return ILM_EINVAL;
    }
    rc = import_towns(s, stats, err);
    for (size_t i = 0; !rc && i < N_TOWNS; i++)
        rc = save_plan(s, &towns[i], stats, err);
    return rc;
}
