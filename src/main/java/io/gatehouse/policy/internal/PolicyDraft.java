package io.gatehouse.policy.internal;

import io.gatehouse.policy.internal.engine.CompiledPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A policy change's proposed content, attached to one exchange (a test call through the draft,
 * issue 21, see {@code routing.stage.OverriddenCalls}): {@link PolicyStage} evaluates it in place
 * of the tenant's live policy of the same name (or beside the live ones, for a new policy), for
 * that exchange only.
 *
 * @param changeId the change request whose content this is
 * @param policy the draft compiled, as its mode says (a shadow draft decides nothing)
 */
record PolicyDraft(UUID changeId, CompiledPolicy policy) {

    /**
     * How a draft's decisions are labelled: {@code <name>@change:<change id>/r<revision>}, naming
     * the revision that ran.
     */
    static String versionLabel(String name, UUID changeId, int revision) {
        return name + "@change:" + changeId + "/r" + revision;
    }

    /** The live policies with the draft in place of the tenant's one of its name. */
    List<CompiledPolicy> in(List<CompiledPolicy> live) {
        List<CompiledPolicy> out = new ArrayList<>(live.size() + 1);
        boolean replaced = false;
        for (CompiledPolicy p : live) {
            if (!p.global() && p.name().equals(policy.name())) {
                out.add(policy);
                replaced = true;
            } else {
                out.add(p);
            }
        }
        if (!replaced) {
            out.add(policy);
        }
        return out;
    }
}
