package io.gatehouse.governance.internal;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.AuditRecorder;
import io.gatehouse.audit.LineageKeys;
import io.gatehouse.governance.ChangeContext;
import io.gatehouse.governance.ContentDiff;
import io.gatehouse.governance.internal.persistence.ChangeRequestEntity;
import io.gatehouse.governance.internal.persistence.ChangeRevisionEntity;
import io.gatehouse.governance.internal.persistence.GoldenSetRows;
import io.gatehouse.governance.internal.persistence.JpaChangeRequests;
import io.gatehouse.shared.Caller;
import io.gatehouse.shared.DemoTenantReady;
import io.gatehouse.shared.JsonInput;
import io.gatehouse.shared.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * Demo mode (issue 23): the golden set {@code support-triage-basics}, bound to the demo prompt
 * {@code support-triage}, for tenant {@code demo}: three cases that pass against the sandbox
 * provider (which quotes the last user message) and the demo policy (which redacts e-mail
 * addresses), so that a reviewer in the demo sees evidence on a prompt change (docs/governance.md,
 * "Worked example in the demo"). Like the other seeds it is exempt from review: it is published as
 * version 1 through a change request authored and published by {@code seed} (the version table
 * names the change that made each version live), recorded in the audit trail with {@code seed:
 * true}. Runs on {@link DemoTenantReady}.
 */
@ApplicationScoped
public class DemoGoldenSetSeed {
    private static final Logger LOG = Logger.getLogger(DemoGoldenSetSeed.class.getName());
    static final String NAME = "support-triage-basics";
    private static final String SEED = "seed";

    @Inject GoldenSetRows rows;
    @Inject GoldenSetChangeKind kind;
    @Inject JpaChangeRequests repo;
    @Inject AuditRecorder audit;

    /** The demo set's content (docs/governance.md shows it). */
    static JsonObject content() {
        return JsonInput.readObject(
                """
                {"binds": [{"kind": "prompt", "target": "support-triage"}],
                 "minPassRate": 1,
                 "cases": [
                   {"id": "billing-double-charge",
                    "input": {"variables": {"product": "Gatehouse"},
                              "messages": [{"role": "user", "content": "I was charged twice this month"}]},
                    "expect": [{"type": "contains", "value": "charged twice"},
                               {"type": "not_contains", "value": "sorry"}]},
                   {"id": "login-trouble",
                    "input": {"variables": {"product": "Gatehouse", "language": "English"},
                              "messages": [{"role": "user", "content": "I cannot log in to my account"}]},
                    "expect": [{"type": "regex", "pattern": "log in to my account"}]},
                   {"id": "email-redacted",
                    "input": {"variables": {"product": "Gatehouse"},
                              "messages": [{"role": "user", "content": "Please reset the password of jane@example.com"}]},
                    "expect": [{"type": "policy", "outcome": "redacted"},
                               {"type": "not_contains", "value": "jane@example.com"}]}
                 ]}
                """);
    }

    @Transactional
    void onDemoTenant(@Observes DemoTenantReady ready) {
        TenantId tenant = ready.tenant();
        if (rows.live(tenant.value(), NAME).isPresent()) {
            return;
        }
        JsonObject content = kind.validate(tenant, NAME, content());
        Instant now = Instant.now();
        ChangeRequestEntity c = new ChangeRequestEntity();
        c.id(UUID.randomUUID());
        c.tenantId(tenant.value());
        c.kind(GoldenSetChangeKind.KIND);
        c.target(NAME);
        c.revision(1);
        c.content(content.toString());
        c.baseVersion(null);
        c.diff(ContentDiff.between(null, content, Set.of()).toString());
        c.risk(kind.risk(tenant, NAME, content, java.util.Optional.empty()).name());
        c.authorId(SEED);
        c.authorName(SEED);
        c.createdAt(now);
        c.updatedAt(now);
        c.submittedAt(now);
        c.state(ChangeState.PUBLISHED.wireName());
        c.publishedAt(now);
        c.publishedBy(SEED);
        repo.add(c);
        ChangeRevisionEntity r = new ChangeRevisionEntity();
        r.changeId(c.id());
        r.revision(1);
        r.tenantId(tenant.value());
        r.content(c.content());
        r.baseVersion(null);
        r.diff(c.diff());
        r.risk(c.risk());
        r.createdBy(SEED);
        r.createdByName(SEED);
        r.action("create");
        r.createdAt(now);
        repo.add(r);
        repo.flush();
        String version =
                kind.apply(
                        tenant,
                        NAME,
                        content,
                        new ChangeContext(c.id(), Caller.system(SEED, tenant), null, false));
        c.publishedVersion(version);
        audit.recordInTransaction(
                AuditEvent.of(tenant, "system", SEED, "change.publish")
                        .target("change", c.id())
                        .detail("kind", c.kind())
                        .detail("target", NAME)
                        .detail("to", c.state())
                        .detail("revision", 1)
                        .detail("version", version)
                        .detail(LineageKeys.CHANGE_ID, c.id().toString())
                        .detail("seed", true)
                        .build());
        LOG.info("Demo mode: seeded golden set '" + NAME + "' version " + version);
    }
}
