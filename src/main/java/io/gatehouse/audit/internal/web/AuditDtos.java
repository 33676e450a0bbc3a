package io.gatehouse.audit.internal.web;

import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The wire shapes of the audit and lineage API, for the OpenAPI document. The resources write
 * canonical JSON by hand (the same form the hash chain uses); these records describe exactly those
 * shapes and must change with them.
 */
public final class AuditDtos {
    private AuditDtos() {}

    @Schema(description = "A gateway request's accounting, on gateway events")
    public record AuditEventUsage(
            String keyId,
            String route,
            String provider,
            String model,
            String region,
            long statusCode,
            long inputTokens,
            long outputTokens,
            @Schema(description = "true when the provider reported no token counts")
                    boolean tokensEstimated,
            long costMicros,
            long latencyMs,
            long providerLatencyMs,
            @Schema(description = "Time to first token of a stream; null otherwise") Long ttftMs,
            boolean cacheHit,
            boolean streamed,
            @Schema(description = "<prompt>/v<n>, when a managed prompt served it")
                    String promptVersion,
            @Schema(description = "name@version of the policies applied, comma-separated")
                    String policyVersion) {}

    @Schema(description = "An audit event: its hashed form, its hash and display-only data")
    public record AuditEventView(
            @Schema(
                            required = true,
                            description = "Hashed form version",
                            enumeration = {"1", "2"})
                    long v,
            @Schema(required = true, description = "A tenant id, or platform") String chain,
            @Schema(required = true) long seq,
            @Schema(required = true) String id,
            @Schema(required = true, description = "ISO-8601 instant") String time,
            @Schema(description = "null on the platform chain") String tenant,
            @Schema(
                            required = true,
                            enumeration = {"user", "api_key", "system", "anonymous"})
                    String actorKind,
            @Schema(required = true) String actor,
            @Schema(required = true, example = "change.approve") String action,
            String targetType,
            String targetId,
            @Schema(
                            required = true,
                            enumeration = {"success", "failure", "denied", "error"})
                    String outcome,
            @Schema(description = "The server's request id") String requestId,
            @Schema(required = true, description = "Action-specific details")
                    Map<String, Object> details,
            @Schema(description = "Gateway events only; null otherwise") AuditEventUsage usage,
            @Schema(description = "Hash of the stored request/response body, if kept")
                    String contentHash,
            @Schema(required = true) String prevHash,
            @Schema(required = true) String hash,
            @Schema(
                            description =
                                    "Display-only data outside the hash, absent when none; actor.name and"
                                            + " actor.roles: the actor's name and roles when the event was"
                                            + " written (not evidence: the hashed actor id is)")
                    Map<String, Object> display) {}

    @Schema(description = "A page of events, newest first")
    public record AuditEventPage(
            @Schema(required = true) List<AuditEventView> events,
            @Schema(description = "Pass as cursor for the next page; null on the last page")
                    String nextCursor) {}

    @Schema(
            description =
                    "One line of a JSON Lines export, by its record: header (format, version, chain,"
                            + " from, to, exportedAt, anchor), event (the fields of AuditEventView),"
                            + " checkpoint (chain, headSeq, headHash, count, time, keyId, algorithm,"
                            + " signature, beyondPeriod) or trailer (events, firstSeq, lastSeq,"
                            + " lastHash)")
    public record AuditExportLine(
            @Schema(
                            required = true,
                            enumeration = {"header", "event", "checkpoint", "trailer"})
                    String record,
            String format,
            Long version,
            String chain,
            String from,
            String to,
            String exportedAt,
            @Schema(description = "header: seq and hash just before the first event")
                    ExportAnchor anchor,
            Long headSeq,
            String headHash,
            Long count,
            String time,
            String keyId,
            String algorithm,
            String signature,
            @Schema(description = "checkpoint: true when it falls after the period")
                    Boolean beyondPeriod,
            @Schema(description = "trailer: how many events") Long events,
            Long firstSeq,
            Long lastSeq,
            String lastHash) {}

    public record ExportAnchor(long seq, String hash) {}

    public record HashVersions(
            @Schema(description = "Events in hashed form v1") long v1,
            @Schema(description = "Events in hashed form v2") long v2) {}

    @Schema(description = "Consecutive checkpoints signed by one key")
    public record CheckpointKeyRunView(
            String keyId,
            boolean pinned,
            @Schema(
                            description = "null when not pinned",
                            enumeration = {"configuration", "master-key", "introduction"})
                    String pinnedBy,
            long fromSeq,
            long toSeq,
            long checkpoints) {}

    public record BrokenLink(
            long seq,
            String eventId,
            @Schema(
                            enumeration = {
                                "hash_mismatch",
                                "prev_link_mismatch",
                                "gap",
                                "checkpoint_mismatch",
                                "bad_checkpoint_signature",
                                "unpinned_checkpoint_key",
                                "truncated"
                            })
                    String reason,
            String detail) {}

    @Schema(description = "The latest checkpoint against the last stored event")
    public record TruncationCheck(
            boolean detected, Long lastSeq, Long checkpointSeq, String checkpointTime) {}

    @Schema(description = "The result of verifying a chain")
    public record ChainVerificationView(
            @Schema(required = true) String chain,
            @Schema(required = true) boolean valid,
            @Schema(required = true) long eventsChecked,
            @Schema(required = true) HashVersions hashVersions,
            @Schema(required = true) long checkpointsChecked,
            @Schema(required = true) List<CheckpointKeyRunView> checkpointKeys,
            @Schema(description = "The first broken link; null when the chain is intact")
                    BrokenLink firstBroken,
            @Schema(required = true) TruncationCheck truncation) {}

    @Schema(description = "A signed checkpoint of a chain's head")
    public record AuditCheckpoint(
            String chain,
            long headSeq,
            String headHash,
            long count,
            String time,
            String keyId,
            @Schema(example = "Ed25519") String algorithm,
            @Schema(description = "base64") String signature) {}

    @Schema(description = "A stored request/response body")
    public record StoredContentView(
            String contentHash,
            @Schema(description = "The retention mode it was stored under", example = "full")
                    String form,
            String storedAt,
            @Schema(description = "The stored JSON body") Map<String, Object> body) {}

    @Schema(description = "A tenant's content retention")
    public record RetentionSetting(
            @Schema(
                            required = true,
                            enumeration = {"none", "hashed", "redacted", "full"})
                    String mode,
            @Schema(required = true, minimum = "1", maximum = "36500") long retentionDays,
            @Schema(description = "null while never set") String updatedAt,
            @Schema(description = "null while never set") String updatedBy) {}

    @Schema(description = "Sets the tenant's content retention")
    public record RetentionUpdate(
            @Schema(
                            required = true,
                            enumeration = {"none", "hashed", "redacted", "full"})
                    String mode,
            @Schema(required = true, minimum = "1", maximum = "36500") Integer retentionDays) {}

    @Schema(description = "A legal hold")
    public record LegalHold(
            @Schema(required = true) String id,
            @Schema(required = true) String reason,
            @Schema(required = true) String createdAt,
            @Schema(required = true) String createdBy,
            @Schema(description = "null while in force") String releasedAt,
            @Schema(description = "null while in force") String releasedBy,
            @Schema(required = true) boolean active) {}

    public record LegalHoldList(@Schema(required = true) List<LegalHold> holds) {}

    @Schema(description = "A new legal hold")
    public record NewLegalHold(
            @Schema(required = true, maxLength = 2000, description = "Why") String reason) {}

    public record HoldRelease(String id, @Schema(enumeration = {"true"}) boolean released) {}

    public record PurgeResult(@Schema(description = "Stored bodies deleted") long deleted) {}

    @Schema(description = "A checkpoint signing key's public half")
    public record AuditKeyView(
            @Schema(required = true) String keyId,
            @Schema(required = true, example = "Ed25519") String algorithm,
            @Schema(required = true, description = "base64 X.509") String publicKey,
            @Schema(description = "hex SHA-256 of publicKey: what verifiers pin")
                    String fingerprint,
            @Schema(description = "The key that introduced this one; null for the first")
                    String introducedBy,
            @Schema(description = "introducedBy's Ed25519 signature of this key, base64")
                    String introduction,
            @Schema(required = true) String createdAt,
            @Schema(description = "null while it signs") String retiredAt) {}

    public record AuditKeyList(@Schema(required = true) List<AuditKeyView> keys) {}

    @Schema(description = "What served a request")
    public record ServedBy(
            String provider,
            String model,
            String route,
            String region,
            String keyId,
            Long statusCode) {}

    @Schema(description = "A change request as the chain tells it")
    public record ChangeLineage(
            String changeId,
            @Schema(description = "Who created it; null if its creation is not in the chain")
                    String author,
            List<String> approvers,
            List<AuditEventView> events,
            @Schema(
                            description =
                                    "The evaluation runs that tested this change (issue 23), in"
                                            + " the order they began (at most 100)")
                    List<EvaluationRunLineage> evaluationRuns) {}

    @Schema(
            description =
                    "An evaluation run of a change: from its evaluation.run.start/finish events"
                            + " and the gateway requests that ran its cases against the change")
    public record EvaluationRunLineage(
            @Schema(required = true) String runId,
            @Schema(description = "passed, failed or error as its finish event says; null before")
                    String status,
            @Schema(description = "Its start event's time, else its first request's")
                    String startedAt,
            @Schema(description = "Its finish event's time; null while it runs") String finishedAt,
            @Schema(description = "How many gateway requests it made against the change")
                    long requests,
            @Schema(description = "The first 50 of those requests' ids, in order")
                    List<String> requestIds) {}

    @Schema(description = "The evaluation run an evaluation's gateway request belongs to")
    public record RequestEvaluationRun(
            @Schema(required = true) String runId,
            String caseId,
            @Schema(enumeration = {"candidate", "live", "judge", "embedding"}) String side,
            @Schema(description = "The change the run tested; null for a run over live routes")
                    String changeId,
            Integer revision,
            String status,
            String startedAt,
            String finishedAt) {}

    @Schema(description = "A prompt or policy version with the changes that published it")
    public record VersionLineage(String version, List<ChangeLineage> changes) {}

    @Schema(description = "Everything that led to a response")
    public record RequestLineage(
            @Schema(required = true) String requestId,
            @Schema(required = true) List<AuditEventView> events,
            @Schema(required = true) List<ServedBy> servedBy,
            @Schema(required = true) List<VersionLineage> promptVersions,
            @Schema(required = true) List<VersionLineage> policyVersions,
            @Schema(
                            description =
                                    "A test call through a draft (details.testCallOf): the change"
                                            + " whose draft it ran with; absent otherwise")
                    List<ChangeLineage> testCallOf,
            @Schema(
                            description =
                                    "An evaluation run's call (details.evaluationRun): its run, case"
                                            + " and side; absent otherwise")
                    RequestEvaluationRun evaluationRun,
            @Schema(
                            description =
                                    "The change that evaluation run tested (details.evaluationOf);"
                                            + " absent otherwise")
                    ChangeLineage evaluationOf) {}

    @Schema(description = "One approval by the reviewer")
    public record ApprovalLineage(
            long seq,
            String approvedAt,
            String changeId,
            String target,
            @Schema(description = "null when the approval names no change") ChangeLineage change) {}

    @Schema(description = "A page of a reviewer's approvals, newest first")
    public record ReviewerChanges(
            @Schema(required = true) String reviewer,
            @Schema(required = true) List<ApprovalLineage> changes,
            @Schema(description = "null on the last page") String nextCursor) {}

    @Schema(description = "What an export ticket is for; every field optional")
    public record ExportTicketRequest(
            @Schema(
                            enumeration = {"jsonl", "csv"},
                            description = "Default jsonl")
                    String format,
            @Schema(description = "ISO-8601 instant") String from,
            @Schema(description = "ISO-8601 instant, exclusive") String to,
            @Schema(description = "platform, for platform admins") String chain) {}

    @Schema(description = "A single-use export ticket, valid for 60 seconds")
    public record ExportTicket(
            @Schema(required = true, description = "Shown once; only its hash is stored")
                    String ticket,
            @Schema(required = true) String expiresAt,
            @Schema(required = true, description = "The export to GET with it, no token needed")
                    String url,
            @Schema(required = true) String chain,
            @Schema(
                            required = true,
                            enumeration = {"jsonl", "csv"})
                    String format,
            String from,
            String to) {}

    @Schema(description = "Who acted, with the name and roles recorded beside the hash")
    public record EventActor(
            @Schema(
                            required = true,
                            enumeration = {"user", "api_key", "system", "anonymous"})
                    String kind,
            @Schema(required = true, description = "The hashed actor id (the evidence)") String id,
            @Schema(description = "Name when the event was written; null for older events")
                    String name,
            @Schema(required = true, description = "Roles when the event was written")
                    List<String> roles) {}

    @Schema(description = "The content an event's contentHash names")
    public record EventContent(
            @Schema(required = true, description = "false once purged, or never kept")
                    boolean retained,
            @Schema(enumeration = {"full", "redacted"}) String form,
            String storedAt,
            @Schema(description = "Only with include=content (audited)") Object body) {}

    @Schema(description = "One event in detail")
    public record AuditEventDetail(
            @Schema(required = true) AuditEventView event,
            @Schema(required = true) EventActor actor,
            @Schema(description = "Gateway events only") AuditEventUsage usage,
            @Schema(description = "details.policy of a gateway event: the policy decisions")
                    Map<String, Object> policy,
            String contentHash,
            @Schema(description = "null when the event names no content") EventContent content) {}
}
