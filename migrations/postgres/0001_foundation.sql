-- Accounts, sessions, the first-admin setup link, the authentication log and
-- admin settings. Times are milliseconds since the Unix epoch (BIGINT) on
-- every backend; ids are UUIDs (UUID here, 16-byte BLOBs in SQLite).

CREATE TABLE users (
    id                         UUID PRIMARY KEY NOT NULL,
    username                   TEXT NOT NULL,
    -- lower(username): usernames are unique regardless of case
    username_key               TEXT NOT NULL UNIQUE,
    name                       TEXT NOT NULL,
    email                      TEXT NOT NULL,
    email_key                  TEXT NOT NULL,
    phone                      TEXT,
    wechat                     TEXT NOT NULL DEFAULT '',
    role                       TEXT NOT NULL CHECK (role IN ('admin', 'user')),
    source                     TEXT NOT NULL DEFAULT 'local',
    is_active                  BOOLEAN NOT NULL DEFAULT TRUE,
    date_joined                BIGINT NOT NULL,
    last_login                 BIGINT,
    date_password_last_updated BIGINT,
    date_expired               BIGINT,
    comment                    TEXT NOT NULL DEFAULT '',
    -- argon2id PHC string; NULL for accounts that sign in elsewhere
    password_hash              TEXT,
    -- 0 off, 1 on, 2 forced by an admin
    mfa_level                  SMALLINT NOT NULL DEFAULT 0 CHECK (mfa_level IN (0, 1, 2))
);
CREATE INDEX users_email_key ON users (email_key);

-- Browser sessions. The cookie holds a random token; only its SHA-256 is here.
CREATE TABLE sessions (
    id           UUID PRIMARY KEY NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    user_id      UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    ip           TEXT,
    user_agent   TEXT,
    -- comma-separated factors proven in this session, e.g. "password,otp"
    factors      TEXT NOT NULL DEFAULT 'password'
);
CREATE INDEX sessions_user ON sessions (user_id);

-- One-time links that create the first administrator.
CREATE TABLE setup_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    expires_at BIGINT NOT NULL
);

-- Every authentication attempt, successful or not.
CREATE TABLE auth_events (
    id         UUID PRIMARY KEY NOT NULL,
    at         BIGINT NOT NULL,
    user_id    UUID REFERENCES users (id) ON DELETE SET NULL,
    username   TEXT NOT NULL,
    factor     TEXT NOT NULL,
    channel    TEXT NOT NULL,
    success    BOOLEAN NOT NULL,
    reason     TEXT NOT NULL DEFAULT '',
    ip         TEXT,
    user_agent TEXT
);
CREATE INDEX auth_events_user_at ON auth_events (user_id, at);
CREATE INDEX auth_events_at ON auth_events (at);

-- Admin settings by JumpServer name (SECURITY_MFA_AUTH, EMAIL_HOST, ...), as JSON.
CREATE TABLE settings (
    name       TEXT PRIMARY KEY NOT NULL,
    value      TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
