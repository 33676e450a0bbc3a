package io.gatehouse.edge;

/**
 * A client dialect of the {@code /v1} API whose clients send the API key in a header of its own
 * besides {@code Authorization: Bearer} (routing's Anthropic Messages: {@code x-api-key}). The
 * edge's authentication asks every implementation about the request's canonical path and names no
 * dialect itself; a path no implementation serves takes the key only as a bearer token.
 */
public interface ApiKeyHeader {

    /** Whether this dialect serves {@code path} (canonical, without its leading slash). */
    boolean serves(String path);

    /** The header the dialect's clients send the key in (case-insensitive). */
    String name();
}
