-- A number every change of the service row raises: a node reads it on each
-- call and parses the row (settings, clock, fault rules) only when it moved.
ALTER TABLE service_state ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;
