-- The prompt registry (module prompts). Versions are immutable; labels point at published versions
-- (optionally splitting traffic with a canary version). Only publishing an approved change request
-- (or a break-glass rollback, or demo seed data) writes here.
CREATE TABLE prompts_prompts (
    id           uuid        PRIMARY KEY,
    tenant_id    uuid        NOT NULL,
    name         text        NOT NULL CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,99}$'),
    live_version integer,
    live_label   text,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    version      bigint      NOT NULL DEFAULT 0,
    UNIQUE (tenant_id, name)
);

CREATE TABLE prompts_versions (
    id              uuid        PRIMARY KEY,
    prompt_id       uuid        NOT NULL REFERENCES prompts_prompts (id),
    tenant_id       uuid        NOT NULL,
    version         integer     NOT NULL CHECK (version >= 1),
    messages        text        NOT NULL,
    variables       text        NOT NULL,
    route           text        NOT NULL,
    parameters      text        NOT NULL,
    content_hash    text        NOT NULL,
    published_label text        NOT NULL,
    change_id       uuid,
    created_by      text        NOT NULL,
    created_at      timestamptz NOT NULL,
    UNIQUE (prompt_id, version)
);

CREATE INDEX prompts_versions_hash ON prompts_versions (prompt_id, content_hash);

CREATE TABLE prompts_labels (
    prompt_id      uuid        NOT NULL REFERENCES prompts_prompts (id),
    label          text        NOT NULL CHECK (label ~ '^[a-z][a-z0-9-]{0,39}$'),
    tenant_id      uuid        NOT NULL,
    version        integer     NOT NULL,
    canary_version integer,
    canary_percent integer     NOT NULL DEFAULT 0 CHECK (canary_percent BETWEEN 0 AND 99),
    change_id      uuid,
    updated_by     text        NOT NULL,
    updated_at     timestamptz NOT NULL,
    PRIMARY KEY (prompt_id, label),
    CHECK ((canary_version IS NULL) = (canary_percent = 0))
);

-- One counter bumped by every publish or rollback: each instance polls it (a one-row read) and drops
-- its cache of published prompts when it moves, so all instances see a change within seconds.
CREATE TABLE prompts_generation (
    id         integer PRIMARY KEY CHECK (id = 1),
    generation bigint  NOT NULL
);
INSERT INTO prompts_generation (id, generation) VALUES (1, 0);

GRANT SELECT, INSERT, UPDATE ON prompts_prompts TO ${app_role};
GRANT SELECT, INSERT ON prompts_versions TO ${app_role};
GRANT SELECT, INSERT, UPDATE ON prompts_labels TO ${app_role};
GRANT SELECT, UPDATE ON prompts_generation TO ${app_role};
