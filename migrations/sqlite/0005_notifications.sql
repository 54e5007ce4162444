-- Email and SMS codes, a confirmed phone for SMS, message subscriptions,
-- the in-site inbox and the outbox that delivers everything else.

-- When the phone number was confirmed with a code sent to it; only a
-- confirmed number is used for SMS verification.
ALTER TABLE users ADD COLUMN phone_confirmed_at BIGINT;

-- One live code per user and purpose ('email', 'sms', 'phone_bind'). The
-- code is kept as a keyed hash; `target` is where it was sent.
CREATE TABLE verify_codes (
    user_id    BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL,
    target     TEXT NOT NULL,
    code_hash  TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    tries      INTEGER NOT NULL DEFAULT 0,
    used_at    BIGINT,
    PRIMARY KEY (user_id, purpose)
);

-- Where a user's notifications go, as a JSON array of backend names.
CREATE TABLE msg_subscriptions (
    user_id          BLOB PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    receive_backends TEXT NOT NULL
);

-- The in-site inbox.
CREATE TABLE site_messages (
    id           BLOB PRIMARY KEY NOT NULL,
    user_id      BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    subject      TEXT NOT NULL,
    message      TEXT NOT NULL,
    date_created BIGINT NOT NULL,
    read_at      BIGINT
);
CREATE INDEX site_messages_user ON site_messages (user_id, date_created);

-- Messages waiting for delivery by email or an IM robot. An instance claims
-- a row until `claimed_until` before sending it; a failure sets the next
-- attempt further away. Rows stay after delivery (`sent_at`) for a while.
CREATE TABLE outbox (
    id              BLOB PRIMARY KEY NOT NULL,
    user_id         BLOB REFERENCES users (id) ON DELETE CASCADE,
    backend         TEXT NOT NULL,
    recipient       TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    claimed_by      TEXT,
    claimed_until   BIGINT,
    sent_at         BIGINT,
    failed_at       BIGINT,
    last_error      TEXT
);
CREATE INDEX outbox_due ON outbox (sent_at, failed_at, next_attempt_at);
