-- 002: accounts, sessions and the audit trail; plan versions and
-- publishing; a data version per municipality for result caches.
--
-- Applied by ilm_store_open in one transaction, after which user_version
-- is 2. Never edited once released (see 001_init.sql).
--
-- SPDX-License-Identifier: AGPL-3.0-or-later

-- Raised by every save and publish: a plan saved from an older version is
-- refused (someone else changed it meanwhile), and a cached result names
-- the version it was computed from.
ALTER TABLE plan ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1);
-- Readable by anyone, signed in or not.
ALTER TABLE plan ADD COLUMN published INTEGER NOT NULL DEFAULT 0 CHECK (published IN (0, 1));

-- Raised by every import that changes the municipality's inventory,
-- population or published totals, so that a cached result of any of its
-- plans can tell that it is stale without reading the data.
ALTER TABLE municipality ADD COLUMN data_version INTEGER NOT NULL DEFAULT 0;

-- Users sign in by email, stored lower-case (ASCII) so that the UNIQUE
-- constraint is case-insensitive. password_hash is an argon2id string made
-- by the application; the store never sees a password. AUTOINCREMENT: an
-- audit row names a user by number, which must never pass to another one.
CREATE TABLE user_account (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL UNIQUE
        CHECK (email <> '' AND length(CAST(email AS BLOB)) <= 254 AND email = lower(email)),
    role TEXT NOT NULL CHECK (role IN ('organiser', 'editor', 'viewer', 'expert')),
    password_hash TEXT NOT NULL CHECK (password_hash <> ''),
    disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at TEXT NOT NULL, -- UTC, ISO 8601
    updated_at TEXT NOT NULL
) STRICT;

-- The municipalities an editor, viewer or expert works on. An organiser
-- has none: the role covers every municipality.
CREATE TABLE user_municipality (
    user_id INTEGER NOT NULL REFERENCES user_account (id) ON DELETE CASCADE,
    municipality TEXT NOT NULL REFERENCES municipality (code),
    PRIMARY KEY (user_id, municipality)
) STRICT, WITHOUT ROWID;

-- Signed-in sessions, known only by a hash of the cookie's token, so that
-- a copy of the file does not let anyone sign in. Times are Unix seconds:
-- the expiry checks compare them on every request.
CREATE TABLE session (
    token_hash TEXT PRIMARY KEY CHECK (token_hash <> ''),
    user_id INTEGER NOT NULL REFERENCES user_account (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX session_by_user ON session (user_id);

-- Who changed what, written in the same transaction as the change. No
-- foreign keys: the trail outlives the plans, measures and users it names.
-- old_json and new_json are the record's stored columns before and after
-- (NULL when created / deleted), never a password hash.
CREATE TABLE audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL, -- UTC, ISO 8601
    actor TEXT NOT NULL CHECK (actor <> ''),
    action TEXT NOT NULL CHECK (action <> ''),
    municipality TEXT,
    plan_id INTEGER,
    measure_id INTEGER,
    old_json TEXT CHECK (old_json IS NULL OR json_valid(old_json)),
    new_json TEXT CHECK (new_json IS NULL OR json_valid(new_json))
) STRICT;

-- A municipality's or a plan's history, newest first, a page at a time.
CREATE INDEX audit_by_municipality ON audit (municipality, id);
CREATE INDEX audit_by_plan ON audit (plan_id, id);
