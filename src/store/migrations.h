/* The schema migrations embedded in the binary (generated from sql/ by
 * cmake/embed_sql.cmake). Migration i moves the schema from version i to
 * i + 1; their file names start with the version they create.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#ifndef ILM_STORE_MIGRATIONS_H
#define ILM_STORE_MIGRATIONS_H

#include <stddef.h>

typedef struct ilm_migration {
    const char *name; /* "001_init.sql" */
    const char *sql;
} ilm_migration;

extern const ilm_migration ilm_migrations[];
extern const size_t ilm_n_migrations;

#endif
