-- GATEHOUSE_MODE=serve (the Kubernetes application pods) never connects as the owner: it checks as
-- the runtime role that this build's migrations have all been applied (by the migration Job) before
-- it becomes ready. Reading the history is all it needs; it cannot change it.
GRANT SELECT ON flyway_schema_history TO ${app_role};
