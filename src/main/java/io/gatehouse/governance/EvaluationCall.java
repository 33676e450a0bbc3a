package io.gatehouse.governance;

import io.gatehouse.shared.TenantId;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;

/**
 * One case of an evaluation run against one side of a bound target (issue 23), handed to {@link
 * ChangeKind#evaluate}: a call through the real gateway path with {@code candidate} applied to that
 * call only (never to live traffic), or, when {@code candidate} is null, against what is live.
 *
 * @param tenant the golden set's (and the change's) tenant
 * @param requestId the id the gateway call gets (its audit event, lineage)
 * @param target the bound target (a prompt's, policy's or route's name)
 * @param candidate the change's content as stored (validated, normalized), or null for the live
 *     side
 * @param variables the case's prompt variables, or null
 * @param messages the case's chat messages ({role, content}), or null for a prompt binding whose
 *     own messages are the whole input
 * @param model a route alias (a policy binding's route), or null
 * @param of the run, case and side the call belongs to (recorded in its audit event)
 */
public record EvaluationCall(
        TenantId tenant,
        String requestId,
        String target,
        JsonObject candidate,
        JsonObject variables,
        JsonArray messages,
        String model,
        EvaluationOf of) {}
