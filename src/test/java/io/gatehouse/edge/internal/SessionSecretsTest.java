package io.gatehouse.edge.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.edge.internal.persistence.SessionRows;
import io.gatehouse.shared.Role;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import org.jose4j.jwt.consumer.ErrorCodeValidator;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.junit.jupiter.api.Test;

/**
 * The sign-in's return path (no dot-segments, plain or encoded) and the sealed answer of a refresh
 * token's rotation (opened only with that token) of {@link OidcSignIn} and {@link SessionService}.
 */
class SessionSecretsTest {
    @Test
    void aReturnPathWithDotSegmentsPlainOrEncodedBecomesTheConsole() {
        assertThat(OidcSignIn.safeReturn("/console/changes?state=open"))
                .isEqualTo("/console/changes?state=open");
        assertThat(OidcSignIn.safeReturn("/console/a.b/c")).isEqualTo("/console/a.b/c");
        for (String bad :
                List.of(
                        "/console/../api/v1/keys",
                        "/console/./x",
                        "/console/..",
                        "/console/%2e%2e/api",
                        "/console/%2E./api",
                        "/console/.%2e/api",
                        "/console/x%2f..%2fapi",
                        "/console/x%5c..",
                        "/consolex/",
                        "//evil.example/console/")) {
            assertThat(OidcSignIn.safeReturn(bad)).as(bad).isEqualTo("/console/");
        }
    }

    @Test
    void aRefusedIdTokenIsLoggedByErrorCodeWithoutItsClaims() {
        InvalidJwtException e =
                new InvalidJwtException(
                        "JWT (claims->{\"sub\":\"stand-in|erika\",\"email\":\"erika@example.org\"})"
                                + " rejected due to invalid claims",
                        List.of(
                                new ErrorCodeValidator.Error(
                                        ErrorCodes.EXPIRED, "expired for erika")),
                        null);
        String line = OidcSignIn.refusalForLog(e);
        assertThat(line).contains(String.valueOf(ErrorCodes.EXPIRED));
        assertThat(line).doesNotContain("erika").doesNotContain("sub");
    }

    @Test
    void aSealedRotationOpensOnlyWithThePresentedToken() {
        SessionRows.Family f =
                new SessionRows.Family(
                        UUID.randomUUID(),
                        UUID.randomUUID(),
                        "oidc",
                        "oidc:x",
                        "x",
                        List.of(),
                        null,
                        Instant.now(),
                        Instant.now().plusSeconds(3600),
                        null,
                        List.of("g"),
                        null);
        SessionService.Renewed r =
                new SessionService.Renewed(
                        new TokenService.Issued("access.jwt", 900, "jti-1"),
                        "next-refresh",
                        7200,
                        f,
                        "demo",
                        EnumSet.of(Role.REVIEWER));
        String presented = SessionService.secret();
        String sealed = SessionService.seal(presented, r);
        assertThat(sealed).doesNotContain("next-refresh").doesNotContain("access.jwt");
        SessionService.Renewed again = SessionService.unseal(presented, sealed, f);
        assertThat(again).isNotNull();
        assertThat(again.refreshToken()).isEqualTo("next-refresh");
        assertThat(again.access().token()).isEqualTo("access.jwt");
        assertThat(again.access().jti()).isEqualTo("jti-1");
        assertThat(again.access().expiresIn()).isBetween(895L, 900L);
        assertThat(again.roles()).containsExactly(Role.REVIEWER);
        assertThat(again.tenantSlug()).isEqualTo("demo");
        assertThat(SessionService.unseal(SessionService.secret(), sealed, f))
                .as("another token cannot open it")
                .isNull();
        assertThat(SessionService.unseal(presented, sealed.substring(2), f)).isNull();
    }
}
