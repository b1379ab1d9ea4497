-- Settling a delivery is the writer's commonest work; two changes make it write less.
--
-- One index less. A settled delivery is never claimed, so its due_at now holds its creation time, and the claimable
-- index (status, due_at, created_at) also does what webhook_deliveries_by_status_age (status, created_at) did: the
-- retention reads the oldest settled deliveries of a status from it, and the pending gauge counts the pending range
-- and its oldest creation time from the index alone. Each delivery then moves in one index when it settles, not two,
-- and is inserted in one index less when it is stored.
--
-- The first attempt in the row. A delivery that succeeds at its first attempt, within an hour of its creation (most
-- deliveries), keeps that attempt in its own row (first_attempt_*) instead of a row of webhook_attempts; any other
-- attempt is a row of webhook_attempts, as before. The delivery log and the health read both.
DROP INDEX webhook_deliveries_by_status_age;
DROP INDEX webhook_deliveries_claimable;
UPDATE webhook_deliveries SET due_at = created_at WHERE status <> 'pending';
CREATE INDEX webhook_deliveries_claimable ON webhook_deliveries (status, due_at, created_at);
ALTER TABLE webhook_deliveries ADD COLUMN first_attempt_at BIGINT;
ALTER TABLE webhook_deliveries ADD COLUMN first_duration_ms BIGINT;
ALTER TABLE webhook_deliveries ADD COLUMN first_status_code INT;
ALTER TABLE webhook_deliveries ADD COLUMN first_response_body VARCHAR(4096);
