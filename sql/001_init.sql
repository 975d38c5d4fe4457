-- 001: the first schema of the ilmava store, and the sector table.
--
-- Applied by ilm_store_open in one transaction, after which user_version
-- is 1. A migration is never edited once released: later changes go into
-- a new file 002_*.sql.
--
-- Every table is STRICT, so a value of the wrong type is refused rather
-- than stored as whatever it happens to be. Years are checked against
-- ILM_MIN_YEAR..ILM_MAX_YEAR of include/ilmava/plan.h.
--
-- SPDX-License-Identifier: AGPL-3.0-or-later

-- Marks the file as an ilmava store ('ilmv'), so that ilm_store_open can
-- tell it from another program's SQLite database.
PRAGMA application_id = 1768713590;

-- The emission sectors: data, not code (spec/sectors.md). `position` is
-- the display order; `syke_name` is SYKE's taso_3 name the readers map.
CREATE TABLE sector (
    key TEXT PRIMARY KEY CHECK (key <> '' AND key NOT GLOB '*[^a-z0-9_]*'),
    position INTEGER NOT NULL UNIQUE,
    name_fi TEXT NOT NULL,
    name_sv TEXT NOT NULL,
    name_en TEXT NOT NULL,
    syke_name TEXT NOT NULL UNIQUE,
    gpc TEXT NOT NULL
) STRICT;

INSERT INTO sector (key, position, name_fi, name_sv, name_en, syke_name, gpc) VALUES
    ('electricity', 1, 'Kulutussähkö', 'Förbrukningsel', 'Consumer electricity',
     'Kulutussähkö', 'I.1.2, I.2.2, I.3.2, I.5.2 (scope 2)'),
    ('electric_heating', 2, 'Sähkölämmitys', 'Eluppvärmning',
     'Electric heating (incl. ground-source heat pumps)', 'Sähkölämmitys',
     'I.1.2, I.2.2, I.5.2 (scope 2)'),
    ('district_heating', 3, 'Kaukolämpö', 'Fjärrvärme', 'District heating', 'Kaukolämpö',
     'I.1.2, I.2.2, I.3.2, I.5.2 (scope 2)'),
    ('oil_heating', 4, 'Öljylämmitys', 'Oljeuppvärmning', 'Oil heating', 'Öljylämmitys',
     'I.1.1, I.2.1, I.5.1'),
    ('other_heating', 5, 'Muu lämmitys', 'Övrig uppvärmning', 'Other heating (wood, gas, …)',
     'Muu lämmitys', 'I.1.1, I.2.1, I.5.1'),
    ('industry', 6, 'Teollisuus', 'Industri', 'Industry (fuels)', 'Teollisuus', 'I.3.1'),
    ('machinery', 7, 'Työkoneet', 'Arbetsmaskiner', 'Non-road machinery', 'Työkoneet', 'II.5'),
    ('road_transport', 8, 'Tieliikenne', 'Vägtrafik', 'Road transport', 'Tieliikenne', 'II.1'),
    ('rail_transport', 9, 'Raideliikenne', 'Spårtrafik', 'Rail transport', 'Raideliikenne',
     'II.2'),
    ('water_transport', 10, 'Vesiliikenne', 'Sjötrafik', 'Water transport', 'Vesiliikenne',
     'II.3'),
    ('agriculture', 11, 'Maatalous', 'Jordbruk', 'Agriculture', 'Maatalous', 'V.1, V.3'),
    ('waste', 12, 'Jätteiden käsittely', 'Avfallshantering', 'Waste treatment',
     'Jätteiden käsittely', 'III.1, III.2, III.4'),
    ('f_gases', 13, 'F-kaasut', 'F-gaser', 'F-gases', 'F-kaasut', 'IV.2');

-- The municipality register (Statistics Finland codes). `synthetic` marks
-- made-up municipalities (the demo), which every view must label.
CREATE TABLE municipality (
    code TEXT PRIMARY KEY CHECK (code GLOB '[0-9][0-9][0-9]'),
    name_fi TEXT NOT NULL CHECK (name_fi <> ''),
    name_sv TEXT,
    region_code TEXT CHECK (region_code GLOB '[0-9][0-9]'),
    region_fi TEXT,
    region_sv TEXT,
    synthetic INTEGER NOT NULL DEFAULT 0 CHECK (synthetic IN (0, 1))
) STRICT;

-- Provenance: one record per import that changed the store. Every stored
-- figure names the import it came from. The counts are those of
-- ilm_import_stats.
CREATE TABLE import (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind <> ''),
    file_name TEXT NOT NULL,
    imported_at TEXT NOT NULL, -- UTC, ISO 8601: 2025-01-31T12:00:00Z
    rows_added INTEGER NOT NULL,
    rows_replaced INTEGER NOT NULL,
    rows_unchanged INTEGER NOT NULL,
    rows_removed INTEGER NOT NULL,
    municipalities_added INTEGER NOT NULL,
    municipalities_updated INTEGER NOT NULL
) STRICT;

-- The primary keys below start with the municipality and the year, so one
-- municipality's figures are one contiguous range of each table (the
-- inventory view and a plan's load read nothing else), and an import's
-- comparison walks both sides in the same order.

CREATE TABLE population (
    municipality TEXT NOT NULL REFERENCES municipality (code) ON DELETE CASCADE,
    year INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 2200),
    n REAL NOT NULL CHECK (n >= 0),
    import_id INTEGER NOT NULL REFERENCES import (id),
    PRIMARY KEY (municipality, year)
) STRICT, WITHOUT ROWID;

-- One main-sector stream of a municipality in a year, split by SYKE's
-- Hinku rule: total = hinku 0 + hinku 1, the Hinku view = hinku 1 only.
CREATE TABLE inventory (
    municipality TEXT NOT NULL REFERENCES municipality (code) ON DELETE CASCADE,
    year INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 2200),
    sector TEXT NOT NULL REFERENCES sector (key),
    ets INTEGER NOT NULL CHECK (ets IN (0, 1)),
    hinku INTEGER NOT NULL CHECK (hinku IN (0, 1)),
    t REAL NOT NULL CHECK (t >= 0),
    import_id INTEGER NOT NULL REFERENCES import (id),
    PRIMARY KEY (municipality, year, sector, ets, hinku)
) STRICT, WITHOUT ROWID;

-- SYKE's published Hinku-rule total, kept beside the sum of the sectors:
-- the two differ by SYKE's rounding, and that difference is shown, never
-- hidden. No sign check: it is SYKE's figure as published.
CREATE TABLE published_total (
    municipality TEXT NOT NULL REFERENCES municipality (code) ON DELETE CASCADE,
    year INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 2200),
    t REAL NOT NULL,
    import_id INTEGER NOT NULL REFERENCES import (id),
    PRIMARY KEY (municipality, year)
) STRICT, WITHOUT ROWID;

-- Plans and measures carry user-visible numbers (plan show 3, measure set
-- 17), so AUTOINCREMENT: a deleted plan's or measure's number is never
-- given to another one, and an old reference cannot hit the wrong record.
CREATE TABLE plan (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    municipality TEXT NOT NULL REFERENCES municipality (code),
    name TEXT,
    base_year INTEGER NOT NULL,
    target_year INTEGER NOT NULL,
    reduction REAL NOT NULL,
    scope TEXT NOT NULL CHECK (scope IN ('total', 'non_ets', 'hinku')),
    default_trend REAL NOT NULL,
    trend_sd REAL NOT NULL,
    horizon INTEGER NOT NULL, -- 0: the target year
    discount_rate REAL NOT NULL,
    draws INTEGER NOT NULL CHECK (draws >= 0),
    seed INTEGER NOT NULL, -- the uint64 seed's bits as a signed 64-bit integer
    easy_max_eur_per_t REAL NOT NULL,
    hard_min_eur_per_t REAL NOT NULL,
    created_at TEXT NOT NULL, -- UTC, ISO 8601
    updated_at TEXT NOT NULL
) STRICT;

CREATE INDEX plan_by_municipality ON plan (municipality);

-- baseline.trend; `position` keeps the document's order.
CREATE TABLE plan_trend (
    plan_id INTEGER NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
    sector TEXT NOT NULL REFERENCES sector (key),
    position INTEGER NOT NULL,
    rate REAL NOT NULL,
    PRIMARY KEY (plan_id, sector)
) STRICT, WITHOUT ROWID;

-- `key` is the measure's id in the plan document; `id` is the store's
-- number, kept when the measure is edited or renamed. The range columns
-- are all NULL (no share_range / absolute_range) or all set.
CREATE TABLE measure (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id INTEGER NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    key TEXT NOT NULL CHECK (key <> ''),
    name TEXT,
    sector TEXT NOT NULL REFERENCES sector (key),
    ets INTEGER NOT NULL CHECK (ets IN (0, 1)),
    start_year INTEGER NOT NULL,
    full_year INTEGER NOT NULL,
    is_absolute INTEGER NOT NULL CHECK (is_absolute IN (0, 1)),
    amount REAL NOT NULL,
    range_low REAL,
    range_mode REAL,
    range_high REAL,
    capex REAL NOT NULL,
    opex REAL NOT NULL,
    lifetime REAL NOT NULL, -- 0: not given
    control TEXT NOT NULL CHECK (control IN ('own', 'steer', 'influence', 'none')),
    optional INTEGER NOT NULL CHECK (optional IN (0, 1)),
    status TEXT NOT NULL
        CHECK (status IN ('idea', 'planned', 'ongoing', 'done', 'cancelled')),
    responsible TEXT,
    notes TEXT,
    UNIQUE (plan_id, key), -- also the index that plan loads and cascades use
    CHECK ((range_low IS NULL) = (range_mode IS NULL)
           AND (range_mode IS NULL) = (range_high IS NULL))
) STRICT;
