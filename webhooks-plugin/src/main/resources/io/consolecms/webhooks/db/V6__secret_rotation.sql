-- Secret rotation: the secret a rotation replaced keeps signing deliveries (next to the new one) until
-- previous_secret_until (epoch milliseconds). Sealed like secret, never returned.
ALTER TABLE webhooks ADD COLUMN previous_secret VARCHAR(2048);
ALTER TABLE webhooks ADD COLUMN previous_secret_until BIGINT;
