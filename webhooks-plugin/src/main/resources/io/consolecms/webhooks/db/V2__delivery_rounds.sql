-- A redelivery renews a delivery's attempt budget while its attempt count keeps growing (attempt numbers stay unique):
-- round_start is the attempt count at which the current budget began.
ALTER TABLE webhook_deliveries ADD COLUMN round_start INT DEFAULT 0 NOT NULL;
