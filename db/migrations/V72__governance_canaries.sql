-- Issue 23: drift canaries (module governance).
--
-- A golden set whose content carries "canary" runs on a schedule against what is live. A scheduled
-- run is an evaluation run (governance_evaluation_runs, V66) without a change: trigger 'schedule',
-- change_id NULL, revision 0, bound_kind 'canary', bound_target the set's name, and the due time it
-- was enqueued for (scheduled_for). The unique index on (tenant, set, due time) makes the enqueue
-- happen once per due time whichever instance's scheduler gets there first (INSERT ... ON CONFLICT
-- DO NOTHING); the durable job machinery of V66 (claim, lease, heartbeat, resume) runs it.
ALTER TABLE governance_evaluation_runs ALTER COLUMN change_id DROP NOT NULL;
ALTER TABLE governance_evaluation_runs DROP CONSTRAINT governance_evaluation_runs_revision_check;
ALTER TABLE governance_evaluation_runs DROP CONSTRAINT governance_evaluation_runs_trigger_check;
ALTER TABLE governance_evaluation_runs ADD COLUMN scheduled_for timestamptz;
ALTER TABLE governance_evaluation_runs ADD CONSTRAINT governance_evaluation_runs_trigger_check
    CHECK (trigger IN ('submit', 'revise', 'rebase', 'on_demand', 'schedule'));
ALTER TABLE governance_evaluation_runs ADD CONSTRAINT governance_evaluation_runs_revision_check
    CHECK (CASE WHEN trigger = 'schedule'
                THEN change_id IS NULL AND revision = 0 AND scheduled_for IS NOT NULL
                ELSE change_id IS NOT NULL AND revision >= 1 AND scheduled_for IS NULL END);
CREATE UNIQUE INDEX governance_evaluation_runs_scheduled
    ON governance_evaluation_runs (tenant_id, golden_set, scheduled_for)
    WHERE scheduled_for IS NOT NULL;

-- One answer of a canary run: a case sent to one watched target (a route alias, or a binding's
-- live side). Written once (ON CONFLICT DO NOTHING): a resumed run skips what is recorded. The
-- answer's text is kept so that a run's answers can become the baseline the next runs are
-- compared with (the inputs are the set's own cases, not production traffic).
CREATE TABLE governance_canary_results (
    run_id        uuid        NOT NULL REFERENCES governance_evaluation_runs (id),
    case_id       text        NOT NULL,
    watch         text        NOT NULL,
    tenant_id     uuid        NOT NULL,
    route         text        NOT NULL,
    model         text        NOT NULL,
    outcome       text        NOT NULL CHECK (outcome IN ('pass', 'fail', 'error')),
    status        integer     NOT NULL,
    answer        text,
    error         text,
    latency_ms    bigint      NOT NULL,
    cost_micros   bigint      NOT NULL,
    request_id    text,
    recorded_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, case_id, watch)
);

-- The baseline per set, watched target and case: the first canary run's answers, or those of the
-- run an admin recorded (POST /api/v1/golden-sets/{name}/baseline replaces them).
CREATE TABLE governance_canary_baselines (
    tenant_id   uuid        NOT NULL,
    golden_set  text        NOT NULL,
    watch       text        NOT NULL,
    case_id     text        NOT NULL,
    answer      text        NOT NULL,
    run_id      uuid        NOT NULL REFERENCES governance_evaluation_runs (id),
    recorded_by text        NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, golden_set, watch, case_id)
);

-- The drift measures of one finished canary run, per route and model (JSON: passRate, distance,
-- meanLength, lengthChange, jsonValidRate, refusalRate, latencyP95Ms, costMicros, cases).
CREATE TABLE governance_canary_measures (
    run_id        uuid        NOT NULL REFERENCES governance_evaluation_runs (id),
    tenant_id     uuid        NOT NULL,
    golden_set    text        NOT NULL,
    route         text        NOT NULL,
    model         text        NOT NULL,
    scheduled_for timestamptz NOT NULL,
    measures      text        NOT NULL,
    recorded_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, route, model)
);
CREATE INDEX governance_canary_measures_series
    ON governance_canary_measures (tenant_id, golden_set, scheduled_for DESC);

-- Whether each measure of a set, route and model is past its threshold, as of the newest run that
-- said so: a drift event is written when it turns (by the one statement that turned it, so once
-- per crossing across instances), and a recovery when it turns back. An older run finishing late
-- does not turn it (as_of only moves forward).
CREATE TABLE governance_canary_drift (
    tenant_id  uuid        NOT NULL,
    golden_set text        NOT NULL,
    route      text        NOT NULL,
    model      text        NOT NULL,
    measure    text        NOT NULL,
    crossed    boolean     NOT NULL,
    changed    boolean     NOT NULL,
    value      double precision,
    threshold  double precision NOT NULL,
    run_id     uuid        NOT NULL,
    as_of      timestamptz NOT NULL,
    since      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, golden_set, route, model, measure)
);

REVOKE ALL ON governance_canary_results FROM PUBLIC;
REVOKE ALL ON governance_canary_baselines FROM PUBLIC;
REVOKE ALL ON governance_canary_measures FROM PUBLIC;
REVOKE ALL ON governance_canary_drift FROM PUBLIC;
GRANT SELECT, INSERT ON governance_canary_results TO ${app_role};
GRANT SELECT, INSERT, DELETE ON governance_canary_baselines TO ${app_role};
GRANT SELECT, INSERT ON governance_canary_measures TO ${app_role};
GRANT SELECT, INSERT, UPDATE ON governance_canary_drift TO ${app_role};
