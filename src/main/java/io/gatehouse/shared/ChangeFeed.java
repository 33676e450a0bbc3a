package io.gatehouse.shared;

/**
 * Tells every instance that something cached has changed. {@link #publish} writes to the change
 * feed inside the caller's transaction; once it commits, observers of {@link Invalidated} run on
 * this instance at once and on every other instance within about a second (they poll the feed).
 */
public interface ChangeFeed {
    /**
     * @param topic what kind of thing changed, e.g. {@code api-key}, {@code catalog}, {@code
     *     prompt}
     * @param tenant whose thing, or null for platform-wide
     * @param key which item (e.g. a key hash), or null for "everything of this topic"
     */
    void publish(String topic, TenantId tenant, String key);

    /** The CDI event observers receive (synchronously, possibly more than once for one change). */
    record Invalidated(String topic, TenantId tenant, String key) {}
}
