package io.gatehouse.governance.internal.web;

import static io.gatehouse.governance.internal.web.JsonBodies.put;

import io.gatehouse.governance.internal.ChangeView;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

/**
 * A change request as JSON: the list's item ({@code full} false) or the whole change with its
 * content, diff, revisions, reviews and comments.
 */
final class ChangeJsonWriter {
    private ChangeJsonWriter() {}

    static JsonObject write(ChangeView v, boolean full) {
        JsonObjectBuilder b =
                Json.createObjectBuilder()
                        .add("id", v.id().toString())
                        .add("kind", v.kind())
                        .add("target", v.target())
                        .add("state", v.state())
                        .add("revision", v.revision())
                        .add("risk", v.risk())
                        .add("requiredApprovals", v.requiredApprovals())
                        .add("approvals", v.approvedBy().size())
                        .add("approvedBy", Json.createArrayBuilder(v.approvedBy()))
                        .add(
                                "author",
                                Json.createObjectBuilder()
                                        .add("id", v.authorId())
                                        .add("name", v.authorName()));
        JsonArrayBuilder authors = Json.createArrayBuilder();
        for (ChangeView.Person p : v.authors()) {
            authors.add(Json.createObjectBuilder().add("id", p.id()).add("name", p.name()));
        }
        b.add("authors", authors);
        put(b, "baseVersion", v.baseVersion());
        put(b, "createdAt", v.createdAt());
        put(b, "updatedAt", v.updatedAt());
        put(b, "submittedAt", v.submittedAt());
        put(b, "publishedAt", v.publishedAt());
        put(b, "publishedBy", v.publishedBy());
        put(b, "publishedVersion", v.publishedVersion());
        put(b, "rollbackOf", v.rollbackOf());
        put(b, "postHocReview", v.postHocReview());
        b.add("evidenceRequired", v.evidenceRequired());
        if (v.evidenceOverride() == null) {
            b.addNull("evidenceOverride");
        } else {
            b.add("evidenceOverride", v.evidenceOverride());
        }
        if (full) {
            put(b, "liveVersion", v.liveVersion());
            b.add("rebaseRequired", v.rebaseRequired());
            b.add("content", v.content());
            b.add("diff", v.diff());
            JsonArrayBuilder revisions = Json.createArrayBuilder();
            for (ChangeView.Revision r : v.revisions()) {
                JsonObjectBuilder rb =
                        Json.createObjectBuilder()
                                .add("revision", r.revision())
                                .add(
                                        "author",
                                        Json.createObjectBuilder()
                                                .add("id", r.authorId())
                                                .add("name", r.authorName()))
                                .add("action", r.action());
                put(rb, "at", r.at());
                revisions.add(rb);
            }
            b.add("revisions", revisions);
            JsonArrayBuilder reviews = Json.createArrayBuilder();
            for (ChangeView.Review r : v.reviews()) {
                JsonObjectBuilder rb =
                        Json.createObjectBuilder()
                                .add(
                                        "reviewer",
                                        Json.createObjectBuilder()
                                                .add("id", r.reviewerId())
                                                .add("name", r.reviewerName()))
                                .add("decision", r.decision())
                                .add("revision", r.revision());
                put(rb, "comment", r.comment());
                put(rb, "at", r.at());
                reviews.add(rb);
            }
            b.add("reviews", reviews);
            JsonArrayBuilder comments = Json.createArrayBuilder();
            for (ChangeView.Comment c : v.comments()) {
                JsonObjectBuilder cb = Json.createObjectBuilder().add("id", c.id().toString());
                put(cb, "parentId", c.parentId());
                cb.add(
                                "author",
                                Json.createObjectBuilder()
                                        .add("id", c.authorId())
                                        .add("name", c.authorName()))
                        .add("action", c.action())
                        .add("body", c.body());
                put(cb, "at", c.at());
                comments.add(cb);
            }
            b.add("comments", comments);
            if (v.rollbackOf() != null) {
                JsonArrayBuilder earlier = Json.createArrayBuilder();
                for (ChangeView.Person p : v.rollbackOfAuthors()) {
                    earlier.add(Json.createObjectBuilder().add("id", p.id()).add("name", p.name()));
                }
                b.add("rollbackOfAuthors", earlier);
            }
        }
        return b.build();
    }
}
