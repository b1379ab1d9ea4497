-- The admin UI lists webhooks by state (a tab), newest first, and counts every state at each load. With an index on
-- (state, created_at, id) both read a range of the states asked (the counts read the index alone) instead of every row.
CREATE INDEX webhooks_by_state ON webhooks (state, created_at, id);
