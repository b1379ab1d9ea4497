-- A webhook's health (attempts per hour by outcome, latency percentiles) reads its attempts of the last hours: an
-- index range on (webhook_id, at) instead of a join through every delivery the webhook ever had.
ALTER TABLE webhook_attempts ADD COLUMN webhook_id VARCHAR(24);
UPDATE webhook_attempts SET webhook_id =
    (SELECT d.webhook_id FROM webhook_deliveries d WHERE d.id = webhook_attempts.delivery_id);
CREATE INDEX webhook_attempts_by_webhook ON webhook_attempts (webhook_id, at);
