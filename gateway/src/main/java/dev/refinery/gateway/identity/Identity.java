package dev.refinery.gateway.identity;

import dev.refinery.identity.Scope;

/**
 * The caller of a gateway request once its key is checked.
 *
 * @param keyId        the key's id (or {@code oidc:<organization>:<subject>}); its request rate is counted by it
 * @param keyPrefix    the key's visible prefix: the actor in the audit log
 * @param project      the tenant
 * @param organization the project's organization
 * @param scope        what the key may do
 * @param requestsPerMinute the key's own rate, or null for the deployment's
 */
public record Identity(String keyId, String keyPrefix, String project, String organization, Scope scope, Integer requestsPerMinute) {

    /**
     * The deployment's operator: an admin of project {@code default} (the bootstrap key's). Only the operator creates
     * projects and manages keys of projects other than its own; every other key manages its own project only.
     */
    public boolean isOperator() {
        return Projects.DEFAULT.equals(project) && scope == Scope.ADMIN;
    }
}
