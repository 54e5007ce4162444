-- Face recognition. No picture is ever stored: only the averaged embedding
-- of the enrolment frames (128 floats), sealed with the server key.
CREATE TABLE face_templates (
    user_id      BLOB PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    template_enc TEXT NOT NULL,
    frames       INTEGER NOT NULL,
    created_at   BIGINT NOT NULL
);

-- One face attempt: a server-issued challenge that lives 30 seconds, is
-- used once, and belongs to the session (or API credential) that opened it.
-- memory_enc holds, sealed, what the liveness and enrolment checks need
-- from earlier frames (embeddings and landmarks, never pixels).
CREATE TABLE face_attempts (
    id_hash         TEXT PRIMARY KEY NOT NULL,
    user_id         BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    owner_id        BLOB NOT NULL,
    purpose         TEXT NOT NULL,
    -- open, passed, used, failed, expired, abandoned
    state           TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL,
    frames          INTEGER NOT NULL DEFAULT 0,
    good_frames     INTEGER NOT NULL DEFAULT 0,
    mismatches      INTEGER NOT NULL DEFAULT 0,
    first_good_at   BIGINT,
    memory_enc      TEXT,
    version         INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX face_attempts_user ON face_attempts (user_id, created_at);
