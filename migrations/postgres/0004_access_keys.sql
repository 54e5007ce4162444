-- API access keys for HTTP Signature authentication. The secret must be
-- recoverable (HMAC needs it), so it is sealed with the server key, never
-- hashed; ip_group is a JSON array of allowlist entries.
CREATE TABLE access_keys (
    id             UUID PRIMARY KEY NOT NULL,
    user_id        UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    secret_enc     TEXT NOT NULL,
    ip_group       TEXT NOT NULL DEFAULT '["*"]',
    is_active      BOOLEAN NOT NULL DEFAULT TRUE,
    date_created   BIGINT NOT NULL,
    date_last_used BIGINT
);
CREATE INDEX access_keys_user ON access_keys (user_id, date_created);
