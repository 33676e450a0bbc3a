package io.gatehouse.governance.internal.web;

import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The wire shapes of the governance API, for the OpenAPI document. The resources read bodies by
 * hand (field-precise 400s; an action's body may be empty) and build answers with JSON-P; these
 * records describe exactly those shapes and must change with them.
 *
 * <p>Long on purpose: one record per wire shape of the change API, each field with its OpenAPI
 * description, kept together so the document reads as one; the evaluation shapes (issue 23) are
 * {@link EvaluationDtos}'s.
 */
public final class GovernanceDtos {
    private GovernanceDtos() {}

    @Schema(description = "A new change request (a draft)")
    public record NewChange(
            @Schema(
                            required = true,
                            description = "The kind of change",
                            example = "prompt",
                            enumeration = {
                                "prompt",
                                "route",
                                "provider",
                                "policy",
                                "mcp_server",
                                "golden_set"
                            })
                    String kind,
            @Schema(required = true, description = "What it changes, e.g. a prompt's name")
                    String target,
            @Schema(
                            required = true,
                            description = "The proposed content; its shape depends on the kind")
                    Map<String, Object> content,
            @Schema(description = "Why") String comment) {}

    @Schema(description = "What is live now for a kind's target (secret fields masked)")
    public record LiveContent(
            @Schema(required = true, description = "The kind of change", example = "provider")
                    String kind,
            @Schema(required = true, description = "The target, e.g. a provider's name")
                    String target,
            @Schema(
                            required = true,
                            description =
                                    "The live version's id (a change made from this content is"
                                            + " based on it)")
                    String version,
            @Schema(
                            required = true,
                            description =
                                    "The live content in the kind's change shape; secrets are"
                                            + " never shown (a provider says credentialSet)")
                    Map<String, Object> content) {}

    @Schema(description = "A new revision of a change in draft or changes requested")
    public record ChangeRevision(
            @Schema(required = true, description = "The revised content")
                    Map<String, Object> content,
            @Schema(description = "Why") String comment) {}

    @Schema(description = "A workflow action's optional body; an empty body is allowed")
    public record ActionComment(
            @Schema(description = "A comment recorded with the action") String comment) {}

    @Schema(
            description =
                    "Publish's optional body: a comment, and the override of a failed evaluation"
                            + " run (issue 23)")
    public record PublishBody(
            @Schema(description = "A comment recorded with the action") String comment,
            @Schema(
                            description =
                                    "Publish although a bound golden set's run of the current"
                                            + " revision failed (never when one is missing): needs"
                                            + " one more distinct approval than the rule, by"
                                            + " an admin who authored no revision")
                    EvidenceOverrideRequest evidenceOverride) {}

    @Schema(description = "The override of a failed evaluation run")
    public record EvidenceOverrideRequest(
            @Schema(
                            required = true,
                            maxLength = 2000,
                            description =
                                    "Why the change goes live despite the failed run (1..2000"
                                            + " characters, recorded)")
                    String reason) {}

    @Schema(description = "The override of a failed evaluation run a publication used")
    public record EvidenceOverrideView(
            @Schema(required = true) String reason,
            @Schema(required = true, description = "Who published with the override") String by,
            @Schema(required = true) String byName,
            @Schema(required = true) String at,
            @Schema(required = true, description = "The revision it was given for") int revision,
            @Schema(required = true, description = "The failed runs it overrode")
                    List<String> runIds,
            @Schema(required = true, description = "Distinct approvals of the revision")
                    int approvals,
            @Schema(required = true) int requiredApprovals) {}

    @Schema(description = "A comment on a change, or a reply to one of its comments")
    public record NewComment(
            @Schema(required = true, description = "The comment (1 to 10000 characters)")
                    String comment,
            @Schema(
                            description =
                                    "The id of the comment of the same change that this one answers;"
                                            + " absent or null for a comment of its own")
                    String parentId) {}

    @Schema(
            description =
                    "A test call through a prompt or policy draft: the messages sent (after a"
                            + " prompt draft's own), the prompt variables, and for a policy draft"
                            + " the route alias (or prompt:<name>@<label>) to send them to. A"
                            + " prompt draft's call may give variables only (its own messages"
                            + " are then the conversation); a policy draft's needs messages")
    public record TestCall(
            @Schema(description = "Prompt variables to render the draft with")
                    Map<String, Object> variables,
            @Schema(
                            description =
                                    "1 to 50 chat messages {role, content}; role is system,"
                                            + " developer, user or assistant, content a text."
                                            + " Required for a policy draft; optional for a"
                                            + " prompt draft")
                    List<Map<String, String>> messages,
            @Schema(
                            description =
                                    "The route alias to call (policy drafts: required; prompt"
                                            + " drafts: not allowed, the draft names its route)")
                    String model) {}

    @Schema(
            description =
                    "What a test call through a draft ended with: the gateway's status (200"
                            + " answered; otherwise the denial, limit or upstream failure with its"
                            + " code), the answer's text, where it ran and what it used")
    public record TestCallAnswer(
            @Schema(required = true, description = "The change request the call went through")
                    String changeId,
            @Schema(
                            required = true,
                            description = "The HTTP status a client of the gateway would have seen")
                    int status,
            @Schema(required = true, description = "answered, denied or failed") String outcome,
            @Schema(description = "The answer's text (first choice); absent when none") String text,
            @Schema(description = "The route alias it ran over") String route,
            @Schema(description = "The provider that answered") String provider,
            @Schema(description = "The provider's model") String model,
            @Schema(required = true) long inputTokens,
            @Schema(required = true) long outputTokens,
            @Schema(
                            required = true,
                            description =
                                    "What it cost in micro-units of the tenant's currency; counted"
                                            + " against the tenant's budgets")
                    long costMicros,
            @Schema(
                            required = true,
                            description =
                                    "The gateway request's id: its audit event (details.testCallOf"
                                            + " = the change) and lineage")
                    String requestId,
            @Schema(description = "The gateway's error when status is not 200")
                    TestCallError error) {}

    @Schema(description = "The gateway's error of a test call")
    public record TestCallError(
            @Schema(required = true) String code, @Schema(required = true) String message) {}

    @Schema(description = "A person as the change history names them")
    public record Person(
            @Schema(required = true, description = "Subject (user id)") String id,
            @Schema(required = true) String name) {}

    @Schema(description = "One revision of a change")
    public record ChangeRevisionEntry(
            @Schema(required = true) int revision,
            @Schema(required = true) Person author,
            @Schema(
                            required = true,
                            enumeration = {"create", "revise", "rebase", "rollback"})
                    String action,
            String at) {}

    @Schema(description = "One review decision")
    public record ChangeReview(
            @Schema(required = true) Person reviewer,
            @Schema(
                            required = true,
                            enumeration = {"approve", "reject", "request_changes", "post_hoc"})
                    String decision,
            @Schema(required = true, description = "The revision reviewed") int revision,
            @Schema(description = "null when none was given") String comment,
            String at) {}

    @Schema(description = "A comment, or the comment of a workflow action")
    public record ChangeComment(
            @Schema(required = true) String id,
            @Schema(description = "The comment this one answers; null for none") String parentId,
            @Schema(required = true) Person author,
            @Schema(required = true, description = "The action it came with, e.g. comment, submit")
                    String action,
            @Schema(required = true) String body,
            String at) {}

    @Schema(description = "A change request as listed (without content, diff and history)")
    public record ChangeSummary(
            @Schema(required = true) String id,
            @Schema(required = true, example = "prompt") String kind,
            @Schema(required = true) String target,
            @Schema(
                            required = true,
                            enumeration = {
                                "draft",
                                "in_review",
                                "approved",
                                "rejected",
                                "changes_requested",
                                "published",
                                "superseded",
                                "withdrawn"
                            })
                    String state,
            @Schema(required = true) int revision,
            @Schema(
                            required = true,
                            enumeration = {"LOW", "HIGH"})
                    String risk,
            @Schema(required = true) int requiredApprovals,
            @Schema(required = true, description = "How many approvals the change has")
                    int approvals,
            @Schema(required = true, description = "Subjects of the approvers")
                    List<String> approvedBy,
            @Schema(required = true, description = "Who created it") Person author,
            @Schema(required = true, description = "Everyone who authored a revision")
                    List<Person> authors,
            @Schema(description = "The live version the change is based on; null if none")
                    String baseVersion,
            String createdAt,
            String updatedAt,
            @Schema(description = "null until submitted") String submittedAt,
            @Schema(description = "null until published") String publishedAt,
            @Schema(description = "null until published") String publishedBy,
            @Schema(description = "The version it published; null until published")
                    String publishedVersion,
            @Schema(description = "The change a rollback re-applied; null otherwise")
                    String rollbackOf,
            @Schema(
                            description =
                                    "For a rollback: pending until reviewed after the fact, then done;"
                                            + " null otherwise",
                            enumeration = {"pending", "done"})
                    String postHocReview,
            @Schema(
                            required = true,
                            enumeration = {
                                "none", "missing", "running", "passed", "failed", "error"
                            },
                            description =
                                    "The current revision's evidence in one word, judged as"
                                            + " publishing judges it (every live golden set"
                                            + " binding the change, at its live version, the"
                                            + " latest run of each): none when no live set binds"
                                            + " it; missing when a bound set has no run of its"
                                            + " live version (publish: evidence_missing); else"
                                            + " running while any runs, error when any ended in"
                                            + " error (evidence_missing), failed when any failed"
                                            + " (evidence_failed), passed when every one passed"
                                            + " (a policy's replay is no verdict)")
                    String evidenceStatus) {}

    @Schema(description = "A change request with content, diff, revisions, reviews and comments")
    public record ChangeView(
            @Schema(required = true) String id,
            @Schema(required = true, example = "prompt") String kind,
            @Schema(required = true) String target,
            @Schema(
                            required = true,
                            enumeration = {
                                "draft",
                                "in_review",
                                "approved",
                                "rejected",
                                "changes_requested",
                                "published",
                                "superseded",
                                "withdrawn"
                            })
                    String state,
            @Schema(required = true) int revision,
            @Schema(
                            required = true,
                            enumeration = {"LOW", "HIGH"})
                    String risk,
            @Schema(required = true) int requiredApprovals,
            @Schema(required = true) int approvals,
            @Schema(required = true) List<String> approvedBy,
            @Schema(required = true) Person author,
            @Schema(required = true) List<Person> authors,
            String baseVersion,
            String createdAt,
            String updatedAt,
            String submittedAt,
            String publishedAt,
            String publishedBy,
            String publishedVersion,
            String rollbackOf,
            String postHocReview,
            @Schema(description = "What is live for the target now; null if nothing")
                    String liveVersion,
            @Schema(
                            required = true,
                            description =
                                    "true when another change of the target went live after this one's base")
                    boolean rebaseRequired,
            @Schema(required = true, description = "The proposed content")
                    Map<String, Object> content,
            @Schema(required = true, description = "The content's diff against its base")
                    Map<String, Object> diff,
            @Schema(required = true) List<ChangeRevisionEntry> revisions,
            @Schema(required = true) List<ChangeReview> reviews,
            @Schema(required = true) List<ChangeComment> comments,
            @Schema(
                            description =
                                    "For a break-glass rollback: who authored the change whose content it"
                                            + " re-applied (they may not give the review after the fact);"
                                            + " absent for other changes")
                    List<Person> rollbackOfAuthors,
            @Schema(
                            description =
                                    "Single reads: one entry per evaluation run of a golden set"
                                            + " binding the change's target (issue 23), oldest"
                                            + " first, then the evidence its kind computed itself"
                                            + " (type replay: a policy change's traffic replay)")
                    List<EvidenceEntry> evidence,
            @Schema(
                            required = true,
                            description =
                                    "Whether an approval rule makes publishing it need a passed"
                                            + " run of every bound golden set (issue 23)")
                    boolean evidenceRequired,
            @Schema(
                            description =
                                    "The override of a failed evaluation run its publication used;"
                                            + " null for none")
                    EvidenceOverrideView evidenceOverride) {}

    /** An entry of a change's evidence: an evaluation run, or evidence its kind computed. */
    @Schema(
            description = "An evaluation run (type evaluation) or a traffic replay (type replay)",
            oneOf = {EvaluationDtos.EvaluationEvidence.class, ReplayEvidence.class})
    public interface EvidenceEntry {}

    @Schema(
            description =
                    "A policy change's traffic replay (the test bench's), computed on submit, revise"
                            + " and rebase for that revision; never blocks the transition")
    public record ReplayEvidence(
            @Schema(
                            required = true,
                            enumeration = {"replay"})
                    String type,
            @Schema(required = true) int revision,
            @Schema(
                            required = true,
                            enumeration = {"submit", "revise", "rebase"})
                    String trigger,
            @Schema(
                            required = true,
                            enumeration = {"ok", "error"},
                            description = "error: the replay could not be computed (see error)")
                    String status,
            @Schema(description = "Recorded requests the replay looked at") Integer considered,
            @Schema(description = "Requests whose policy outcome the draft changes")
                    Integer changed,
            @Schema(
                            description =
                                    "Requests replayed over their recorded summaries only (no"
                                            + " retained content)")
                    Integer summaryOnly,
            @Schema(description = "The bench's full traffic report") Map<String, Object> traffic,
            @Schema(description = "Why it could not be computed") String error,
            @Schema(required = true) String computedAt) {}

    @Schema(description = "Change requests, newest first")
    public record ChangeList(@Schema(required = true) List<ChangeSummary> data) {}

    @Schema(description = "The approvals a kind and risk class needs")
    public record ApprovalPolicyView(
            @Schema(required = true, description = "A kind, or * for every kind") String kind,
            @Schema(
                            required = true,
                            enumeration = {"LOW", "HIGH"})
                    String risk,
            @Schema(required = true, minimum = "1", maximum = "5") int requiredApprovals,
            @Schema(
                            required = true,
                            description =
                                    "Whether publishing needs a passed evaluation run of every live"
                                            + " golden set binding the change (effective: a row"
                                            + " that leaves it unset inherits from *, else false)")
                    boolean requireEvidence,
            @Schema(required = true, description = "false when this is the default")
                    boolean configured) {}

    @Schema(description = "Effective approval policies")
    public record ApprovalPolicyList(@Schema(required = true) List<ApprovalPolicyView> data) {}

    @Schema(description = "Sets how many approvals a kind and risk class needs")
    public record ApprovalPolicyUpdate(
            @Schema(required = true, description = "A kind, or * for every kind", example = "*")
                    String kind,
            @Schema(
                            required = true,
                            enumeration = {"LOW", "HIGH"})
                    String risk,
            @Schema(
                            required = true,
                            minimum = "1",
                            maximum = "5",
                            description = "1..5; HIGH needs at least 2")
                    Integer requiredApprovals,
            @Schema(
                            description =
                                    "Publishing needs a passed evaluation run of every live golden"
                                            + " set binding the change's kind and target, for its"
                                            + " current revision (409 evidence_missing /"
                                            + " evidence_failed). Left out: unchanged (a new row"
                                            + " inherits from *, else false)")
                    Boolean requireEvidence) {}

    @Schema(description = "A new webhook endpoint")
    public record NewWebhook(
            @Schema(
                            required = true,
                            description = "https URL the egress rules allow",
                            example = "https://hooks.example.com/gatehouse")
                    String url,
            String description,
            @Schema(description = "HMAC secret; generated when absent") String secret) {}

    @Schema(description = "A webhook endpoint (never its secret)")
    public record WebhookView(
            @Schema(required = true) String id,
            @Schema(required = true) String url,
            @Schema(required = true) boolean active,
            @Schema(required = true) String createdBy,
            @Schema(description = "null when none was given") String description,
            String createdAt) {}

    @Schema(description = "A created webhook endpoint; the secret is shown only here")
    public record CreatedWebhook(
            @Schema(required = true) String id,
            @Schema(required = true) String url,
            @Schema(required = true) boolean active,
            @Schema(required = true) String createdBy,
            String description,
            String createdAt,
            @Schema(required = true, description = "The signing secret, shown this once")
                    String secret) {}

    @Schema(description = "The tenant's webhook endpoints")
    public record WebhookList(@Schema(required = true) List<WebhookView> data) {}

    @Schema(description = "One delivery of a change event to an endpoint")
    public record WebhookDelivery(
            @Schema(required = true) String id,
            @Schema(required = true) String changeId,
            @Schema(required = true, description = "The transition, e.g. change.submit")
                    String event,
            @Schema(
                            required = true,
                            enumeration = {"pending", "delivered", "failed"})
                    String status,
            @Schema(required = true) int attempts,
            @Schema(
                            description = "null before the first attempt",
                            enumeration = {
                                "delivered",
                                "http_error_3xx",
                                "http_error_4xx",
                                "http_error_5xx",
                                "timeout",
                                "refused",
                                "connection_failed"
                            })
                    String lastOutcome,
            String createdAt,
            @Schema(description = "null until delivered") String deliveredAt) {}

    @Schema(description = "Recent deliveries to an endpoint")
    public record WebhookDeliveryList(@Schema(required = true) List<WebhookDelivery> data) {}

    @Schema(description = "A change waiting for review")
    public record WaitingChange(
            @Schema(required = true) String id,
            @Schema(required = true) String kind,
            @Schema(required = true) String target,
            @Schema(
                            required = true,
                            enumeration = {"LOW", "HIGH"})
                    String risk,
            @Schema(required = true, description = "The author's name") String author,
            @Schema(description = "ISO-8601") String submittedAt,
            @Schema(description = "Seconds since submission") Long ageSeconds) {}

    @Schema(description = "Changes of one kind waiting for review")
    public record WaitingKind(
            @Schema(required = true) String kind,
            @Schema(required = true) long waiting,
            @Schema(description = "Age of the oldest, in seconds") Long oldestAgeSeconds) {}

    @Schema(description = "Reviews waiting and their age")
    public record ReviewQueue(
            @Schema(required = true) String tenant,
            @Schema(required = true, description = "When the numbers were read") String asOf,
            @Schema(required = true) long waiting,
            @Schema(description = "null when nothing waits") Long oldestAgeSeconds,
            @Schema(required = true) List<WaitingKind> byKind,
            @Schema(required = true, description = "Oldest first, at most 100")
                    List<WaitingChange> changes) {}

    @Schema(description = "Changes of one kind published in one bucket")
    public record PublishPoint(
            @Schema(required = true) String time,
            @Schema(required = true) long published,
            @Schema(description = "Median seconds from submit to publish; null when none")
                    Double p50Seconds,
            Double p95Seconds,
            Double maxSeconds) {}

    @Schema(description = "One kind's time from submit to publish")
    public record PublishSeries(
            @Schema(required = true) String kind,
            @Schema(required = true) long published,
            @Schema(required = true) List<PublishPoint> points) {}

    @Schema(description = "Time from submit to publish per kind over time")
    public record TimeToPublish(
            @Schema(required = true) String tenant,
            @Schema(required = true) String from,
            @Schema(required = true) String to,
            @Schema(required = true) String step,
            @Schema(required = true) List<PublishSeries> kinds) {}
}
