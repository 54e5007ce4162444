-- Assets, the accounts on them, asset permissions and connection tokens;
-- and the `component` role for the service accounts of components (SSH
-- terminal, RDP gateway, database proxy).

-- SQLite cannot alter a CHECK constraint, and rebuilding `users` inside the
-- migration's transaction would cascade-delete every row that refers to it
-- (`PRAGMA foreign_keys` cannot be switched off in a transaction). Widening
-- a CHECK changes nothing on disk, so the table's SQL is edited in place as
-- https://www.sqlite.org/lang_altertable.html#otheralter describes; the
-- tables created below change the schema version, so every connection reads
-- the new definition.
PRAGMA writable_schema = ON;
UPDATE sqlite_master
SET sql = replace(sql, 'CHECK (role IN (''admin'', ''user''))',
                       'CHECK (role IN (''admin'', ''user'', ''component''))')
WHERE type = 'table' AND name = 'users';
PRAGMA writable_schema = RESET;

-- protocols: JSON array of {"name": "ssh", "port": 22}.
CREATE TABLE assets (
    id           BLOB PRIMARY KEY NOT NULL,
    name         TEXT NOT NULL,
    -- lower(name): names are unique regardless of case
    name_key     TEXT NOT NULL UNIQUE,
    address      TEXT NOT NULL,
    platform     TEXT NOT NULL,
    protocols    TEXT NOT NULL DEFAULT '[]',
    is_active    BOOLEAN NOT NULL DEFAULT TRUE,
    comment      TEXT NOT NULL DEFAULT '',
    -- the database a database client opens (JumpServer's db_name)
    db_name      TEXT NOT NULL DEFAULT '',
    date_created BIGINT NOT NULL
);

-- The secret is given to components, so it is sealed with the server key,
-- never hashed; NULL when none is stored.
CREATE TABLE asset_accounts (
    id           BLOB PRIMARY KEY NOT NULL,
    asset_id     BLOB NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    username     TEXT NOT NULL,
    secret_type  TEXT NOT NULL DEFAULT 'password',
    secret_enc   TEXT,
    privileged   BOOLEAN NOT NULL DEFAULT FALSE,
    is_active    BOOLEAN NOT NULL DEFAULT TRUE,
    date_created BIGINT NOT NULL,
    UNIQUE (asset_id, name)
);

-- accounts, protocols and actions: JSON arrays of names (accounts may hold
-- the aliases @ALL, @USER, @INPUT, @ANON; protocols may hold "all").
CREATE TABLE asset_permissions (
    id           BLOB PRIMARY KEY NOT NULL,
    name         TEXT NOT NULL,
    name_key     TEXT NOT NULL UNIQUE,
    accounts     TEXT NOT NULL DEFAULT '[]',
    protocols    TEXT NOT NULL DEFAULT '["all"]',
    actions      TEXT NOT NULL DEFAULT '[]',
    is_active    BOOLEAN NOT NULL DEFAULT TRUE,
    date_start   BIGINT NOT NULL,
    date_expired BIGINT NOT NULL,
    comment      TEXT NOT NULL DEFAULT '',
    date_created BIGINT NOT NULL
);

CREATE TABLE asset_permission_users (
    permission_id BLOB NOT NULL REFERENCES asset_permissions (id) ON DELETE CASCADE,
    user_id       BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (permission_id, user_id)
);
CREATE INDEX asset_permission_users_user ON asset_permission_users (user_id);

CREATE TABLE asset_permission_assets (
    permission_id BLOB NOT NULL REFERENCES asset_permissions (id) ON DELETE CASCADE,
    asset_id      BLOB NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    PRIMARY KEY (permission_id, asset_id)
);
CREATE INDEX asset_permission_assets_asset ON asset_permission_assets (asset_id);

-- A token names the asset, the account (a name or an alias) and the
-- protocol; its value and a secret typed for @INPUT are sealed. A one-time
-- token is redeemed once: `redeemed_at` is set by a compare-and-set update.
CREATE TABLE connection_tokens (
    id               BLOB PRIMARY KEY NOT NULL,
    user_id          BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    asset_id         BLOB NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    account          TEXT NOT NULL,
    input_username   TEXT NOT NULL DEFAULT '',
    input_secret_enc TEXT,
    protocol         TEXT NOT NULL,
    connect_method   TEXT NOT NULL,
    connect_options  TEXT NOT NULL DEFAULT '{}',
    is_reusable      BOOLEAN NOT NULL DEFAULT FALSE,
    is_active        BOOLEAN NOT NULL DEFAULT TRUE,
    date_expired     BIGINT NOT NULL,
    date_created     BIGINT NOT NULL,
    remote_addr      TEXT NOT NULL DEFAULT '',
    value_enc        TEXT NOT NULL,
    redeemed_at      BIGINT
);
CREATE INDEX connection_tokens_user ON connection_tokens (user_id, date_created);
