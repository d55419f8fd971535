-- The Selling API's engagements and their members. An engagement's context
-- types are kept as '|Type|Type|' so a list filters on them with LIKE; its
-- members are rows of engagement_members, which a member's list joins from.
CREATE TABLE engagements (
    catalog TEXT NOT NULL, id TEXT NOT NULL, created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL, modified_at BIGINT NOT NULL,
    context_types TEXT NOT NULL DEFAULT '|',
    doc TEXT NOT NULL,
    PRIMARY KEY (catalog, id)
);
CREATE INDEX engagements_by_creator ON engagements (catalog, created_by, created_at, id);
CREATE TABLE engagement_members (
    catalog TEXT NOT NULL, engagement_id TEXT NOT NULL, account TEXT NOT NULL,
    joined_at BIGINT NOT NULL, doc TEXT NOT NULL,
    PRIMARY KEY (catalog, engagement_id, account)
);
CREATE INDEX engagement_members_by_account ON engagement_members (catalog, account, engagement_id);
CREATE INDEX engagement_members_by_joining ON engagement_members (catalog, engagement_id, joined_at, account);
-- Invitations to join an engagement: listed by sender or by receiver, newest first.
-- A stored PENDING invitation past expires_at is EXPIRED (derived at read).
CREATE TABLE engagement_invitations (
    catalog TEXT NOT NULL, id TEXT NOT NULL, engagement_id TEXT NOT NULL,
    sender TEXT NOT NULL, receiver TEXT NOT NULL, status TEXT NOT NULL, payload_type TEXT NOT NULL,
    created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (catalog, id)
);
CREATE INDEX engagement_invitations_by_sender ON engagement_invitations (catalog, sender, created_at, id);
CREATE INDEX engagement_invitations_by_receiver ON engagement_invitations (catalog, receiver, created_at, id);
CREATE INDEX engagement_invitations_by_engagement ON engagement_invitations (catalog, engagement_id, receiver);
