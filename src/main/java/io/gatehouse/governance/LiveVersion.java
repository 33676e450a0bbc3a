package io.gatehouse.governance;

import jakarta.json.JsonObject;

/** The version of a target that is live now, with its content (secrets masked). */
public record LiveVersion(String version, JsonObject content) {}
