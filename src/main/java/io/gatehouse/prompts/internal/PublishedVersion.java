package io.gatehouse.prompts.internal;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;

/** A prompt version as the gateway renders it (immutable, safe to cache). */
public record PublishedVersion(
        String prompt,
        int version,
        JsonArray messages,
        JsonObject variables,
        String route,
        JsonObject parameters) {

    /** How the version is named in headers, audit and lineage: {@code support-triage/v3}. */
    public String id() {
        return id(prompt, version);
    }

    public static String id(String prompt, int version) {
        return prompt + "/v" + version;
    }
}
