-- due_at: when a pending delivery may next be claimed, its next attempt or, while a host holds its lease, the end of
-- that lease. Claims read the index (status, due_at) from its start; with next_attempt_at they read past every row
-- that hosts held in memory (up to a thousand per target) at each claim, which made claims cost more than deliveries.
ALTER TABLE webhook_deliveries ADD COLUMN due_at BIGINT;
UPDATE webhook_deliveries SET due_at = CASE
    WHEN lease_expires_at IS NOT NULL AND lease_expires_at > next_attempt_at THEN lease_expires_at
    ELSE next_attempt_at END
  WHERE status = 'pending';
CREATE INDEX webhook_deliveries_claimable ON webhook_deliveries (status, due_at);
DROP INDEX webhook_deliveries_due;
