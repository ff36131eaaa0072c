package dev.refinery.kit.work;

import jakarta.enterprise.context.ApplicationScoped;

import java.net.InetAddress;
import java.util.UUID;

/**
 * Names this process in the work leases it holds (one name per service process). A new name per start: a restarted
 * process must not mistake an earlier process's claim for a live one of its own.
 */
@ApplicationScoped
public class WorkerIdentity {

    private final String id = host() + "/" + UUID.randomUUID().toString().substring(0, 8);

    public String id() {
        return id;
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown-host";
        }
    }
}
