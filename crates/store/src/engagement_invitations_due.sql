-- The engagement invitation expiry sweep: PENDING invitations by expiry.
CREATE INDEX engagement_invitations_due ON engagement_invitations (status, expires_at);
