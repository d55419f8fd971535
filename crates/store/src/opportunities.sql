-- The Selling API's opportunities: the document next to the columns lists
-- filter, sort and page on, each sort column indexed behind (catalog, owner).
-- Absent text columns hold '' (sorted first); company names are stored as
-- lower-case hexadecimal UTF-8, which both backends order byte by byte.
CREATE TABLE opportunities (
    catalog TEXT NOT NULL, id TEXT NOT NULL, owner TEXT NOT NULL,
    created_at BIGINT NOT NULL, last_modified BIGINT NOT NULL,
    review_status TEXT NOT NULL DEFAULT '', stage TEXT NOT NULL DEFAULT '',
    company_key TEXT NOT NULL DEFAULT '', target_close_date TEXT NOT NULL DEFAULT '',
    doc TEXT NOT NULL,
    PRIMARY KEY (catalog, id)
);
CREATE INDEX opportunities_by_id ON opportunities (catalog, owner, id);
CREATE INDEX opportunities_by_modified ON opportunities (catalog, owner, last_modified, id);
CREATE INDEX opportunities_by_created ON opportunities (catalog, owner, created_at, id);
CREATE INDEX opportunities_by_company ON opportunities (catalog, owner, company_key, id);
CREATE INDEX opportunities_by_close ON opportunities (catalog, owner, target_close_date, id);
