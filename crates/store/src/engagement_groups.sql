-- Engagement groups of the Selling API (made by AWS's side through the admin
-- API): listed by the account each is curated for.
CREATE TABLE engagement_groups (
    catalog TEXT NOT NULL, id TEXT NOT NULL, account TEXT NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (catalog, id)
);
CREATE INDEX engagement_groups_by_account ON engagement_groups (catalog, account, id);
