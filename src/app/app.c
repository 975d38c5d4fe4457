/* What a user does with the store: imports, plans and measures, each one
 * call that the command line and the HTTP API share.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ilmava/app.h"
#include "ilmava/io.h"

/* ---- imports: the readers' records into a store transaction ---- */

typedef struct import_ctx {
    ilm_store_import *im;
    ilm_file_kind kind;
    ilm_store *store;
    const char *only_code; /* NULL, or the one municipality the file may name */
} import_ctx;

/* An upload for one municipality must not touch another's data. */
static int check_code(const import_ctx *c, const char *code, ilm_errors *err)
{
    if (!c->only_code || strcmp(code, c->only_code) == 0)
        return 0;
    ilm_errors_addc(err, ILM_ERR_OTHER_MUNICIPALITY, "municipality",
                    "municipality %s: this import is for municipality %s only", code, c->only_code);
    ilm_errors_text(err, "value", code);
    ilm_errors_text(err, "expected", c->only_code);
    return ILM_EINVAL;
}

static int sink_municipality(void *user, const ilm_import_municipality *m, ilm_errors *err)
{
    import_ctx *c = user;
    int rc = check_code(c, m->code, err);
    if (rc)
        return rc;
    ilm_municipality rec = {0};
    snprintf(rec.code, sizeof rec.code, "%s", m->code);
    rec.name_fi = (char *)m->name_fi;
    rec.name_sv = (char *)m->name_sv;
    rec.region_code = (char *)m->region_code;
    rec.region_fi = (char *)m->region_fi;
    rec.region_sv = (char *)m->region_sv;
    rec.city = m->form == 2;
    rec.city_given = m->form != 0;
    rec.name_fi_genitive = (char *)m->name_fi_genitive;
    /* The register is the authority on names; a SYKE file only adds the
     * municipalities the register does not have yet. */
    return ilm_store_import_municipality(c->im, &rec, c->kind == ILM_FILE_MUNICIPALITIES, err);
}

static int sink_population(void *user, const char *code, int year, double n, ilm_errors *err)
{
    import_ctx *c = user;
    int rc = check_code(c, code, err);
    return rc ? rc : ilm_store_import_population(c->im, code, year, n, err);
}

static int sink_inventory(void *user, const ilm_import_inventory *r, ilm_errors *err)
{
    import_ctx *c = user;
    int rc = check_code(c, r->code, err);
    if (rc)
        return rc;
    ilm_store_row row = {.year = r->year, .sector = r->sector, .ets = r->ets,
                         .hinku = r->hinku, .t = r->t};
    snprintf(row.code, sizeof row.code, "%s", r->code);
    return ilm_store_import_row(c->im, &row, err);
}

static int sink_published(void *user, const char *code, int year, double t, ilm_errors *err)
{
    import_ctx *c = user;
    int rc = check_code(c, code, err);
    if (rc)
        return rc;
    return ilm_store_import_published_total(c->im, code, year, t, err);
}

static const char *kind_word(ilm_file_kind k)
{
    switch (k) {
    case ILM_FILE_MUNICIPALITIES: return "municipalities";
    case ILM_FILE_INVENTORY: return "inventory";
    default: return "syke";
    }
}

/* Reads with `read` (a file or a buffer) into one store transaction. */
static int import_with(ilm_store *s, const char *file_name, ilm_file_kind kind,
                       const char *only_code,
                       int (*read)(const void *src, size_t len, ilm_file_kind kind,
                                   const ilm_sector_name *names, size_t n,
                                   const ilm_import_sink *sink, ilm_import_info *info,
                                   ilm_errors *err),
                       const void *src, size_t len, ilm_import_stats *stats,
                       ilm_import_info *info, ilm_errors *err)
{
    memset(stats, 0, sizeof *stats);
    ilm_sector *sectors = NULL;
    size_t n_sectors = 0;
    int rc = ilm_store_sectors(s, &sectors, &n_sectors, err);
    if (rc)
        return rc;
    ilm_sector_name *names = calloc(n_sectors ? n_sectors : 1, sizeof *names);
    if (!names) {
        ilm_sectors_free(sectors, n_sectors);
        ilm_errors_add(err, "out of memory");
        return ILM_ENOMEM;
    }
    for (size_t i = 0; i < n_sectors; i++)
        names[i] = (ilm_sector_name){sectors[i].key, sectors[i].syke_name};

    import_ctx ctx = {.kind = kind, .store = s, .only_code = only_code};
    rc = ilm_store_import_begin(s, kind_word(kind), file_name, &ctx.im, err);
    if (rc == 0) {
        ilm_import_sink sink = {.user = &ctx,
                                .municipality = sink_municipality,
                                .population = sink_population,
                                .inventory = sink_inventory,
                                .published_total = sink_published};
        rc = read(src, len, kind, names, n_sectors, &sink, info, err);
        if (rc)
            ilm_store_import_abort(ctx.im);
        else
            rc = ilm_store_import_commit(ctx.im, stats, err);
    }
    free(names);
    ilm_sectors_free(sectors, n_sectors);
    return rc;
}

static int read_path(const void *src, size_t len, ilm_file_kind kind,
                     const ilm_sector_name *names, size_t n, const ilm_import_sink *sink,
                     ilm_import_info *info, ilm_errors *err)
{
    (void)len;
    return ilm_import_read(src, kind, names, n, sink, info, err);
}

static int read_buffer(const void *src, size_t len, ilm_file_kind kind,
                       const ilm_sector_name *names, size_t n, const ilm_import_sink *sink,
                       ilm_import_info *info, ilm_errors *err)
{
    return ilm_import_read_buffer(src, len, kind, names, n, sink, info, err);
}

int ilm_app_import(ilm_store *s, const char *path, const char *file_name, ilm_file_kind kind,
                   ilm_import_stats *stats, ilm_import_info *info, ilm_errors *err)
{
    return import_with(s, file_name ? file_name : path, kind, NULL, read_path, path, 0, stats,
                       info, err);
}

int ilm_app_import_buffer(ilm_store *s, const char *data, size_t len, const char *file_name,
                          ilm_file_kind kind, ilm_import_stats *stats,
                          ilm_import_info *info, ilm_errors *err)
{
    return import_with(s, file_name, kind, NULL, read_buffer, data, len, stats, info, err);
}

int ilm_app_import_for(ilm_store *s, const char *code, const char *data, size_t len,
                       const char *file_name, ilm_import_stats *stats, ilm_import_info *info,
                       ilm_errors *err)
{
    return import_with(s, file_name, ILM_FILE_INVENTORY, code, read_buffer, data, len, stats,
                       info, err);
}

/* ---- plans ---- */

static void free_inventory(ilm_plan *p)
{
    for (size_t i = 0; i < p->n_inventory; i++)
        free(p->inventory[i].sector);
    free(p->inventory);
    free(p->population);
    p->inventory = NULL;
    p->population = NULL;
    p->n_inventory = p->n_population = 0;
}

int ilm_app_attach_inventory(ilm_store *s, ilm_plan *p, ilm_errors *err)
{
    /* total and non_ets plans carry every stream: the model picks the
     * streams in scope. A Hinku plan carries only the Hinku rows. */
    ilm_inventory_view v = {0};
    ilm_scope scope = p->scope == ILM_SCOPE_HINKU ? ILM_SCOPE_HINKU : ILM_SCOPE_TOTAL;
    int rc = ilm_store_inventory(s, p->municipality_code, scope, 0, 0, &v, err);
    if (rc)
        return rc;
    free_inventory(p);
    p->inventory = calloc(v.n_rows ? v.n_rows : 1, sizeof *p->inventory);
    p->population = calloc(v.n_population ? v.n_population : 1, sizeof *p->population);
    bool oom = !p->inventory || !p->population;
    for (size_t i = 0; !oom && i < v.n_rows; i++) {
        ilm_inventory_row *r = &p->inventory[i];
        r->year = v.rows[i].year;
        r->ets = v.rows[i].ets;
        r->t = v.rows[i].t;
        r->sector = strdup(v.rows[i].sector);
        oom = !r->sector;
        p->n_inventory = i + 1;
    }
    for (size_t i = 0; !oom && i < v.n_population; i++)
        p->population[i] = (ilm_population_row){v.population[i].year, v.population[i].value};
    if (!oom)
        p->n_population = v.n_population;
    ilm_inventory_view_clear(&v);
    if (oom) {
        free_inventory(p);
        ilm_errors_add(err, "out of memory");
        return ILM_ENOMEM;
    }
    return 0;
}

int ilm_app_plan_new(ilm_store *s, const char *municipality, int base_year, int target_year,
                     double reduction, ilm_scope scope, const char *name, int64_t *id,
                     ilm_errors *err)
{
    ilm_municipality m = {0};
    int rc = ilm_store_municipality_find(s, municipality, &m, err);
    if (rc)
        return rc;
    ilm_plan *p = ilm_plan_new();
    if (!p) {
        ilm_municipality_clear(&m);
        ilm_errors_add(err, "out of memory");
        return ILM_ENOMEM;
    }
    p->municipality_code = strdup(m.code);
    p->municipality_name = strdup(m.name_fi);
    p->name = name ? strdup(name) : NULL;
    ilm_municipality_clear(&m);
    p->base_year = base_year;
    p->target_year = target_year;
    p->reduction = reduction;
    p->scope = scope;
    if (!p->municipality_code || !p->municipality_name || (name && !p->name)) {
        ilm_errors_add(err, "out of memory");
        rc = ILM_ENOMEM;
    }
    if (!rc)
        rc = ilm_app_attach_inventory(s, p, err);
    if (!rc && p->n_inventory == 0) {
        ilm_errors_addc(err, ILM_ERR_NO_INVENTORY, "municipality",
                        "%s (%s) has no inventory in the store: import its data first",
                        p->municipality_name, p->municipality_code);
        rc = ILM_EINVAL;
    }
    if (!rc)
        rc = ilm_plan_validate(p, err);
    if (!rc)
        rc = ilm_store_plan_save(s, p, id, err);
    ilm_plan_free(p);
    return rc;
}

/* Imports the document's municipality, inventory and population, as a
 * plan document has them, into the store. */
static int import_plan_inventory(ilm_store *s, const char *path, const ilm_plan *p,
                                 bool with_inventory, ilm_errors *err)
{
    ilm_store_import *im = NULL;
    int rc = ilm_store_import_begin(s, "plan", path, &im, err);
    if (rc)
        return rc;
    ilm_municipality m = {.name_fi = p->municipality_name};
    snprintf(m.code, sizeof m.code, "%s", p->municipality_code);
    rc = ilm_store_import_municipality(im, &m, false, err);
    for (size_t i = 0; with_inventory && !rc && i < p->n_inventory; i++) {
        const ilm_inventory_row *r = &p->inventory[i];
        ilm_store_row row = {.year = r->year, .sector = r->sector, .ets = r->ets,
                             .hinku = true, .t = r->t};
        snprintf(row.code, sizeof row.code, "%s", p->municipality_code);
        rc = ilm_store_import_row(im, &row, err);
    }
    for (size_t i = 0; with_inventory && !rc && i < p->n_population; i++)
        rc = ilm_store_import_population(im, p->municipality_code, p->population[i].year,
                                         p->population[i].n, err);
    if (rc) {
        ilm_store_import_abort(im);
        return rc;
    }
    ilm_import_stats stats;
    return ilm_store_import_commit(im, &stats, err);
}

int ilm_app_plan_import(ilm_store *s, const char *path, int64_t *id, ilm_errors *err)
{
    ilm_plan *p = NULL;
    int rc = ilm_plan_read_file(path, &p, err);
    if (rc)
        return rc;
    ilm_plan *stored = ilm_plan_clone(p);
    if (!stored) {
        ilm_plan_free(p);
        ilm_errors_add(err, "out of memory");
        return ILM_ENOMEM;
    }
    stored->store_id = 0;
    for (size_t i = 0; i < stored->n_measures; i++)
        stored->measures[i].store_id = 0;

    /* Does the store know the municipality, and have its inventory? */
    ilm_municipality m = {0};
    ilm_errors quiet = {0};
    bool known = ilm_store_municipality_find(s, p->municipality_code, &m, &quiet) == 0;
    ilm_municipality_clear(&m);
    rc = known ? ilm_app_attach_inventory(s, stored, err) : 0;
    bool has_data = known && stored->n_inventory > 0;
    if (!rc && has_data)
        rc = ilm_plan_validate(stored, err);
    if (!rc && !has_data)
        rc = import_plan_inventory(s, path, p, true, err);
    if (!rc)
        rc = ilm_store_plan_save(s, stored, id, err);
    ilm_plan_free(stored);
    ilm_plan_free(p);
    return rc;
}

/* ---- measures ---- */

/* Validates the edited plan on the store's inventory and saves it. */
static int save_checked(ilm_store *s, ilm_plan *p, ilm_errors *err)
{
    int rc = ilm_plan_validate(p, err);
    int64_t id;
    return rc ? rc : ilm_store_plan_save(s, p, &id, err);
}

/* A number of FIELD=VALUE: all of it, finite. */
static bool plan_number(const char *v, double *out)
{
    char *end = NULL;
    errno = 0;
    double x = v && *v ? strtod(v, &end) : NAN;
    if (!end || *end || errno || !isfinite(x))
        return false;
    *out = x;
    return true;
}

/* Sets trend.SECTOR to `rate`, or removes it when `remove`. */
static int plan_set_trend(ilm_plan *p, const char *sector, double rate, bool remove)
{
    for (size_t i = 0; i < p->n_trends; i++)
        if (strcmp(p->trends[i].sector, sector) == 0) {
            if (remove) {
                free(p->trends[i].sector);
                p->trends[i] = p->trends[--p->n_trends];
            } else {
                p->trends[i].rate = rate;
            }
            return 0;
        }
    if (remove)
        return 0;
    char *key = strdup(sector);
    ilm_trend *grown = key ? realloc(p->trends, (p->n_trends + 1) * sizeof *grown) : NULL;
    if (!grown) {
        free(key);
        return ILM_ENOMEM;
    }
    p->trends = grown;
    p->trends[p->n_trends++] = (ilm_trend){key, rate};
    return 0;
}

int ilm_app_plan_set(ilm_store *s, int64_t plan_id, const char *const *fields, size_t n,
                     ilm_errors *err)
{
    ilm_plan *p = NULL;
    int rc = ilm_store_plan_load(s, plan_id, &p, err);
    if (rc)
        return rc;
    for (size_t i = 0; !rc && i < n; i++) {
        const char *eq = strchr(fields[i], '=');
        if (!eq || eq == fields[i]) {
            ilm_errors_add(err, "\"%.60s\": expected FIELD=VALUE", fields[i]);
            rc = ILM_EINVAL;
            break;
        }
        char key[80];
        snprintf(key, sizeof key, "%.*s", (int)(eq - fields[i]), fields[i]);
        const char *v = eq + 1;
        double x = 0;
        bool num = plan_number(v, &x);
        if (strcmp(key, "name") == 0) {
            char *name = *v ? strdup(v) : NULL;
            if (*v && !name) {
                rc = ILM_ENOMEM;
                break;
            }
            free(p->name);
            p->name = name;
        } else if (strncmp(key, "trend.", 6) == 0 && key[6]) {
            if (*v && !num) {
                ilm_errors_add(err, "%s: \"%.40s\" is not a number", key, v);
                rc = ILM_EINVAL;
            } else {
                rc = plan_set_trend(p, key + 6, x, !*v);
            }
        } else if (strcmp(key, "default_trend") == 0 || strcmp(key, "trend_sd") == 0 ||
                   strcmp(key, "discount_rate") == 0 || strcmp(key, "draws") == 0 ||
                   strcmp(key, "seed") == 0) {
            bool whole = strcmp(key, "draws") == 0 || strcmp(key, "seed") == 0;
            if (!num || (whole && (x != floor(x) || x < 0 || x > 9007199254740991.0))) {
                ilm_errors_add(err, "%s: \"%.40s\" is not %s", key, v,
                               whole ? "a whole number >= 0" : "a number");
                rc = ILM_EINVAL;
            } else if (strcmp(key, "default_trend") == 0) {
                p->default_trend = x;
            } else if (strcmp(key, "trend_sd") == 0) {
                p->trend_sd = x;
            } else if (strcmp(key, "discount_rate") == 0) {
                p->discount_rate = x;
            } else if (strcmp(key, "draws") == 0) {
                p->draws = (int64_t)x;
            } else {
                p->seed = (uint64_t)x;
            }
        } else {
            ilm_errors_add(err,
                           "%s: not a plan field (name, default_trend, trend.SECTOR, trend_sd, "
                           "draws, seed, discount_rate)",
                           key);
            rc = ILM_EINVAL;
        }
    }
    if (rc == ILM_ENOMEM)
        ilm_errors_add(err, "out of memory");
    if (!rc)
        rc = save_checked(s, p, err);
    ilm_plan_free(p);
    return rc;
}

/* Measure edits name no plan version: each reads the plan, changes it
 * and saves it inside one write transaction (ilm_store_begin), so that
 * parallel edits are serialised by the store and never a version
 * conflict, and none undoes another. */
static int measure_add(ilm_store *s, int64_t plan_id, const ilm_measure_change *ch,
                       int64_t *measure_id, ilm_errors *err)
{
    ilm_plan *p = NULL;
    int rc = ilm_store_plan_load(s, plan_id, &p, err);
    if (rc)
        return rc;
    ilm_measure m;
    rc = ilm_measure_edit(NULL, ch, &m, err);
    if (rc) {
        ilm_plan_free(p);
        return rc;
    }
    char *key = strdup(m.id);
    ilm_measure *grown = key ? realloc(p->measures, (p->n_measures + 1) * sizeof *grown) : NULL;
    if (!grown) {
        free(key);
        ilm_measure_clear(&m);
        ilm_plan_free(p);
        ilm_errors_add(err, "out of memory");
        return ILM_ENOMEM;
    }
    p->measures = grown;
    p->measures[p->n_measures++] = m;
    rc = save_checked(s, p, err);
    ilm_plan_free(p);
    /* The new measure's id, from the stored plan. */
    if (!rc)
        rc = ilm_store_plan_load(s, plan_id, &p, err);
    if (!rc) {
        *measure_id = 0;
        for (size_t i = 0; i < p->n_measures; i++)
            if (strcmp(p->measures[i].id, key) == 0)
                *measure_id = p->measures[i].store_id;
        ilm_plan_free(p);
    }
    free(key);
    return rc;
}

/* Loads the plan of measure `measure_id` and finds the measure in it.
 * Callers hold the write transaction, so the plan cannot change between
 * this read and the save. */
static int load_measure(ilm_store *s, int64_t measure_id, ilm_plan **plan, size_t *index,
                        ilm_errors *err)
{
    int64_t plan_id;
    int rc = ilm_store_measure_plan(s, measure_id, &plan_id, err);
    if (rc)
        return rc;
    ilm_plan *p = NULL;
    rc = ilm_store_plan_load(s, plan_id, &p, err);
    if (rc)
        return rc;
    size_t i = 0;
    while (i < p->n_measures && p->measures[i].store_id != measure_id)
        i++;
    if (i == p->n_measures) { /* deleted between the two reads */
        ilm_plan_free(p);
        ilm_errors_add(err, "no measure %lld", (long long)measure_id);
        return ILM_ENOTFOUND;
    }
    *plan = p;
    *index = i;
    return 0;
}

static int measure_delete(ilm_store *s, int64_t measure_id, ilm_errors *err)
{
    ilm_plan *p = NULL;
    size_t i = 0;
    int rc = load_measure(s, measure_id, &p, &i, err);
    if (rc)
        return rc;
    ilm_measure_clear(&p->measures[i]);
    memmove(&p->measures[i], &p->measures[i + 1],
            (p->n_measures - i - 1) * sizeof *p->measures);
    p->n_measures--;
    rc = save_checked(s, p, err);
    ilm_plan_free(p);
    return rc;
}

static int measure_set(ilm_store *s, int64_t measure_id, const ilm_measure_change *ch,
                       ilm_errors *err)
{
    ilm_plan *p = NULL;
    size_t i = 0;
    int rc = load_measure(s, measure_id, &p, &i, err);
    if (rc)
        return rc;
    ilm_measure m;
    rc = ilm_measure_edit(&p->measures[i], ch, &m, err);
    if (!rc) {
        ilm_measure_clear(&p->measures[i]);
        p->measures[i] = m;
        rc = save_checked(s, p, err);
    }
    ilm_plan_free(p);
    return rc;
}

/* Ends the transaction of a measure edit: commits on success. */
static int measure_done(ilm_store *s, int rc, ilm_errors *err)
{
    if (rc) {
        ilm_store_rollback(s);
        return rc;
    }
    return ilm_store_commit(s, err);
}

int ilm_app_measure_add(ilm_store *s, int64_t plan_id, const ilm_measure_change *ch,
                        int64_t *measure_id, ilm_errors *err)
{
    int rc = ilm_store_begin(s, err);
    return rc ? rc : measure_done(s, measure_add(s, plan_id, ch, measure_id, err), err);
}

int ilm_app_measure_delete(ilm_store *s, int64_t measure_id, ilm_errors *err)
{
    int rc = ilm_store_begin(s, err);
    return rc ? rc : measure_done(s, measure_delete(s, measure_id, err), err);
}

int ilm_app_measure_set(ilm_store *s, int64_t measure_id, const ilm_measure_change *ch,
                        ilm_errors *err)
{
    int rc = ilm_store_begin(s, err);
    return rc ? rc : measure_done(s, measure_set(s, measure_id, ch, err), err);
}
