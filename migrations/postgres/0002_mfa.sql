-- Second factors, the MFA step of sign-in, re-authentication, lockout and
-- API tokens.

-- full: signed in; mfa: password accepted, second factor pending;
-- mfa_setup: MFA is required but none is bound yet, so binding is all it may do.
ALTER TABLE sessions ADD COLUMN stage TEXT NOT NULL DEFAULT 'full';
-- browser sessions, or the pending MFA state of an API client's sign-in
ALTER TABLE sessions ADD COLUMN channel TEXT NOT NULL DEFAULT 'browser';
-- re-authentication: until when, and with what ('password' or 'mfa')
ALTER TABLE sessions ADD COLUMN confirmed_until BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN confirmed_with TEXT NOT NULL DEFAULT '';
-- an API client that passed MFA may now collect its token
ALTER TABLE sessions ADD COLUMN mfa_passed BOOLEAN NOT NULL DEFAULT FALSE;

-- A bound authenticator: the seed sealed with the server key, and the last
-- step accepted (a code for that step or an earlier one never works again).
CREATE TABLE totp_secrets (
    user_id    UUID PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    secret_enc TEXT NOT NULL,
    last_step  BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);

-- A seed shown on the binding page, not yet confirmed; tied to the session.
CREATE TABLE totp_pending (
    session_id     UUID PRIMARY KEY NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    user_id        UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    secret_enc     TEXT NOT NULL,
    expires_at     BIGINT NOT NULL,
    -- set once the first code was right: the step it used
    verified_step  BIGINT,
    -- the new recovery codes' hashes (JSON), kept until the user saved them
    recovery_json  TEXT
);

CREATE TABLE recovery_codes (
    id         UUID PRIMARY KEY NOT NULL,
    user_id    UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash  TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE UNIQUE INDEX recovery_codes_hash ON recovery_codes (user_id, code_hash);

-- Failure counters and blocks: password:<name>, mfa:<user id>, ip:<address>.
CREATE TABLE auth_counters (
    key           TEXT PRIMARY KEY NOT NULL,
    failures      BIGINT NOT NULL,
    window_start  BIGINT NOT NULL,
    blocked_until BIGINT NOT NULL
);

-- Bearer tokens from the API sign-in; only the SHA-256 is stored.
CREATE TABLE api_tokens (
    id         UUID PRIMARY KEY NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    user_id    UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    confirmed_until BIGINT NOT NULL DEFAULT 0,
    confirmed_with  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);
