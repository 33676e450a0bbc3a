package io.gatehouse.policy.internal.web;

import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The wire shapes of the policy API, for the OpenAPI document. The test bench reads its body by
 * hand (field-precise 400s) and answers with JSON-P; these records describe exactly those shapes.
 */
public final class PolicyDtos {
    private PolicyDtos() {}

    @Schema(description = "One version in a policy's history")
    public record PolicyHistoryEntry(
            @Schema(required = true, example = "v3") String version,
            @Schema(required = true) String status,
            String publishedAt,
            String publishedBy,
            @Schema(description = "The change that published it; null for seeded versions")
                    String changeId,
            @Schema(required = true) boolean rollback) {}

    @Schema(description = "A policy with its live content and history")
    public record PolicyDetailView(
            @Schema(required = true) String name,
            @Schema(required = true) String version,
            @Schema(
                            required = true,
                            enumeration = {"enforce", "shadow"})
                    String mode,
            @Schema(required = true, description = "A platform-wide policy") boolean global,
            @Schema(required = true, description = "The live policy document (docs/policy.md)")
                    Map<String, Object> content,
            @Schema(required = true) List<PolicyHistoryEntry> history) {}

    @Schema(description = "One message of the sample request")
    public record SampleMessage(
            @Schema(example = "user", description = "Defaults to user") String role,
            @Schema(required = true) String content) {}

    @Schema(description = "A sample request to run the live and the draft policies on")
    public record SampleRequest(
            @Schema(required = true) List<SampleMessage> messages,
            @Schema(description = "Request headers the rules may read (at most 100)")
                    Map<String, String> headers,
            @Schema(description = "The data classification the request starts with")
                    Integer classification,
            @Schema(description = "The model asked for; defaults to sandbox") String model) {}

    public record TrafficOptions(
            @Schema(description = "How many recent recorded requests to replay") Integer limit) {}

    @Schema(description = "A draft policy to evaluate")
    public record PolicyTestRequest(
            @Schema(description = "The policy's name (a live one of that name is replaced)")
                    String name,
            @Schema(required = true, description = "The draft policy document (docs/policy.md)")
                    Map<String, Object> policy,
            @Schema(description = "A sample request; absent for a traffic replay only")
                    SampleRequest request,
            @Schema(description = "A sample answer for the output stage") String answer,
            TrafficOptions traffic) {}

    @Schema(description = "What the policies did to the sample request")
    public record SampleOutcome(
            @Schema(required = true, description = "200, or the refusal's status") int status,
            @Schema(description = "The refusal's code; absent on 200") String code,
            @Schema(description = "The refusal's message; absent on 200") String message,
            @Schema(description = "The answer after the output stage; absent without an answer")
                    String answer,
            @Schema(required = true, description = "The message texts after the input stage")
                    List<String> messages,
            @Schema(required = true) int classification,
            @Schema(required = true) List<String> providerRestrictions,
            @Schema(required = true, description = "The decision as audited: per stage, its flags")
                    Map<String, Object> decision) {}

    public record SampleComparison(
            @Schema(required = true) SampleOutcome live,
            @Schema(required = true) SampleOutcome draft,
            @Schema(required = true, description = "Whether a client or provider would notice")
                    boolean changed) {}

    public record OutcomeCounts(
            @Schema(required = true) Map<String, Integer> live,
            @Schema(required = true) Map<String, Integer> draft) {}

    @Schema(description = "A replayed request whose effect the draft changes")
    public record TrafficChange(
            String requestId,
            String occurredAt,
            @Schema(
                            required = true,
                            description =
                                    "What the row was replayed over: the retained content (its"
                                            + " full form, or its redacted form when that is what"
                                            + " the tenant keeps), or the recorded summary",
                            enumeration = {"full", "redacted", "summary"})
                    String replayedOver,
            Map<String, Object> live,
            Map<String, Object> draft) {}

    @Schema(description = "The draft replayed over recent recorded requests")
    public record TrafficReplay(
            @Schema(required = true) int considered,
            @Schema(required = true) int evaluated,
            @Schema(required = true, description = "Recorded without policy summaries")
                    int unscanned,
            @Schema(
                            required = true,
                            description =
                                    "Replayed over their retained content (an audited read,"
                                            + " audit.content.read with purpose policy.replay)")
                    int overContent,
            @Schema(
                            required = true,
                            description =
                                    "Without retained content (mode none or hashed, purged):"
                                            + " replayed over the recorded summaries, or unscanned")
                    int summaryOnly,
            @Schema(required = true) int changed,
            @Schema(required = true) OutcomeCounts outcomes,
            @Schema(required = true, description = "The first changed requests")
                    List<TrafficChange> changes) {}

    @Schema(description = "The test bench's result")
    public record PolicyTestResult(
            @Schema(required = true) String name,
            @Schema(required = true, description = "The draft, normalized")
                    Map<String, Object> policy,
            @Schema(required = true, description = "The live version it replaces; empty if none")
                    String replaces,
            @Schema(required = true, description = "The live policy versions") List<String> live,
            @Schema(description = "Absent without a sample request") SampleComparison sample,
            @Schema(required = true) TrafficReplay traffic) {}

    @Schema(description = "How often one rule matched in one bucket")
    public record RulePoint(
            @Schema(required = true, description = "Start of the bucket (ISO-8601)") String time,
            @Schema(required = true) long count) {}

    @Schema(description = "One rule's matches over time")
    public record RuleSeries(
            @Schema(required = true, example = "pii@v3/redact-email") String rule,
            @Schema(required = true, example = "deny", description = "deny, redact, ...")
                    String effect,
            @Schema(required = true) long total,
            @Schema(required = true) List<RulePoint> points) {}

    @Schema(description = "Policy denials and redactions by rule, from the audit trail")
    public record PolicyRuleStats(
            @Schema(required = true) String tenant,
            @Schema(required = true) String from,
            @Schema(required = true) String to,
            @Schema(required = true) String step,
            @Schema(required = true, description = "Matches per effect over the period")
                    Map<String, Long> totals,
            @Schema(required = true) List<RuleSeries> rules) {}
}
