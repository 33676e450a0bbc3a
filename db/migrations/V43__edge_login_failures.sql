-- Failed logins per (lower-cased username, client address): five in fifteen minutes lock that pair
-- out for fifteen minutes; the failures of a username from all addresses only slow its logins down,
-- so nobody can lock a user out from somewhere else (docs/security.md). Attempts are counted before
-- the password is checked; a success deletes its row. Unknown usernames are counted too.
CREATE TABLE edge_login_failures (
    username     text        NOT NULL,
    client       text        NOT NULL,
    failures     integer     NOT NULL CHECK (failures >= 0),
    window_start timestamptz NOT NULL,
    locked_until timestamptz,
    PRIMARY KEY (username, client)
);
CREATE INDEX edge_login_failures_window ON edge_login_failures (window_start);

GRANT SELECT, INSERT, UPDATE, DELETE ON edge_login_failures TO ${app_role};

-- edge_users.failed_logins and edge_users.locked_until are no longer read or written; they stay so
-- that instances of the previous version keep working during a rolling upgrade.
COMMENT ON COLUMN edge_users.failed_logins IS 'unused since V43 (see edge_login_failures)';
COMMENT ON COLUMN edge_users.locked_until IS 'unused since V43 (see edge_login_failures)';
