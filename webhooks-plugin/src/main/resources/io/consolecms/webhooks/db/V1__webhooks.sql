-- The webhooks plugin's tables. Times are epoch milliseconds (BIGINT) so that H2 and PostgreSQL agree exactly.

CREATE TABLE webhooks (
    id                   VARCHAR(24)     NOT NULL PRIMARY KEY,
    tenant_id            VARCHAR(64),
    project_id           VARCHAR(64),
    event_name           VARCHAR(64)     NOT NULL,
    target               VARCHAR(2048)   NOT NULL,
    base64_ca            VARCHAR(200000),
    secret               VARCHAR(256),
    proxy_url            VARCHAR(2048),
    state                VARCHAR(8)      NOT NULL,
    created_at           BIGINT          NOT NULL,
    updated_at           BIGINT          NOT NULL,
    creator_id           VARCHAR(128)    NOT NULL,
    updater_id           VARCHAR(128)    NOT NULL,
    last_delivery_status VARCHAR(16),
    last_delivery_at     BIGINT,
    last_delivery_event  VARCHAR(64),
    last_delivery_code   INT
);

-- Matching an event is an indexed lookup: event name and state first, then the scope columns.
CREATE INDEX webhooks_match ON webhooks (event_name, state, tenant_id, project_id);

CREATE TABLE webhook_events (
    id              VARCHAR(32)  NOT NULL PRIMARY KEY,
    event_name      VARCHAR(64)  NOT NULL,
    event_timestamp BIGINT       NOT NULL,
    body            BYTEA        NOT NULL,
    created_at      BIGINT       NOT NULL
);

CREATE TABLE webhook_deliveries (
    id               VARCHAR(32)   NOT NULL PRIMARY KEY,
    webhook_id       VARCHAR(24)   NOT NULL,
    event_id         VARCHAR(32)   NOT NULL REFERENCES webhook_events (id),
    event_name       VARCHAR(64)   NOT NULL,
    status           VARCHAR(16)   NOT NULL,
    attempts         INT           NOT NULL,
    next_attempt_at  BIGINT,
    lease_owner      VARCHAR(64),
    lease_expires_at BIGINT,
    last_status_code INT,
    last_error       VARCHAR(1024),
    created_at       BIGINT        NOT NULL,
    updated_at       BIGINT        NOT NULL
);

CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id, created_at);

CREATE TABLE webhook_attempts (
    delivery_id   VARCHAR(32)   NOT NULL REFERENCES webhook_deliveries (id),
    attempt_no    INT           NOT NULL,
    at            BIGINT        NOT NULL,
    duration_ms   BIGINT        NOT NULL,
    status_code   INT,
    error         VARCHAR(1024),
    response_body VARCHAR(4096),
    PRIMARY KEY (delivery_id, attempt_no)
);
