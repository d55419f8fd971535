-- The web console's admin-wide lists: a catalog's invitations and connections,
-- newest first (the order of the API's lists), whatever account they belong to.
-- Lists narrowed to one account use the API's per-participant listing tables.
CREATE INDEX connection_invitations_by_time ON connection_invitations (catalog, created_at DESC, id);
CREATE INDEX connections_by_time ON connections (catalog, created_at DESC, id);
