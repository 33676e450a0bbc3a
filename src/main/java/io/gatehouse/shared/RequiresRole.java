package io.gatehouse.shared;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares which roles may call a JAX-RS resource method (or every method of a class): any one of
 * them suffices. The edge's authentication filter enforces it: no caller gives 401, a caller
 * without one of the roles 403. A platform admin holds every tenant role. Resources without it
 * still require an authenticated caller unless they are on the edge's public list (login, JWKS,
 * discovery).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface RequiresRole {
    Role[] value();
}
