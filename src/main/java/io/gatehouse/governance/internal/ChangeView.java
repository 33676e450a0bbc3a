package io.gatehouse.governance.internal;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A change request as the API shows it: content with secrets masked, the diff against its base, its
 * reviews and comments. {@code liveVersion} and {@code rebaseRequired} are filled for single reads.
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
    List<Review> reviews,
    List<Comment> comments) {

  /** A review decision. */
  public record Review(
      String reviewerId, String reviewerName, String decision, int revision, String comment,
      Instant at) {}

  /** A comment. */
  public record Comment(String authorId, String authorName, String action, String body, Instant at) {}
}
