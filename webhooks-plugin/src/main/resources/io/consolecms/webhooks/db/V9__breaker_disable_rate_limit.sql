-- Auto-disable: failing_since is when the webhook's current streak of failed attempts began (NULL after a success);
-- a PUBLIC webhook failing since longer than CMS_WEBHOOKS_DISABLE_AFTER moves to DRAFT with a reason and a time.
ALTER TABLE webhooks ADD COLUMN failing_since BIGINT;
ALTER TABLE webhooks ADD COLUMN disabled_reason VARCHAR(512);
ALTER TABLE webhooks ADD COLUMN disabled_at BIGINT;
-- The sweep looks for failing webhooks only: an index, so that it never reads the whole table.
CREATE INDEX webhooks_failing ON webhooks (failing_since);
-- Deliveries per second, or NULL for no limit.
ALTER TABLE webhooks ADD COLUMN rate_limit INT;
