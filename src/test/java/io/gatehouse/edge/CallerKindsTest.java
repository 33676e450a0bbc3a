package io.gatehouse.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.shared.Caller;
import io.gatehouse.shared.CurrentCaller;
import io.gatehouse.shared.Role;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.error.UnauthorizedException;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * One holder, two kinds of credential that never stand in for each other: an API key is a caller
 * without roles that only {@link CurrentCaller#requireApiKey} accepts, a person is a caller that
 * only {@link CurrentCaller#require} accepts.
 */
class CallerKindsTest {
    static final TenantId T = new TenantId(UUID.randomUUID());

    static Caller person(Role... roles) {
        return new Caller(Caller.Kind.USER, UUID.randomUUID().toString(), "ann", T, Set.of(roles));
    }

    @Test
    void aKeyRoundTripsThroughTheCallerWithItsScope() {
        ClientKey key = new ClientKey(UUID.randomUUID(), "gh_live_ab12", T, Set.of("chat"));
        Caller c = key.caller();
        assertThat(c.kind()).isEqualTo(Caller.Kind.API_KEY);
        assertThat(c.subject()).isEqualTo(key.id().toString());
        assertThat(c.roles()).isEmpty();
        assertThat(ClientKey.of(c)).isEqualTo(key);
        assertThat(ClientKey.of(c).mayUse("chat")).isTrue();
        assertThat(ClientKey.of(c).mayUse("other")).isFalse();
    }

    @Test
    void aKeyHasNoRoleAndAPersonNoRouteScope() {
        Caller key = Caller.apiKey(UUID.randomUUID(), "gh_x", T, Set.of());
        for (Role r : Role.values()) {
            assertThat(key.has(r)).as(r.name()).isFalse();
        }
        assertThatThrownBy(
                        () ->
                                new Caller(
                                        Caller.Kind.API_KEY,
                                        "k",
                                        "gh_x",
                                        T,
                                        Set.of(Role.ADMIN),
                                        Set.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(
                        () ->
                                new Caller(
                                        Caller.Kind.USER,
                                        "u",
                                        "ann",
                                        T,
                                        Set.of(Role.ADMIN),
                                        Set.of("chat")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClientKey.of(person(Role.ADMIN)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theHolderNeverLetsOneCredentialPassAsTheOther() {
        CurrentCaller current = new CurrentCaller();
        assertThatThrownBy(current::require).isInstanceOf(UnauthorizedException.class);
        assertThatThrownBy(current::requireApiKey)
                .isInstanceOf(UnauthorizedException.class)
                .extracting(e -> ((UnauthorizedException) e).code())
                .isEqualTo("invalid_api_key");

        current.set(person(Role.PLATFORM_ADMIN));
        assertThat(current.require().kind()).isEqualTo(Caller.Kind.USER);
        assertThatThrownBy(current::requireApiKey)
                .as("a person's token is no API key")
                .isInstanceOf(UnauthorizedException.class);

        current.set(Caller.system("seed", T));
        assertThatThrownBy(current::requireApiKey).isInstanceOf(UnauthorizedException.class);

        Caller key = Caller.apiKey(UUID.randomUUID(), "gh_x", T, Set.of());
        current.set(key);
        assertThat(current.requireApiKey()).isSameAs(key);
        assertThatThrownBy(current::require)
                .as("an API key is no person's credential")
                .isInstanceOf(UnauthorizedException.class);
    }
}
