package io.gatehouse.edge.internal.web;

import java.time.Instant;
import java.util.List;

/** Request and response bodies of the edge's management API. */
public final class Dtos {
  private Dtos() {}

  public record LoginRequest(String username, String password) {}

  public record PasswordChange(String currentPassword, String newPassword) {}

  public record NewUser(String username, String password, List<String> roles) {}

  public record UserPatch(List<String> roles, String status) {}

  public record PasswordReset(String password) {}

  /** {@code lockedUntil}: the latest end of a lock-out of this user from some client address, if any. */
  public record UserView(String id, String tenantId, String username, List<String> roles, String status,
      Instant lockedUntil, Instant createdAt) {}

  public record NewTenantAdmin(String username, String password) {}

  public record NewTenant(String slug, String displayName, NewTenantAdmin admin) {}

  public record TenantPatch(String status) {}

  public record TenantView(String id, String slug, String displayName, String status, Instant createdAt) {}

  public record NewKey(String name, List<String> allowedRoutes, List<String> allowedCidrs, Instant expiresAt,
      Integer rpmLimit, Integer tpmLimit) {}

  public record Rotation(Long overlapSeconds) {}

  public record KeyView(String id, String name, String prefix, List<String> allowedRoutes,
      List<String> allowedCidrs, Integer rpmLimit, Integer tpmLimit, Instant expiresAt, Instant revokedAt,
      String rotatedFrom, String createdBy, Instant createdAt, String status) {}

  /** A created key: {@code key} is the secret, shown this once. */
  public record CreatedKey(String id, String name, String prefix, String key, List<String> allowedRoutes,
      List<String> allowedCidrs, Integer rpmLimit, Integer tpmLimit, Instant expiresAt, String rotatedFrom) {}

  public record Limits(Integer rpmLimit, Integer tpmLimit, Long dailyBudgetMicros, Long monthlyBudgetMicros) {}
}
