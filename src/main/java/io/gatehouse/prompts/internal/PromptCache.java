package io.gatehouse.prompts.internal;

import io.gatehouse.shared.SchemaReady;
import io.gatehouse.shared.TenantId;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Published prompts for the gateway's hot path, in memory. Dropped at once on this instance after a
 * publish or rollback commits, and on every instance when the registry's generation (one row, read
 * once a second) moves: a change is visible everywhere within about a second, and a missed signal
 * cannot leave a stale prompt for longer than one poll.
 */
@ApplicationScoped
public class PromptCache {
  private static final Logger LOG = Logger.getLogger(PromptCache.class.getName());

  @Inject PromptRegistry registry;
  @Resource ManagedScheduledExecutorService scheduler;

  private record Key(TenantId tenant, String prompt, String label) {}

  private volatile ConcurrentHashMap<Key, Optional<ResolvedLabel>> entries = new ConcurrentHashMap<>();
  private volatile long generation = Long.MIN_VALUE;
  private ScheduledFuture<?> poller;

  void onSchemaReady(@Observes SchemaReady ready) {
    poller = scheduler.scheduleWithFixedDelay(this::poll, 1, 1, TimeUnit.SECONDS);
  }

  @PreDestroy
  void stop() {
    if (poller != null) {
      poller.cancel(false);
    }
  }

  public Optional<ResolvedLabel> get(TenantId tenant, String prompt, String label) {
    ConcurrentHashMap<Key, Optional<ResolvedLabel>> map = entries;
    Key k = new Key(tenant, prompt, label);
    Optional<ResolvedLabel> hit = map.get(k);
    if (hit != null) {
      return hit;
    }
    // Loaded into the map captured before loading: if an invalidation swaps the map meanwhile, a
    // possibly stale result lands in the discarded map, never in the new one.
    Optional<ResolvedLabel> loaded = registry.load(tenant, prompt, label);
    map.put(k, loaded);
    return loaded;
  }

  public void invalidate() {
    entries = new ConcurrentHashMap<>();
  }

  void afterPublish(@Observes(during = TransactionPhase.AFTER_SUCCESS) PromptsChanged c) {
    invalidate();
  }

  void poll() {
    try {
      long g = registry.generation();
      if (g != generation) {
        generation = g;
        invalidate();
      }
    } catch (RuntimeException e) {
      // The database is away: keep serving what is cached; the next poll tries again.
      LOG.log(Level.FINE, "Prompt generation poll failed", e);
    }
  }
}
