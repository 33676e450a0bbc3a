package io.gatehouse.shared;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On a resource method that reads its JSON body itself and applies {@link JsonInput}'s limits where
 * its refusal can be audited (the gateway's {@code /v1} calls): the generic body check, which runs
 * before the method and so before anything could be recorded, is then not bound to it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface ChecksOwnJsonBody {}
