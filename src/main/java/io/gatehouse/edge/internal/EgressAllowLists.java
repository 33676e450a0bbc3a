package io.gatehouse.edge.internal;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.AuditRecorder;
import io.gatehouse.edge.internal.persistence.EgressAllowListEntity;
import io.gatehouse.edge.internal.persistence.JpaEgressAllowLists;
import io.gatehouse.edge.internal.persistence.JpaTenants;
import io.gatehouse.shared.Caller;
import io.gatehouse.shared.ChangeFeed;
import io.gatehouse.shared.JsonInput;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.error.ConflictException;
import io.gatehouse.shared.error.NotFoundException;
import io.gatehouse.shared.error.ValidationException;
import io.gatehouse.shared.net.EgressRule;
import io.gatehouse.shared.net.TenantEgressAllowList;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Each tenant's egress allow-list: the private, loopback or link-local destinations Gatehouse may
 * call on its behalf. Platform admins replace it as a whole; every change is audited in the
 * tenant's chain and reaches every instance's cache through the change feed. The guard reads it on
 * every outbound call, from the cache.
 */
@ApplicationScoped
public class EgressAllowLists implements TenantEgressAllowList {
    public static final String TOPIC = "egress-allowlist";
    public static final int MAX_ENTRIES = 100;
    private static final Logger LOG = Logger.getLogger(EgressAllowLists.class.getName());

    @Inject JpaEgressAllowLists lists;
    @Inject JpaTenants tenants;
    @Inject AuditRecorder audit;
    @Inject ChangeFeed changes;

    private final ConcurrentHashMap<TenantId, List<EgressRule>> cache = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();

    /** One entry as shown and as given: {@code port} null for every port. */
    public record Entry(String destination, Integer port, String note) {}

    /** A tenant's list; {@code updatedBy}/{@code updatedAt} null while it was never set. */
    public record AllowList(
            UUID tenantId, List<Entry> entries, String updatedBy, Instant updatedAt) {}

    @Override
    public List<EgressRule> rules(TenantId tenant) {
        List<EgressRule> cached = cache.get(tenant);
        if (cached != null) {
            return cached;
        }
        long seen = generation.get();
        List<EgressRule> loaded =
                lists.find(tenant.value()).map(l -> rules(parse(l.entries()))).orElse(List.of());
        if (generation.get() == seen) {
            cache.put(
                    tenant, loaded); // not when a change committed meanwhile: the next call reloads
        }
        return loaded;
    }

    void onChange(@Observes ChangeFeed.Invalidated change) {
        if (TOPIC.equals(change.topic())) {
            generation.incrementAndGet();
            if (change.tenant() == null) {
                cache.clear();
            } else {
                cache.remove(change.tenant());
            }
        }
    }

    @Transactional
    public AllowList get(UUID tenantId) {
        requireTenant(tenantId);
        return lists.find(tenantId)
                .map(l -> new AllowList(tenantId, parse(l.entries()), l.updatedBy(), l.updatedAt()))
                .orElseGet(() -> new AllowList(tenantId, List.of(), null, null));
    }

    /**
     * The entity tag of a list version: its last change to the microsecond ({@code "never"} while
     * it was never set). Changes are serialised by a row lock, so two versions never share it.
     */
    public static String etag(Instant updatedAt) {
        if (updatedAt == null) {
            return "\"never\"";
        }
        long micros = updatedAt.getEpochSecond() * 1_000_000L + updatedAt.getNano() / 1_000;
        return "\"" + Long.toString(micros, 36) + "\"";
    }

    /**
     * Replaces the tenant's list (platform admins only: the resource requires the role). With
     * {@code ifMatch} (an ETag, a comma-separated list of them, or {@code *}) the list must still
     * be the version read: otherwise 409 {@code stale_allowlist} and nothing changes.
     */
    @Transactional
    public AllowList replace(
            Caller admin, UUID tenantId, String ifMatch, List<Entry> entries, String requestId) {
        requireTenant(tenantId);
        if (entries == null) {
            throw new ValidationException(
                    "entries", "entries is required (an empty array clears the list)");
        }
        if (entries.size() > MAX_ENTRIES) {
            throw new ValidationException("entries", "at most " + MAX_ENTRIES + " entries");
        }
        List<Entry> canonical = new ArrayList<>();
        Set<EgressRule> seen = new LinkedHashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            String at = "entries[" + i + "]";
            if (e == null) {
                throw new ValidationException(at, at + " must be an object");
            }
            EgressRule rule;
            try {
                rule = EgressRule.of(e.destination(), e.port());
            } catch (IllegalArgumentException bad) {
                String field =
                        e.port() != null && (e.port() < 1 || e.port() > 65535)
                                ? ".port"
                                : ".destination";
                throw new ValidationException(at + field, at + field + ": " + bad.getMessage());
            }
            if (!seen.add(rule)) {
                throw new ValidationException(at, at + " repeats " + rule);
            }
            String note = e.note() == null || e.note().isBlank() ? null : e.note().strip();
            if (note != null
                    && (note.length() > 200 || note.chars().anyMatch(Character::isISOControl))) {
                throw new ValidationException(
                        at + ".note",
                        at + ".note is at most 200 characters without control characters");
            }
            canonical.add(new Entry(rule.destination(), rule.port(), note));
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS); // as stored, for the ETag
        String json = json(canonical);
        EgressAllowListEntity row = lists.findForUpdate(tenantId).orElse(null);
        if (ifMatch != null && !matches(ifMatch, row == null ? null : row.updatedAt())) {
            throw new ConflictException(
                    "stale_allowlist",
                    "The egress allow-list changed since it was read"
                            + (row == null ? "" : " (by " + row.updatedBy() + ")")
                            + ": read it again and redo the change");
        }
        if (row != null && !row.updatedAt().isBefore(now)) {
            now = row.updatedAt().plus(1, ChronoUnit.MICROS); // every version its own ETag
        }
        List<Entry> before = row == null ? List.of() : parse(row.entries());
        if (row == null) {
            lists.add(new EgressAllowListEntity(tenantId, json, admin.subject(), now));
        } else {
            row.replace(json, admin.subject(), now);
        }
        TenantId tenant = new TenantId(tenantId);
        changes.publish(TOPIC, tenant, null);
        List<String> was = before.stream().map(EgressAllowLists::text).toList();
        List<String> is = canonical.stream().map(EgressAllowLists::text).toList();
        audit.recordInTransaction(
                AuditEvent.by(admin, "egress.allowlist.update")
                        .tenant(tenant)
                        .target("tenant", tenantId)
                        .detail("entries", is)
                        .detail("added", is.stream().filter(s -> !was.contains(s)).toList())
                        .detail("removed", was.stream().filter(s -> !is.contains(s)).toList())
                        .requestId(requestId)
                        .build());
        return new AllowList(tenantId, List.copyOf(canonical), admin.subject(), now);
    }

    static boolean matches(String ifMatch, Instant current) {
        String tag = etag(current);
        for (String given : ifMatch.split(",")) {
            String g = given.strip();
            if (g.startsWith("W/")) {
                g = g.substring(2);
            }
            if (g.equals(tag) || (g.equals("*") && current != null)) {
                return true;
            }
        }
        return false;
    }

    private void requireTenant(UUID tenantId) {
        if (tenants.find(tenantId).isEmpty()) {
            throw new NotFoundException("tenant_not_found", "No such tenant");
        }
    }

    private static String text(Entry e) {
        return EgressRule.of(e.destination(), e.port()).toString();
    }

    private static List<EgressRule> rules(List<Entry> entries) {
        List<EgressRule> out = new ArrayList<>();
        for (Entry e : entries) {
            try {
                out.add(EgressRule.of(e.destination(), e.port()));
            } catch (IllegalArgumentException bad) {
                LOG.warning("Stored egress entry ignored: " + bad.getMessage());
            }
        }
        return List.copyOf(out);
    }

    static String json(List<Entry> entries) {
        JsonArrayBuilder a = Json.createArrayBuilder();
        for (Entry e : entries) {
            JsonObjectBuilder o = Json.createObjectBuilder().add("destination", e.destination());
            if (e.port() != null) {
                o.add("port", e.port());
            }
            if (e.note() != null) {
                o.add("note", e.note());
            }
            a.add(o);
        }
        return a.build().toString();
    }

    static List<Entry> parse(String json) {
        List<Entry> out = new ArrayList<>();
        JsonArray a = JsonInput.readArray(json);
        for (JsonValue v : a) {
            JsonObject o = v.asJsonObject();
            out.add(
                    new Entry(
                            o.getString("destination"),
                            o.containsKey("port") ? o.getInt("port") : null,
                            o.getString("note", null)));
        }
        return List.copyOf(out);
    }
}
