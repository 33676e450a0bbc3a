package io.gatehouse.edge.internal;

import io.gatehouse.shared.error.GatehouseException;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Every Argon2 computation of the server, a few at a time. Each costs about 19 MiB and a core for
 * tens of milliseconds: unbounded, a burst of logins would use all memory and CPU. Callers must not
 * hold a database connection or a lock while they wait here. A caller that waits longer than
 * {@link #MAX_WAIT_MILLIS} gets a 503 {@code login_busy} with {@code Retry-After}.
 */
@ApplicationScoped
public class PasswordHashing {
  static final long MAX_WAIT_MILLIS = 10_000;

  /** Argon2 computations at a time; default: half the cores, at least one. */
  @Inject
  @ConfigProperty(name = "gatehouse.auth.hash.concurrency")
  Optional<Integer> concurrency;

  private final PasswordHasher hasher = new PasswordHasher();
  private Semaphore permits;

  @PostConstruct
  void init() {
    int n = concurrency.filter(c -> c > 0).orElse(Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
    permits = new Semaphore(n, true);
  }

  public String hash(String password) {
    return bounded(() -> hasher.hash(password));
  }

  public boolean verify(String password, String phc) {
    return bounded(() -> hasher.verify(password, phc));
  }

  /** Spends the time of a verification, so that refusals without one take as long as a wrong password. */
  public void burn(String password) {
    bounded(() -> {
      hasher.burn(password);
      return null;
    });
  }

  private <T> T bounded(Supplier<T> work) {
    try {
      if (!permits.tryAcquire(MAX_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
        throw busy();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw busy();
    }
    try {
      return work.get();
    } finally {
      permits.release();
    }
  }

  private static GatehouseException busy() {
    return new GatehouseException(
        503, "login_busy", "Too many password checks at once; retry in a moment", null,
        Map.of("Retry-After", "2"));
  }
}
