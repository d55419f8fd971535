-- The Selling API's partner solutions: the document next to the columns
-- ListSolutions filters, sorts and pages on, each sort column indexed behind
-- (catalog, owner). Names and categories are stored as lower-case
-- hexadecimal UTF-8, which both backends order byte by byte.
CREATE TABLE solutions (
    catalog TEXT NOT NULL, id TEXT NOT NULL, owner TEXT NOT NULL,
    name_key TEXT NOT NULL, status TEXT NOT NULL, category_key TEXT NOT NULL,
    created_at BIGINT NOT NULL, marketplace_arn TEXT NOT NULL DEFAULT '',
    doc TEXT NOT NULL,
    PRIMARY KEY (catalog, id)
);
CREATE INDEX solutions_by_id ON solutions (catalog, owner, id);
CREATE INDEX solutions_by_name ON solutions (catalog, owner, name_key, id);
CREATE INDEX solutions_by_status ON solutions (catalog, owner, status, id);
CREATE INDEX solutions_by_category ON solutions (catalog, owner, category_key, id);
CREATE INDEX solutions_by_created ON solutions (catalog, owner, created_at, id);
