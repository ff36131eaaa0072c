package dev.refinery.helm;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@EnableKubernetesMockClient(crud = true)
class HelmChartTest {

    static KubernetesClient client;

    /** The six services and their ports (each service's quarkus.http.port). */
    static final Map<String, Integer> PORTS = Map.of("gateway", 8080, "ingest-service", 8081, "validation-service", 8082,
            "training-service", 8083, "eval-service", 8084, "inference-service", 8085);

    /** Everything the chart can render at once: the Kubernetes backend, KEDA and dev Secrets on. */
    static final Object[] EVERYTHING = {"training.kubernetes.enabled", "true", "training.kubernetes.image", "trainer:1",
            "keda.enabled", "true", "createSecrets.enabled", "true", "createSecrets.postgresql.username", "u",
            "createSecrets.postgresql.password", "dev-pg-password", "createSecrets.s3.accessKey", "a",
            "createSecrets.s3.secretKey", "dev-s3-secret", "createSecrets.identitySigningKey", "dev-signing-key-0123456789abcdef0123",
            "createSecrets.bootstrapKey", "rfy_AAAAAAAA_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "createSecrets.trainingSecretsKey",
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="};

    @Test
    void lintPassesStrictly() {
        LintResult result = new Helm(Chart.DIR).lint().strict().call();
        assertFalse(result.isFailed(), () -> "helm lint --strict: " + result.getMessages());
    }

    @Test
    void defaultRenderingIsOneOfEachPerServiceAndNothingElse() {
        List<HasMetadata> objects = Chart.render();
        Map<String, Long> kinds = new TreeMap<>(objects.stream().collect(Collectors.groupingBy(HasMetadata::getKind, Collectors.counting())));
        assertEquals(Map.of("Deployment", 6L, "Service", 6L, "HorizontalPodAutoscaler", 6L, "PodDisruptionBudget", 6L,
                "NetworkPolicy", 6L), kinds);
        assertEquals(PORTS.keySet(), Chart.byName(objects, Deployment.class).keySet());
        assertEquals(PORTS.keySet(), Chart.byName(objects, Service.class).keySet());
    }

    @Test
    void parsingFailsOnAFieldTheModelDoesNotKnow() {
        String typo = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec:\n  replica: 2\n";
        AssertionError e = assertThrows(AssertionError.class, () -> Chart.parse(typo));
        assertTrue(e.getMessage().contains("Deployment/x.spec.replica"), e.getMessage());
    }

    @Test
    void everyRenderedObjectLoadsIntoTheApiServer() {
        for (List<HasMetadata> objects : List.of(Chart.render(), Chart.render(EVERYTHING),
                Chart.render(List.of(Chart.EXAMPLE)))) {
            for (HasMetadata object : objects) {
                String ns = object.getMetadata().getNamespace() == null ? Chart.NAMESPACE : object.getMetadata().getNamespace();
                if (object instanceof GenericKubernetesResource generic) {
                    var crd = new ResourceDefinitionContext.Builder().withGroup("keda.sh").withVersion("v1alpha1")
                            .withKind(generic.getKind()).withPlural("scaledobjects").withNamespaced(true).build();
                    client.genericKubernetesResources(crd).inNamespace(ns).resource(generic).createOr(r -> r.update());
                    assertNotNull(client.genericKubernetesResources(crd).inNamespace(ns).withName(generic.getMetadata().getName()).get());
                } else {
                    client.resource(object).inNamespace(ns).createOr(r -> r.update());
                    assertNotNull(client.resource(object).inNamespace(ns).get(), object.getKind() + " " + object.getMetadata().getName());
                }
            }
        }
        assertEquals(6, client.apps().deployments().inNamespace(Chart.NAMESPACE).list().getItems().size());
        assertEquals(6, client.network().v1().networkPolicies().inNamespace(Chart.NAMESPACE).list().getItems().size());
        assertEquals(1, client.rbac().roles().inNamespace("refinery-training").list().getItems().size());
    }

    @Test
    void eachServiceIsProbedScrapedAndWiredToTheServicesItCalls() {
        List<HasMetadata> objects = Chart.render(List.of(Chart.EXAMPLE));
        Map<String, Service> services = Chart.byName(objects, Service.class);
        for (Deployment d : Chart.ofKind(objects, Deployment.class)) {
            String name = d.getMetadata().getName();
            int port = PORTS.get(name);
            Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
            assertEquals(port, c.getPorts().get(0).getContainerPort(), name);
            assertEquals("/q/health/ready", c.getReadinessProbe().getHttpGet().getPath(), name);
            assertEquals("/q/health/live", c.getLivenessProbe().getHttpGet().getPath(), name);
            assertEquals("/q/health/started", c.getStartupProbe().getHttpGet().getPath(), name);
            assertNotNull(c.getResources().getRequests().get("cpu"), name);
            assertNotNull(c.getResources().getLimits().get("memory"), name);
            assertEquals(Map.of("prometheus.io/scrape", "true", "prometheus.io/port", String.valueOf(port),
                    "prometheus.io/path", "/q/metrics"), d.getSpec().getTemplate().getMetadata().getAnnotations(), name);
            assertNull(d.getSpec().getReplicas(), name + ": replicas belong to its HorizontalPodAutoscaler");
            assertEquals(port, services.get(name).getSpec().getPorts().get(0).getPort(), name);
            for (EnvVar e : c.getEnv()) {
                if (e.getName().endsWith("_URL") && e.getValue() != null && e.getValue().startsWith("http://")) {
                    String target = e.getValue().substring(7, e.getValue().lastIndexOf(':'));
                    int targetPort = Integer.parseInt(e.getValue().substring(e.getValue().lastIndexOf(':') + 1));
                    assertEquals(PORTS.get(target), targetPort, name + " " + e.getName());
                    assertEquals(targetPort, services.get(target).getSpec().getPorts().get(0).getPort());
                }
            }
        }
        Map<String, HorizontalPodAutoscaler> hpas = Chart.byName(objects, HorizontalPodAutoscaler.class);
        Map<String, PodDisruptionBudget> pdbs = Chart.byName(objects, PodDisruptionBudget.class);
        for (String name : PORTS.keySet()) {
            assertEquals(name, hpas.get(name).getSpec().getScaleTargetRef().getName());
            assertEquals("cpu", hpas.get(name).getSpec().getMetrics().get(0).getResource().getName());
            assertTrue(hpas.get(name).getSpec().getMinReplicas() >= 2, name);
            assertEquals(1, pdbs.get(name).getSpec().getMinAvailable().getIntVal(), name);
        }
    }

    /** Under another release name every object is prefixed, and the URLs and selectors follow. */
    @Test
    void anotherReleaseNamePrefixesEverythingConsistently() {
        List<HasMetadata> objects = Chart.parse(Chart.template("acme", List.of()));
        Set<String> names = PORTS.keySet().stream().map(n -> "acme-" + n).collect(Collectors.toSet());
        assertEquals(names, Chart.byName(objects, Service.class).keySet());
        assertEquals(names, Chart.byName(objects, Deployment.class).keySet());
        for (Deployment d : Chart.ofKind(objects, Deployment.class)) {
            assertEquals("acme", d.getSpec().getSelector().getMatchLabels().get("app.kubernetes.io/instance"));
            for (EnvVar e : d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()) {
                if (e.getName().startsWith("REFINERY_") && e.getName().endsWith("_URL")) {
                    assertTrue(e.getValue().startsWith("http://acme-"), d.getMetadata().getName() + " " + e.getValue());
                }
            }
        }
        for (NetworkPolicy p : Chart.ofKind(objects, NetworkPolicy.class)) {
            p.getSpec().getIngress().forEach(rule -> rule.getFrom().stream().filter(peer -> peer.getPodSelector() != null)
                    .forEach(peer -> assertEquals("acme", peer.getPodSelector().getMatchLabels().get("app.kubernetes.io/instance"))));
        }
    }

    /**
     * The URL settings the chart gives each service are the ones docker-compose.yml gives it, naming the same
     * services: one reading of who calls whom, from two places.
     */
    @Test
    void callsAreTheUrlSettingsOfDockerCompose() {
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> compose = (Map<String, Map<String, Object>>) Chart.yaml(Path.of("../../docker-compose.yml")).get("services");
        for (Deployment d : Chart.ofKind(Chart.render(), Deployment.class)) {
            String name = d.getMetadata().getName();
            // `environment: *service-env` alone (ingest-service) reads as a plain value here: no URL of its own.
            Object environment = compose.get(name).get("environment");
            Map<?, ?> env = environment instanceof Map<?, ?> m ? m : Map.of();
            Map<String, String> fromCompose = new TreeMap<>();
            env.forEach((key, v) -> {
                String k = String.valueOf(key);
                if (k.startsWith("REFINERY_") && k.endsWith("_URL")) {
                    fromCompose.put(k, String.valueOf(v));
                }
            });
            Map<String, String> fromChart = new TreeMap<>();
            d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                    .filter(e -> e.getName().startsWith("REFINERY_") && e.getName().endsWith("_URL")).forEach(e -> fromChart.put(e.getName(), e.getValue()));
            assertEquals(fromCompose, fromChart, name);
        }
    }

    /** The compose file's rule, as the chart's: only the gateway is reachable from the host, and only on loopback. */
    @Test
    void dockerComposePublishesOnlyTheGateway() {
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> compose = (Map<String, Map<String, Object>>) Chart.yaml(Path.of("../../docker-compose.yml")).get("services");
        Map<String, Object> published = new TreeMap<>();
        compose.forEach((name, service) -> {
            if (service.containsKey("ports")) {
                published.put(name, service.get("ports"));
            }
        });
        assertEquals(Map.of("gateway", List.of("127.0.0.1:8080:8080")), published);
    }

    @Test
    void networkPoliciesAllowExactlyTheStatedFlows() {
        Map<String, Set<String>> expected = Map.of(
                "gateway", Set.of("ingest-service", "validation-service", "training-service", "eval-service", "inference-service"),
                "validation-service", Set.of("ingest-service"),
                "training-service", Set.of("ingest-service", "eval-service", "inference-service"),
                "eval-service", Set.of("training-service", "inference-service"),
                "inference-service", Set.of("training-service"),
                "ingest-service", Set.of());
        for (List<HasMetadata> objects : List.of(Chart.render(), Chart.render(List.of(Chart.EXAMPLE)))) {
            NetworkPolicies policies = new NetworkPolicies(Chart.ofKind(objects, NetworkPolicy.class), PORTS);
            for (String from : PORTS.keySet()) {
                Set<String> reached = new TreeSet<>();
                for (String to : PORTS.keySet()) {
                    if (!from.equals(to) && policies.allows(from, to)) {
                        reached.add(to);
                    }
                }
                assertEquals(new TreeSet<>(expected.get(from)), reached, "services " + from + " may call");
            }
            // Only the gateway takes traffic from outside the release (Prometheus aside, on the metrics port only).
            for (String to : PORTS.keySet()) {
                assertEquals(to.equals("gateway"), policies.allowsFromOutside(to), to + " from outside");
            }
            assertEquals(Set.of("gateway", "training-service", "eval-service", "inference-service"), policies.reachingOutside());
            assertFalse(policies.reachingPort(9000).contains("gateway"), "the gateway has no S3 settings");
            assertEquals(6, policies.reachingPort(5432).size());
            assertEquals(6, policies.reachingPort(9092).size());
        }
        // With the example's selectors every egress rule names its peers: none is "anywhere on this port".
        NetworkPolicies narrow = new NetworkPolicies(Chart.ofKind(Chart.render(List.of(Chart.EXAMPLE)), NetworkPolicy.class), PORTS);
        assertEquals(List.of(), narrow.egressRulesWithoutPeers());
        assertEquals(Set.of("ingest-service", "validation-service", "training-service", "eval-service", "inference-service"), narrow.reachingPort(9000));
    }

    @Test
    void trainingServiceHasExactlyTheRbacOfTheKubernetesBackend() {
        List<HasMetadata> off = Chart.render();
        assertEquals(List.of(), Chart.ofKind(off, Role.class));
        assertEquals(List.of(), Chart.ofKind(off, RoleBinding.class));
        assertEquals(List.of(), Chart.ofKind(off, ServiceAccount.class));
        for (Deployment d : Chart.ofKind(off, Deployment.class)) {
            assertEquals(Boolean.FALSE, d.getSpec().getTemplate().getSpec().getAutomountServiceAccountToken(), d.getMetadata().getName());
        }

        List<HasMetadata> on = Chart.render("training.kubernetes.enabled", "true", "training.kubernetes.image", "trainer:1");
        Role role = Chart.ofKind(on, Role.class).get(0);
        assertEquals(1, Chart.ofKind(on, Role.class).size());
        assertEquals("refinery-training", role.getMetadata().getNamespace());
        Set<String> grants = new TreeSet<>();
        role.getRules().forEach(rule -> rule.getApiGroups().forEach(g -> rule.getResources().forEach(r -> rule.getVerbs()
                .forEach(v -> grants.add((g.isEmpty() ? "" : g + "/") + r + ":" + v)))));
        assertTrue(role.getRules().stream().allMatch(r -> r.getResourceNames() == null || r.getResourceNames().isEmpty()));
        assertEquals(new TreeSet<>(Set.of("batch/jobs:create", "batch/jobs:get", "batch/jobs:list", "batch/jobs:delete",
                "pods:list", "pods:watch", "pods/log:get", "events:list")), grants);
        RoleBinding binding = Chart.ofKind(on, RoleBinding.class).get(0);
        assertEquals("refinery-training", binding.getMetadata().getNamespace());
        assertEquals(role.getMetadata().getName(), binding.getRoleRef().getName());
        assertEquals("Role", binding.getRoleRef().getKind());
        assertEquals(1, binding.getSubjects().size());
        assertEquals("training-service", binding.getSubjects().get(0).getName());
        assertEquals(Chart.NAMESPACE, binding.getSubjects().get(0).getNamespace());
        assertEquals(List.of(), Chart.ofKind(on, io.fabric8.kubernetes.api.model.rbac.ClusterRole.class));
        for (Deployment d : Chart.ofKind(on, Deployment.class)) {
            var pod = d.getSpec().getTemplate().getSpec();
            boolean training = d.getMetadata().getName().equals("training-service");
            assertEquals(training ? "training-service" : null, pod.getServiceAccountName(), d.getMetadata().getName());
            assertEquals(training, pod.getAutomountServiceAccountToken(), d.getMetadata().getName());
        }
        // Its pods reach the API server; no other service's do.
        NetworkPolicies policies = new NetworkPolicies(Chart.ofKind(on, NetworkPolicy.class), PORTS);
        assertEquals(Set.of("training-service"), policies.reachingPort(6443));

        assertThrows(RuntimeException.class, () -> Chart.template(List.of(), "training.kubernetes.enabled", "true"),
                "the backend without a trainer image is refused");
    }

    @Test
    void noSecretValueInTheDefaultRendering() {
        String everything = Chart.template(List.of(), EVERYTHING);
        List<String> values = List.of("dev-pg-password", "dev-s3-secret", "dev-signing-key-0123456789abcdef0123",
                "rfy_AAAAAAAA_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
        for (String v : values) {
            assertTrue(everything.contains(v), "the dev option does put " + v + " in a Secret");
        }
        assertEquals(5, Chart.ofKind(Chart.parse(everything), Secret.class).size());

        String defaults = Chart.template(List.of());
        assertEquals(List.of(), Chart.ofKind(Chart.parse(defaults), Secret.class));
        // Every credential reaches the containers by reference only.
        Set<String> credentials = Set.of("QUARKUS_DATASOURCE_USERNAME", "QUARKUS_DATASOURCE_PASSWORD", "REFINERY_S3_ACCESS_KEY",
                "REFINERY_S3_SECRET_KEY", "REFINERY_IDENTITY_SIGNING_KEY", "REFINERY_AUTH_BOOTSTRAP_KEY",
                "REFINERY_TRAINING_SECRETS_KEY", "TOGETHER_API_KEY", "FIREWORKS_API_KEY", "OPENAI_API_KEY");
        int seen = 0;
        for (Deployment d : Chart.ofKind(Chart.parse(defaults), Deployment.class)) {
            for (EnvVar e : d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()) {
                if (credentials.contains(e.getName()) || e.getName().contains("KEY") || e.getName().contains("PASSWORD")) {
                    seen++;
                    assertNull(e.getValue(), d.getMetadata().getName() + " " + e.getName());
                    assertNotNull(e.getValueFrom().getSecretKeyRef(), d.getMetadata().getName() + " " + e.getName());
                }
            }
        }
        assertTrue(seen >= 6 * 3, "credentials seen: " + seen);
        // values.yaml itself holds none.
        @SuppressWarnings("unchecked")
        Map<String, Object> create = (Map<String, Object>) Chart.yaml(Chart.DIR.resolve("values.yaml")).get("createSecrets");
        assertEquals("{enabled=false, postgresql={username=, password=}, s3={accessKey=, secretKey=}, identitySigningKey=, "
                + "bootstrapKey=, trainingSecretsKey=}", create.toString());
    }

    @Test
    void kedaScalesTheConsumersOnLagInsteadOfTheirCpuAutoscaler() {
        List<HasMetadata> objects = Chart.render("keda.enabled", "true");
        Map<String, GenericKubernetesResource> scaled = Chart.byName(objects, GenericKubernetesResource.class);
        assertEquals(Set.of("ingest-service", "validation-service", "training-service", "eval-service"), scaled.keySet());
        assertEquals(Set.of("gateway", "inference-service"), Chart.byName(objects, HorizontalPodAutoscaler.class).keySet());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> triggers = (List<Map<String, Object>>) ((Map<String, Object>) scaled.get("validation-service")
                .getAdditionalProperties().get("spec")).get("triggers");
        assertEquals(Map.of("bootstrapServers", "kafka:9092", "consumerGroup", "validation-service", "topic", "dataset-uploaded",
                "lagThreshold", "50"), triggers.get(0).get("metadata"));
    }
}
