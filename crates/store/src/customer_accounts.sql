-- The Selling API's customer accounts: the document next to the columns
-- SearchCustomerAccounts sorts and pages on, each sort column indexed behind
-- (catalog, owner). Company names are stored as lower-case hexadecimal
-- UTF-8, which both backends order byte by byte; absent scores as ''.
CREATE TABLE customer_accounts (
    catalog TEXT NOT NULL, id TEXT NOT NULL, owner TEXT NOT NULL,
    company_key TEXT NOT NULL, created_at BIGINT NOT NULL, last_modified BIGINT NOT NULL,
    engagement_score TEXT NOT NULL, solution_score TEXT NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (catalog, id)
);
CREATE INDEX customer_accounts_by_company ON customer_accounts (catalog, owner, company_key, id);
CREATE INDEX customer_accounts_by_created ON customer_accounts (catalog, owner, created_at, id);
CREATE INDEX customer_accounts_by_modified ON customer_accounts (catalog, owner, last_modified, id);
CREATE INDEX customer_accounts_by_engagement_score ON customer_accounts (catalog, owner, engagement_score, id);
CREATE INDEX customer_accounts_by_solution_score ON customer_accounts (catalog, owner, solution_score, id);
