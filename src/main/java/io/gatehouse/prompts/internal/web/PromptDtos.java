package io.gatehouse.prompts.internal.web;

import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The wire shapes of the prompt registry API, for the OpenAPI document. {@link PromptsResource}
 * builds its answers with JSON-P; these records describe exactly those shapes.
 */
public final class PromptDtos {
    private PromptDtos() {}

    @Schema(description = "Where a label points, with its canary split")
    public record PromptLabel(
            @Schema(required = true, description = "The version the label serves") int version,
            @Schema(description = "The canary version; null without a canary")
                    Integer canaryVersion,
            @Schema(required = true, minimum = "0", maximum = "100") int canaryPercent,
            @Schema(description = "The change that moved it last; null for seeded labels")
                    String changeId,
            @Schema(required = true) String updatedBy,
            String updatedAt) {}

    @Schema(description = "One version in a prompt's history")
    public record PromptVersionSummary(
            @Schema(required = true) int version,
            @Schema(required = true, description = "The route alias it runs on") String route,
            @Schema(required = true, description = "The label it was published to")
                    String publishedLabel,
            @Schema(required = true) String createdBy,
            @Schema(description = "The change that published it; null for seeded versions")
                    String changeId,
            String createdAt) {}

    @Schema(description = "A prompt with its labels and version history")
    public record PromptView(
            @Schema(required = true) String name,
            @Schema(description = "The version live now; null if none") Integer liveVersion,
            @Schema(required = true, description = "By label name, e.g. production, staging")
                    Map<String, PromptLabel> labels,
            @Schema(required = true) List<PromptVersionSummary> versions,
            String updatedAt) {}

    public record PromptList(@Schema(required = true) List<PromptView> data) {}

    @Schema(description = "One version with its content")
    public record PromptVersionView(
            @Schema(required = true) int version,
            @Schema(required = true) String route,
            @Schema(required = true) String publishedLabel,
            @Schema(required = true) String createdBy,
            String changeId,
            String createdAt,
            @Schema(
                            required = true,
                            description =
                                    "messages, variables (a JSON schema), route and parameters")
                    Map<String, Object> content) {}

    @Schema(description = "The diff between two versions")
    public record PromptDiff(
            @Schema(required = true) String prompt,
            @Schema(required = true) int from,
            @Schema(required = true) int to,
            @Schema(required = true) Map<String, Object> diff) {}
}
