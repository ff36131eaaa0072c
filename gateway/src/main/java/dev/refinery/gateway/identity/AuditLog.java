package dev.refinery.gateway.identity;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/** Who did what, per tenant: written by the gateway for every audited route it answered with success. */
@ApplicationScoped
public class AuditLog {

    private static final int MAX_TARGET = 300;

    /** An entry in {@code tenant}'s log: the caller's own project, or the one the action concerned. */
    @Transactional
    public void record(Identity who, String tenant, String action, String target, int status) {
        AuditEntry e = new AuditEntry();
        e.at = OffsetDateTime.now(ZoneOffset.UTC);
        e.tenant = tenant;
        e.actor = who.keyPrefix().length() <= 100 ? who.keyPrefix() : who.keyPrefix().substring(0, 100);
        e.action = action;
        e.target = target == null || target.length() <= MAX_TARGET ? target : target.substring(0, MAX_TARGET);
        e.status = status;
        e.persist();
    }

    /** The tenant's entries, newest first, optionally of one action only. */
    @Transactional
    public List<AuditEntry> recent(String tenant, String action, int limit) {
        var query = action == null
                ? AuditEntry.<AuditEntry>find("tenant = ?1 order by id desc", tenant)
                : AuditEntry.<AuditEntry>find("tenant = ?1 and action = ?2 order by id desc", tenant, action);
        return query.page(0, limit).list();
    }
}
