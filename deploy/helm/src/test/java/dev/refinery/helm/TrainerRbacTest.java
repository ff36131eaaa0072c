package dev.refinery.helm;

import dev.refinery.catalog.TrainingMethod;
import dev.refinery.providers.kubernetes.KubernetesTrainerBackend;
import dev.refinery.providers.kubernetes.KubernetesTrainerConfig;
import dev.refinery.providers.kubernetes.TrainerStorage;
import dev.refinery.providers.spec.BatchSize;
import dev.refinery.providers.spec.ContentSource;
import dev.refinery.providers.spec.DatasetFile;
import dev.refinery.providers.spec.DatasetFormat;
import dev.refinery.providers.spec.DatasetRefs;
import dev.refinery.providers.spec.EffectiveSpec;
import dev.refinery.providers.spec.JobSpec;
import dev.refinery.providers.spec.SpecValues;
import dev.refinery.providers.spi.UploadedFile;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The chart's Role for training-service against what its Kubernetes backend really asks of the API server: every
 * operation of the backend is run against the mock server, each request is read back as (resource, verb), and the
 * set must equal the Role's grants - nothing the backend needs is missing, nothing it never uses is granted.
 */
@EnableKubernetesMockClient(crud = true)
class TrainerRbacTest {

    static final String NS = "refinery-training";
    static final String JOB_ID = "job-7";
    private static final Pattern PATH = Pattern.compile(
            "^/(?:api/v1|apis/([^/]+)/[^/]+)/namespaces/([^/]+)/([^/?]+)(?:/([^/?]+))?(?:/([^/?]+))?(?:\\?(.*))?$");

    KubernetesMockServer server;
    KubernetesClient client;

    @Test
    void theRoleGrantsExactlyWhatTheBackendAsks() throws Exception {
        KubernetesTrainerConfig config = new KubernetesTrainerConfig(NS, "registry.example/refinery-trainer:0.1.0", 1,
                "http://minio:9000", "refinery", "refinery-s3", 2, Duration.ofHours(6), Duration.ofHours(12), null, Map.of(), null);
        KubernetesTrainerBackend backend = new KubernetesTrainerBackend(client, config, new MapStorage());
        int before = server.getRequestCount();

        UploadedFile training = backend.upload(file("train.jsonl", "{\"messages\":[]}\n"));
        JobSpec spec = JobSpec.builder(DatasetRefs.trainingOnly(file("train.jsonl", "{}\n")), "meta-llama/Llama-3.2-1B-Instruct",
                TrainingMethod.SFT).lora(16, 32.0, 0.05, List.of("q_proj", "v_proj")).epochs(1).batchSize(BatchSize.of(4)).build();
        EffectiveSpec effective = backend.resolve(spec, SpecValues.EMPTY);
        backend.create(effective, training, null, JOB_ID);
        backend.create(effective, training, null, JOB_ID); // the 409 path
        // The Job controller's part: a pod of the job, and an event about it (made by the test, not counted).
        String pod = "refinery-train-" + JOB_ID + "-abcde";
        var labels = client.batch().v1().jobs().inNamespace(NS).list().getItems().get(0).getSpec().getTemplate().getMetadata().getLabels();
        int setupFrom = server.getRequestCount();
        client.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName(pod).withLabels(labels).endMetadata()
                .withNewSpec().addNewContainer().withName("trainer").withImage("t").endContainer().endSpec().build()).create();
        client.v1().events().inNamespace(NS).resource(new EventBuilder().withNewMetadata().withName("e1").endMetadata()
                .withNewInvolvedObject().withKind("Pod").withName(pod).endInvolvedObject().withReason("Scheduled").build()).create();
        int setupTo = server.getRequestCount();

        backend.get(JOB_ID);
        backend.list(null);
        backend.findByJobId(JOB_ID);
        backend.progress(JOB_ID);
        backend.events(JOB_ID, null);
        backend.metrics(JOB_ID);
        backend.checkpoints(JOB_ID);
        backend.cancel(JOB_ID);

        Set<String> asked = new TreeSet<>();
        int total = server.getRequestCount();
        for (int i = 0; i < total; i++) {
            RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
            assertNotNull(request);
            if (i < before || (i >= setupFrom && i < setupTo)) {
                continue;
            }
            asked.add(grant(request));
        }

        Role role = Chart.ofKind(Chart.render("training.kubernetes.enabled", "true", "training.kubernetes.image", "t:1"), Role.class).get(0);
        Set<String> granted = new TreeSet<>();
        role.getRules().forEach(rule -> rule.getApiGroups().forEach(g -> rule.getResources().forEach(r -> rule.getVerbs()
                .forEach(v -> granted.add((g.isEmpty() ? "" : g + "/") + r + ":" + v)))));
        // fabric8 watches a job's pods only when they are not settled at once (timing): the Role allows it, and every
        // request the backend made is allowed; nothing is granted that the backend never asks for
        assertTrue(granted.containsAll(asked), "asked " + asked + ", granted " + granted);
        Set<String> sometimes = Set.of("pods:watch");
        Set<String> always = new TreeSet<>(granted);
        always.removeAll(sometimes);
        assertTrue(asked.containsAll(always), "granted but never asked: " + always + " vs " + asked);
    }

    /** "group/resource[/subresource]:verb" of one request, as RBAC names it; every request is in the trainer namespace. */
    private static String grant(RecordedRequest request) {
        Matcher m = PATH.matcher(request.getPath());
        if (!m.matches()) {
            throw new AssertionError("not a namespaced request: " + request.getMethod() + " " + request.getPath());
        }
        assertEquals(NS, m.group(2), request.getPath());
        String group = m.group(1) == null ? "" : m.group(1) + "/";
        String resource = m.group(3) + (m.group(5) == null ? "" : "/" + m.group(5));
        boolean named = m.group(4) != null;
        String query = m.group(6) == null ? "" : m.group(6);
        String verb = switch (request.getMethod()) {
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> named ? "delete" : "deletecollection";
            case "GET" -> query.contains("watch=true") ? "watch" : named ? "get" : "list";
            default -> throw new AssertionError(request.getMethod());
        };
        return group + resource + ":" + verb;
    }

    private static DatasetFile file(String name, String content) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        return new DatasetFile(name, DatasetFormat.JSONL, bytes.length, () -> new ByteArrayInputStream(bytes));
    }

    /** The bucket as a map. */
    static final class MapStorage implements TrainerStorage {
        final Map<String, byte[]> objects = new ConcurrentHashMap<>();

        @Override
        public void put(String key, ContentSource content, long sizeBytes) throws java.io.IOException {
            try (InputStream in = content.open()) {
                objects.put(key, in.readAllBytes());
            }
        }

        @Override
        public Optional<InputStream> open(String key) {
            byte[] bytes = objects.get(key);
            return bytes == null ? Optional.empty() : Optional.of(new ByteArrayInputStream(bytes));
        }
    }
}
