-- IAM users of an account and their policies (the document holds the
-- inline policies as given, the managed policies' names and a version that
-- every change raises). Key pairs name their user in their own document.
CREATE TABLE iam_users (
    account TEXT NOT NULL, name TEXT NOT NULL, doc TEXT NOT NULL,
    PRIMARY KEY (account, name)
);
