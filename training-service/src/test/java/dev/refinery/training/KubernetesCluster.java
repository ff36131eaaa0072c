package dev.refinery.training;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.HashMap;
import java.util.Map;
import java.util.Queue;

/**
 * fabric8's mock API server in CRUD mode (objects are stored and listed like a real API server; expectations add pod
 * logs, which CRUD mode lacks) standing in for the cluster. No controller runs: the tests play the Job controller and the
 * kubelet with {@link #client}. The service is pointed at it through the extension's own setting and has the backend on.
 */
public class KubernetesCluster implements QuarkusTestResourceLifecycleManager {

    static final String NAMESPACE = "refinery-training";
    static final String IMAGE = "registry.example/refinery-trainer:0.1.0";

    static KubernetesMockServer server;
    static KubernetesClient client;

    @Override
    public Map<String, String> start() {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        server = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(), new MockWebServer(), responses, new KubernetesMixedDispatcher(responses), false);
        server.init();
        client = server.createClient();
        return Map.ofEntries(
                Map.entry("quarkus.kubernetes-client.api-server-url", server.url("/")),
                Map.entry("quarkus.kubernetes-client.trust-certs", "true"),
                Map.entry("refinery.training.kubernetes.enabled", "true"),
                Map.entry("refinery.training.kubernetes.image", IMAGE),
                Map.entry("refinery.training.kubernetes.namespace", NAMESPACE),
                Map.entry("refinery.training.kubernetes.s3-endpoint", "http://minio.storage:9000"),
                Map.entry("refinery.training.kubernetes.node-selector.gpu-pool", "h200"),
                Map.entry("refinery.training.providers.poll-running", "PT0.2S"),
                Map.entry("refinery.training.providers.poll-queued", "PT0.2S"),
                Map.entry("refinery.training.providers.max-poll-backoff", "PT1S"),
                // The mock logs every request it answers.
                Map.entry("quarkus.log.category.\"io.fabric8.mockwebserver\".level", "WARN"));
    }

    @Override
    public void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.destroy();
        }
    }
}
