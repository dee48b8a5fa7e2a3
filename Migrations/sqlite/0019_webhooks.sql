-- Webhooks (`create_webhook`): a URL told about changes in the repositories, users and
-- organizations it watches (`watched`, JSON), for the domains it names (`repo`, `discussion`).
CREATE TABLE webhooks (
    id         TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    url        TEXT    NOT NULL,
    secret     TEXT,
    watched    TEXT    NOT NULL,
    domains    TEXT    NOT NULL,
    disabled   INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at INTEGER NOT NULL
);
CREATE INDEX webhooks_by_user ON webhooks (user_id);

-- Each payload on its way to a webhook, and how its attempts went: due while `next_attempt_at`
-- is set, delivered (`delivered_at`) or given up (neither) afterwards. The delivery log.
CREATE TABLE webhook_deliveries (
    id              INTEGER PRIMARY KEY,
    webhook_id      TEXT    NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    payload         TEXT    NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    status          INTEGER,
    error           TEXT,
    next_attempt_at INTEGER,
    delivered_at    INTEGER,
    created_at      INTEGER NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE next_attempt_at IS NOT NULL;
CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id, id);
