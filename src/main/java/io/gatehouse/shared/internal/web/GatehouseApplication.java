package io.gatehouse.shared.internal.web;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.security.SecuritySchemes;

/**
 * One JAX-RS application at the context root: {@code /v1}, {@code /api/v1}, {@code /.well-known}.
 */
@ApplicationPath("/")
@OpenAPIDefinition(
        info =
                @Info(
                        title = "Gatehouse",
                        version = "0.1.0",
                        description =
                                "Governed gateway for LLM traffic. /v1 is OpenAI-compatible (client API keys); "
                                        + "/api/v1 is the management API (people, JWT). Errors: OpenAI error JSON on /v1, "
                                        + "RFC 9457 problem JSON elsewhere. Every answer carries the server's own request id"
                                        + " in X-Request-Id (audit, lineage); a client's X-Request-Id is only echoed in"
                                        + " X-Client-Request-Id. JSON bodies may nest at most 128 levels (else 400"
                                        + " json_too_deep) and hold no U+0000 or unpaired surrogate (else 400"
                                        + " unsupported_character naming the field)."))
@SecuritySchemes({
    @SecurityScheme(
            securitySchemeName = "apiKey",
            type = SecuritySchemeType.HTTP,
            scheme = "bearer",
            description = "Client API key: Authorization: Bearer gh_..."),
    @SecurityScheme(
            securitySchemeName = "jwt",
            type = SecuritySchemeType.HTTP,
            scheme = "bearer",
            bearerFormat = "JWT",
            description =
                    "Access token from POST /api/v1/auth/login or a trusted OpenID Connect issuer")
})
public class GatehouseApplication extends Application {}
