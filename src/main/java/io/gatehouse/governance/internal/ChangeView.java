package io.gatehouse.governance.internal;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A change request as the API shows it: content with secrets masked, the diff against its base, its
 * revisions with their authors, reviews and comments. {@code liveVersion} and {@code
 * rebaseRequired} are filled for single reads; {@code authorId}/{@code authorName} are the creator,
 * {@code revisions} name everyone who authored a revision (none of them may review the change).
 * {@code rollbackOfAuthors} (single reads of a break-glass rollback) name the authors of the change
 * whose content it re-applied: they may not give its review after the fact either. {@code
 * evidenceRequired} says whether an approval rule makes publishing it need evidence now, {@code
 * evidenceOverride} the override of a failed evaluation run its publication used (null: none).
 */
public record ChangeView(
        UUID id,
        String kind,
        String target,
        String state,
        int revision,
        JsonObject content,
        String baseVersion,
        String liveVersion,
        boolean rebaseRequired,
        JsonArray diff,
        String risk,
        int requiredApprovals,
        List<String> approvedBy,
        String authorId,
        String authorName,
        Instant createdAt,
        Instant updatedAt,
        Instant submittedAt,
        Instant publishedAt,
        String publishedBy,
        String publishedVersion,
        UUID rollbackOf,
        String postHocReview,
        List<Revision> revisions,
        List<Review> reviews,
        List<Comment> comments,
        List<Person> rollbackOfAuthors,
        boolean evidenceRequired,
        JsonObject evidenceOverride) {

    /** One revision and who authored it: {@code action} is create, revise, rebase or rollback. */
    public record Revision(
            int revision, String authorId, String authorName, String action, Instant at) {}

    /** Everyone who authored a revision, each once, in order of their first revision. */
    public List<Person> authors() {
        java.util.Map<String, Person> out = new java.util.LinkedHashMap<>();
        out.put(authorId, new Person(authorId, authorName));
        for (Revision r : revisions) {
            out.putIfAbsent(r.authorId(), new Person(r.authorId(), r.authorName()));
        }
        return List.copyOf(out.values());
    }

    /** A person's id and display name. */
    public record Person(String id, String name) {}

    /** A review decision. */
    public record Review(
            String reviewerId,
            String reviewerName,
            String decision,
            int revision,
            String comment,
            Instant at) {}

    /** A comment; {@code parentId} names the comment it answers (null for none). */
    public record Comment(
            UUID id,
            UUID parentId,
            String authorId,
            String authorName,
            String action,
            String body,
            Instant at) {}
}
