package dev.refinery.gateway.auth;

import dev.refinery.identity.Scope;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The scope a route needs when it is not the usual one ({@code read} for GET, {@code write} for every other method):
 * managing keys, provider secrets and the audit log needs {@code admin}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface RequiredScope {
    Scope value();
}
