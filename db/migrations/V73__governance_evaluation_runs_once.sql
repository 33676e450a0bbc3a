-- One queued or running evaluation run per change, revision and golden set (issue 23): two on-demand
-- requests at once for the same revision and set (or a request racing a submit's run) queue one run.
-- EvaluationRows.enqueue inserts ON CONFLICT DO NOTHING against this index and answers the run that
-- is already queued or running. Canary runs (trigger 'schedule', change_id NULL) are not concerned:
-- NULLs are distinct, and their own index (V72) makes each due time run once.
--
-- Runs queued twice before this index existed: the oldest of each group stays (a running one before
-- a queued one), the others end as 'error' with the reason, so that the index can be built.
WITH ranked AS (
    SELECT id,
           row_number() OVER (PARTITION BY change_id, revision, golden_set
                              ORDER BY (status = 'running') DESC, created_at, id) AS n
      FROM governance_evaluation_runs
     WHERE status IN ('queued', 'running') AND change_id IS NOT NULL
)
UPDATE governance_evaluation_runs r
   SET status = 'error', error = 'A duplicate of a run of the same revision and golden set',
       finished_at = now(), lease_until = NULL
  FROM ranked
 WHERE r.id = ranked.id AND ranked.n > 1;

CREATE UNIQUE INDEX governance_evaluation_runs_active_once
    ON governance_evaluation_runs (change_id, revision, golden_set)
    WHERE status IN ('queued', 'running');
