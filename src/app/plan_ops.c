/* Operations on a whole stored plan that the browser asks for: copying it
 * (to compare scopes or targets side by side) and applying the optimiser's
 * answer to it as one audited change.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "ilmava/app.h"
#include "ilmava/model.h"

/* Whether `name` has something other than white space. */
static bool has_text(const char *name)
{
    for (const unsigned char *c = (const unsigned char *)name; c && *c; c++)
        if (!isspace(*c))
            return true;
    return false;
}

int ilm_app_plan_copy(ilm_store *s, int64_t id, const char *name, int64_t *new_id, ilm_errors *err)
{
    if (!has_text(name)) {
        ilm_errors_addc(err, ILM_ERR_REQUIRED, "name",
                        "name: required: the copy needs a name of its own");
        return ILM_EINVAL;
    }
    ilm_plan *p = NULL;
    int rc = ilm_store_plan_load(s, id, &p, err);
    if (rc)
        return rc;
    char *copy_name = strdup(name);
    if (!copy_name) {
        ilm_plan_free(p);
        ilm_errors_add(err, "out of memory");
        return ILM_ENOMEM;
    }
    free(p->name);
    p->name = copy_name;
    /* A new plan: not stored yet, not published, its measures new rows. */
    p->store_id = 0;
    p->version = 0;
    p->published = false;
    for (size_t i = 0; i < p->n_measures; i++)
        p->measures[i].store_id = 0;
    rc = ilm_store_plan_save(s, p, new_id, err);
    ilm_plan_free(p);
    return rc;
}

int ilm_app_plan_apply_optimum(ilm_store *s, int64_t id, int64_t version,
                               const ilm_optimize_options *opt, ilm_errors *err)
{
    ilm_plan *p = NULL;
    int rc = ilm_store_plan_load(s, id, &p, err);
    if (rc)
        return rc;
    if (p->version != version) {
        ilm_errors_add(err,
                       "plan %lld was changed by someone else: it is at version %lld, not "
                       "%lld; run the optimiser again",
                       (long long)id, (long long)p->version, (long long)version);
        ilm_plan_free(p);
        return ILM_ECONFLICT;
    }
    ilm_optimum *o = NULL;
    rc = ilm_optimize(p, opt, &o, err);
    const char **keep = NULL, **drop = NULL;
    size_t n_keep = 0, n_drop = 0;
    if (!rc) {
        keep = calloc(p->n_measures + 1, sizeof *keep);
        drop = calloc(p->n_measures + 1, sizeof *drop);
        if (!keep || !drop) {
            ilm_errors_add(err, "out of memory");
            rc = ILM_ENOMEM;
        }
    }
    for (size_t i = 0; !rc && i < p->n_measures; i++) {
        if (!p->measures[i].optional)
            continue;
        bool computed = true;
        for (size_t k = 0; k < o->n_not_computed; k++)
            if (o->not_computed[k].plan_index == i)
                computed = false;
        if (!computed)
            continue;
        if (o->keep[i])
            keep[n_keep++] = p->measures[i].id;
        else
            drop[n_drop++] = p->measures[i].id;
    }
    /* The store checks the version again inside its transaction. */
    if (!rc)
        rc = ilm_store_plan_apply_optimum(s, id, version, keep, n_keep, drop, n_drop, err);
    free(keep);
    free(drop);
    ilm_optimum_free(o);
    ilm_plan_free(p);
    return rc;
}
