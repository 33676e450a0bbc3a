-- Issue 23: golden sets and evaluation runs (module governance).
--
-- governance_golden_sets: every published version of a tenant's golden set (a change of kind
-- golden_set, target = the set's name). The highest version of a name is live; versions are never
-- updated. `binds` repeats content.binds as "<kind>:<target>" texts so that the triggers find the
-- live sets binding a change's kind and target without reading every set's content.
CREATE TABLE governance_golden_sets (
    tenant_id    uuid        NOT NULL,
    name         text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    version      integer     NOT NULL CHECK (version >= 1),
    content      text        NOT NULL,
    binds        text[]      NOT NULL,
    change_id    uuid        NOT NULL REFERENCES governance_changes (id),
    published_by text        NOT NULL,
    published_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, name, version)
);
CREATE INDEX governance_golden_sets_binds ON governance_golden_sets USING gin (binds);

-- governance_evaluation_runs: one run of one golden set version against one revision of a change
-- (its candidate) and against what is live. A durable job: `queued` until an instance claims it
-- (FOR UPDATE SKIP LOCKED), then `running` under that instance's lease (lease_owner, lease_until,
-- renewed by a heartbeat); a run whose lease lapsed is claimed again and resumes (the cases already
-- recorded in governance_evaluation_results are skipped). The final status is written only by the
-- lease's owner (WHERE lease_owner = me), so a run completes once.
CREATE TABLE governance_evaluation_runs (
    id                 uuid        PRIMARY KEY,
    tenant_id          uuid        NOT NULL,
    change_id          uuid        NOT NULL REFERENCES governance_changes (id),
    revision           integer     NOT NULL CHECK (revision >= 1),
    golden_set         text        NOT NULL,
    golden_set_version integer     NOT NULL,
    bound_kind         text        NOT NULL,
    bound_target       text        NOT NULL,
    trigger            text        NOT NULL CHECK (trigger IN ('submit', 'revise', 'rebase', 'on_demand')),
    requested_by       text        NOT NULL,
    request_id         text,
    status             text        NOT NULL
        CHECK (status IN ('queued', 'running', 'passed', 'failed', 'error')),
    lease_owner        text,
    lease_until        timestamptz,
    claims             integer     NOT NULL DEFAULT 0,
    summary            text,
    error              text,
    created_at         timestamptz NOT NULL DEFAULT now(),
    started_at         timestamptz,
    finished_at        timestamptz,
    FOREIGN KEY (tenant_id, golden_set, golden_set_version)
        REFERENCES governance_golden_sets (tenant_id, name, version)
);
CREATE INDEX governance_evaluation_runs_change ON governance_evaluation_runs (change_id, created_at);
CREATE INDEX governance_evaluation_runs_due ON governance_evaluation_runs (created_at)
    WHERE status IN ('queued', 'running');

-- One row per case and side (candidate, live) of a run, written once (INSERT ... ON CONFLICT DO
-- NOTHING): a resumed run skips what is recorded, and no case is recorded twice.
CREATE TABLE governance_evaluation_results (
    run_id        uuid        NOT NULL REFERENCES governance_evaluation_runs (id),
    case_id       text        NOT NULL,
    side          text        NOT NULL CHECK (side IN ('candidate', 'live')),
    tenant_id     uuid        NOT NULL,
    outcome       text        NOT NULL CHECK (outcome IN ('pass', 'fail', 'error')),
    output_sha256 text,
    scores        text        NOT NULL,
    status        integer     NOT NULL,
    policy        text,
    error         text,
    latency_ms    bigint      NOT NULL,
    input_tokens  bigint      NOT NULL,
    output_tokens bigint      NOT NULL,
    cost_micros   bigint      NOT NULL,
    request_id    text,
    recorded_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, case_id, side)
);

REVOKE ALL ON governance_golden_sets FROM PUBLIC;
REVOKE ALL ON governance_evaluation_runs FROM PUBLIC;
REVOKE ALL ON governance_evaluation_results FROM PUBLIC;
GRANT SELECT, INSERT ON governance_golden_sets TO ${app_role};
GRANT SELECT, INSERT, UPDATE ON governance_evaluation_runs TO ${app_role};
GRANT SELECT, INSERT ON governance_evaluation_results TO ${app_role};
