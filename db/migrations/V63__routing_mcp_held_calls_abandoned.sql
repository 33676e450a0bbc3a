-- Issue 18 review: a held call whose client left is `abandoned` (it neither counts toward the key's
-- bound nor runs when approved later). A call that leaves `held`/`approved` for a final state keeps
-- no arguments here any more (`arguments` is emptied in the same conditional update): its final
-- `mcp.tool_call` event keeps them under the tenant's retention; this table has no retention of
-- its own. Rows decided before this migration are emptied the same way.
ALTER TABLE routing_mcp_held_calls DROP CONSTRAINT routing_mcp_held_calls_status_check;
ALTER TABLE routing_mcp_held_calls ADD CONSTRAINT routing_mcp_held_calls_status_check
    CHECK (status IN ('held', 'approved', 'refused', 'expired', 'completed', 'abandoned'));
UPDATE routing_mcp_held_calls SET arguments = '{}'::jsonb
    WHERE status IN ('refused', 'expired', 'completed');
