-- Password history (for the reuse rule) and SSH public keys.

-- Earlier password hashes of a user, newest first by created_at. The
-- current hash stays in users.password_hash.
CREATE TABLE password_history (
    id         BLOB PRIMARY KEY NOT NULL,
    user_id    BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    hash       TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX password_history_user ON password_history (user_id, created_at);

-- A user's SSH public keys. public_key is the key re-encoded by the server
-- (`<algorithm> <base64>`), never the pasted text.
CREATE TABLE ssh_keys (
    id                 BLOB PRIMARY KEY NOT NULL,
    user_id            BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name               TEXT NOT NULL,
    comment            TEXT NOT NULL DEFAULT '',
    public_key         TEXT NOT NULL,
    key_type           TEXT NOT NULL,
    bits               INTEGER NOT NULL,
    fingerprint_sha256 TEXT NOT NULL,
    fingerprint_md5    TEXT NOT NULL,
    is_active          BOOLEAN NOT NULL DEFAULT TRUE,
    date_created       BIGINT NOT NULL,
    date_last_used     BIGINT,
    UNIQUE (user_id, fingerprint_sha256)
);
CREATE INDEX ssh_keys_user ON ssh_keys (user_id, date_created);
