-- The Selling API's system settings: one document per account and catalog.
CREATE TABLE selling_settings (
    catalog TEXT NOT NULL, account TEXT NOT NULL, doc TEXT NOT NULL,
    PRIMARY KEY (catalog, account)
);
