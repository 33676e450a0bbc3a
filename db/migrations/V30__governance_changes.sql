-- Change requests and their four-eyes review (module governance). Content is JSON stored as text
-- (normalized by the kind's validate, secrets already sealed); it is never updated once submitted:
-- a new revision is a new row in governance_change_revisions and restarts the review.
CREATE TABLE governance_changes (
    id                uuid        PRIMARY KEY,
    tenant_id         uuid        NOT NULL,
    kind              text        NOT NULL CHECK (kind ~ '^[a-z][a-z0-9_-]{0,39}$'),
    target            text        NOT NULL CHECK (length(target) BETWEEN 1 AND 200),
    state             text        NOT NULL CHECK (state IN ('draft', 'in_review', 'approved', 'rejected',
                                      'changes_requested', 'published', 'superseded', 'withdrawn')),
    revision          integer     NOT NULL CHECK (revision >= 1),
    content           text        NOT NULL,
    base_version      text,
    diff              text        NOT NULL,
    risk              text        NOT NULL CHECK (risk IN ('LOW', 'HIGH')),
    author_id         text        NOT NULL,
    author_name       text        NOT NULL,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    submitted_at      timestamptz,
    published_at      timestamptz,
    published_by      text,
    published_version text,
    rollback_of       uuid        REFERENCES governance_changes (id),
    post_hoc_review   text        CHECK (post_hoc_review IN ('pending', 'done')),
    version           bigint      NOT NULL DEFAULT 0
);

CREATE INDEX governance_changes_tenant_state ON governance_changes (tenant_id, state, updated_at);
CREATE INDEX governance_changes_target ON governance_changes (tenant_id, kind, target, state);

-- Every revision's content as it was submitted: the history a reviewer can compare.
CREATE TABLE governance_change_revisions (
    change_id    uuid        NOT NULL REFERENCES governance_changes (id),
    revision     integer     NOT NULL,
    tenant_id    uuid        NOT NULL,
    content      text        NOT NULL,
    base_version text,
    diff         text        NOT NULL,
    risk         text        NOT NULL CHECK (risk IN ('LOW', 'HIGH')),
    created_by   text        NOT NULL,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (change_id, revision)
);

-- Review decisions. An approval counts only for the revision it was given to.
CREATE TABLE governance_reviews (
    id            uuid        PRIMARY KEY,
    change_id     uuid        NOT NULL REFERENCES governance_changes (id),
    tenant_id     uuid        NOT NULL,
    revision      integer     NOT NULL,
    reviewer_id   text        NOT NULL,
    reviewer_name text        NOT NULL,
    decision      text        NOT NULL CHECK (decision IN ('approve', 'reject', 'request_changes', 'post_hoc')),
    comment       text,
    created_at    timestamptz NOT NULL
);

CREATE INDEX governance_reviews_change ON governance_reviews (change_id, created_at);
-- Nobody approves the same revision twice, even if two requests race past the service's check.
CREATE UNIQUE INDEX governance_reviews_one_approval
    ON governance_reviews (change_id, revision, reviewer_id) WHERE decision = 'approve';

CREATE TABLE governance_comments (
    id          uuid        PRIMARY KEY,
    change_id   uuid        NOT NULL REFERENCES governance_changes (id),
    tenant_id   uuid        NOT NULL,
    author_id   text        NOT NULL,
    author_name text        NOT NULL,
    action      text        NOT NULL,
    body        text        NOT NULL CHECK (length(body) BETWEEN 1 AND 10000),
    created_at  timestamptz NOT NULL
);

CREATE INDEX governance_comments_change ON governance_comments (change_id, created_at);

-- How many distinct approvals a change needs, per tenant, kind ('*' for any kind) and risk class.
-- Without a row the defaults apply: LOW 1, HIGH 2.
CREATE TABLE governance_approval_policies (
    tenant_id          uuid        NOT NULL,
    kind               text        NOT NULL,
    risk               text        NOT NULL CHECK (risk IN ('LOW', 'HIGH')),
    required_approvals integer     NOT NULL CHECK (required_approvals BETWEEN 1 AND 5),
    updated_by         text        NOT NULL,
    updated_at         timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, kind, risk)
);

GRANT SELECT, INSERT, UPDATE ON governance_changes TO ${app_role};
GRANT SELECT, INSERT ON governance_change_revisions TO ${app_role};
GRANT SELECT, INSERT ON governance_reviews TO ${app_role};
GRANT SELECT, INSERT ON governance_comments TO ${app_role};
GRANT SELECT, INSERT, UPDATE, DELETE ON governance_approval_policies TO ${app_role};
