package io.gatehouse.audit.internal.persistence;

import java.time.Instant;
import java.util.UUID;

/** Where an event landed in its chain, once durable. */
public record RecordedEvent(
        UUID eventId, String chainId, long seq, String hash, Instant occurredAt) {}
