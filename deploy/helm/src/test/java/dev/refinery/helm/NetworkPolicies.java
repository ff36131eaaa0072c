package dev.refinery.helm;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a release's NetworkPolicies let through, read the way the API defines them: a connection between two pods
 * needs an egress rule of the caller's policy and an ingress rule of the callee's, each matching the other pod and
 * the port (no peers: any address; no ports: any port). Pods of the release carry app.kubernetes.io/name and
 * app.kubernetes.io/instance; every pod is selected by exactly one policy, its service's.
 */
final class NetworkPolicies {

    private static final Map<String, String> MONITORING = Map.of("kubernetes.io/metadata.name", "monitoring");

    private final List<NetworkPolicy> policies;
    private final Map<String, Integer> ports;

    NetworkPolicies(List<NetworkPolicy> policies, Map<String, Integer> ports) {
        this.policies = policies;
        this.ports = ports;
        for (String svc : ports.keySet()) {
            long selecting = policies.stream().filter(p -> selects(p.getSpec().getPodSelector(), svc)).count();
            if (selecting != 1) {
                throw new AssertionError(svc + "'s pods are selected by " + selecting + " policies");
            }
            if (!policy(svc).getSpec().getPolicyTypes().containsAll(List.of("Ingress", "Egress"))) {
                throw new AssertionError(svc + "'s policy does not restrict both directions");
            }
        }
    }

    private static Map<String, String> labels(String svc) {
        return Map.of("app.kubernetes.io/name", svc, "app.kubernetes.io/instance", Chart.RELEASE,
                "app.kubernetes.io/part-of", "refinery");
    }

    private static boolean selects(LabelSelector selector, String svc) {
        if (selector.getMatchExpressions() != null && !selector.getMatchExpressions().isEmpty()) {
            throw new AssertionError("matchExpressions are not read by this check");
        }
        Map<String, String> want = selector.getMatchLabels() == null ? Map.of() : selector.getMatchLabels();
        return labels(svc).entrySet().containsAll(want.entrySet());
    }

    private NetworkPolicy policy(String svc) {
        return policies.stream().filter(p -> selects(p.getSpec().getPodSelector(), svc)).findFirst().orElseThrow();
    }

    private static boolean portMatches(List<NetworkPolicyPort> rulePorts, int port) {
        return rulePorts == null || rulePorts.isEmpty() || rulePorts.stream().anyMatch(p -> p.getPort() != null
                && Objects.equals(p.getPort().getIntVal(), port) && !"UDP".equals(p.getProtocol()));
    }

    /** A peer that is a pod of this release's service in the release's own namespace. */
    private static boolean isPod(NetworkPolicyPeer peer, String svc) {
        return peer.getIpBlock() == null && peer.getNamespaceSelector() == null && peer.getPodSelector() != null
                && selects(peer.getPodSelector(), svc);
    }

    private static boolean isReleasePod(NetworkPolicyPeer peer) {
        return peer.getIpBlock() == null && peer.getNamespaceSelector() == null && peer.getPodSelector() != null;
    }

    /** Whether {@code from}'s pods may open a connection to {@code to}'s on its port. */
    boolean allows(String from, String to) {
        int port = ports.get(to);
        boolean out = policy(from).getSpec().getEgress().stream().anyMatch(rule -> portMatches(rule.getPorts(), port)
                && (rule.getTo() == null || rule.getTo().isEmpty() || rule.getTo().stream().anyMatch(p -> isPod(p, to))));
        boolean in = policy(to).getSpec().getIngress().stream().anyMatch(rule -> portMatches(rule.getPorts(), port)
                && (rule.getFrom() == null || rule.getFrom().isEmpty() || rule.getFrom().stream().anyMatch(p -> isPod(p, from))));
        return out && in;
    }

    /** Whether anything but the release's own pods (and Prometheus's namespace) may connect to {@code to}. */
    boolean allowsFromOutside(String to) {
        return policy(to).getSpec().getIngress().stream().anyMatch(rule -> rule.getFrom() == null || rule.getFrom().isEmpty()
                || rule.getFrom().stream().anyMatch(p -> !isReleasePod(p) && !isMonitoring(p)));
    }

    private static boolean isMonitoring(NetworkPolicyPeer p) {
        return p.getIpBlock() == null && p.getPodSelector() == null && p.getNamespaceSelector() != null
                && MONITORING.equals(p.getNamespaceSelector().getMatchLabels());
    }

    /** The services with an egress rule to an address block (outside the cluster). */
    Set<String> reachingOutside() {
        Set<String> out = new TreeSet<>();
        for (String svc : ports.keySet()) {
            if (policy(svc).getSpec().getEgress().stream().anyMatch(r -> r.getTo() != null
                    && r.getTo().stream().anyMatch(p -> p.getIpBlock() != null))) {
                out.add(svc);
            }
        }
        return out;
    }

    /** The services with an egress rule on this port. */
    Set<String> reachingPort(int port) {
        Set<String> out = new TreeSet<>();
        for (String svc : ports.keySet()) {
            if (policy(svc).getSpec().getEgress().stream().anyMatch(r -> r.getPorts() != null && r.getPorts().stream()
                    .anyMatch(p -> p.getPort() != null && Objects.equals(p.getPort().getIntVal(), port)))) {
                out.add(svc);
            }
        }
        return out;
    }

    /** Every egress rule, of every service, that names no peer (any address on its ports). */
    List<String> egressRulesWithoutPeers() {
        List<String> out = new ArrayList<>();
        for (String svc : ports.keySet()) {
            var egress = policy(svc).getSpec().getEgress();
            for (int i = 0; i < egress.size(); i++) {
                if (egress.get(i).getTo() == null || egress.get(i).getTo().isEmpty()) {
                    out.add(svc + " egress[" + i + "]");
                }
            }
        }
        return out;
    }
}
