package dev.refinery.inference.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.inference.config.InferenceConfig;
import dev.refinery.inference.openai.OpenAiException;
import dev.refinery.inference.service.ServedTarget;
import dev.refinery.kit.storage.ObjectStorage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Puts a version's LoRA adapter into an operator's server with vLLM's documented dynamic loading
 * ({@code POST <url>/load_lora_adapter {"lora_name", "lora_path"}}, enabled on the server by
 * VLLM_ALLOW_RUNTIME_LORA_UPDATING): the adapter's files are copied from our bucket into the folder the server shares
 * with this service, and the server is told to load them under the version's id. Each adapter is loaded once per server;
 * a server that forgot it (restarted) is told again ({@link #forget}).
 */
@ApplicationScoped
public class LoraLoading {

    private static final Logger LOG = Logger.getLogger(LoraLoading.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    ObjectStorage storage;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Set<String>> loaded = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    /** Makes sure {@code server} has the adapter of {@code target}, loading it if not. */
    public void ensureLoaded(String server, InferenceConfig.Server config, ServedTarget target) {
        if (isLoaded(server, target.versionId())) {
            return;
        }
        synchronized (locks.computeIfAbsent(server + "/" + target.versionId(), k -> new Object())) {
            if (isLoaded(server, target.versionId())) {
                return;
            }
            Path dir = config.adapterDir().orElseThrow(() -> new IllegalStateException("server " + server + " has no adapter-dir"))
                    .resolve(target.versionId());
            copyAdapter(target, dir);
            String serverPath = config.serverAdapterDir().map(d -> (d.endsWith("/") ? d : d + "/") + target.versionId())
                    .orElse(dir.toString());
            load(server, config, target.versionId(), serverPath);
            loaded.computeIfAbsent(server, k -> ConcurrentHashMap.newKeySet()).add(target.versionId());
            LOG.infof("adapter of %s loaded into server %s from %s", target.versionId(), server, serverPath);
        }
    }

    /** The server no longer has the adapter (it answered that the model does not exist): load it again next time. */
    public void forget(String server, String versionId) {
        Set<String> set = loaded.get(server);
        if (set != null) {
            set.remove(versionId);
        }
    }

    public boolean isLoaded(String server, String versionId) {
        Set<String> set = loaded.get(server);
        return set != null && set.contains(versionId);
    }

    private void copyAdapter(ServedTarget target, Path dir) {
        if (!storage.bucket().equals(target.bucket())) {
            throw OpenAiException.unservable(target.model(), "its adapter is in bucket " + target.bucket() + ", and this service reads only "
                    + storage.bucket());
        }
        try {
            Files.createDirectories(dir);
            if (storage.downloadFolder(target.key(), dir).isEmpty()) {
                throw OpenAiException.unservable(target.model(), "no files under " + target.key() + " in bucket " + target.bucket());
            }
        } catch (ObjectStorage.UnsafeKeyException e) {
            throw OpenAiException.unservable(target.model(), e.getMessage());
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the adapter of " + target.versionId() + " into " + dir + ": " + e.getMessage(), e);
        }
    }

    private void load(String server, InferenceConfig.Server config, String name, String path) {
        String body;
        try {
            body = JSON.writeValueAsString(Map.of("lora_name", name, "lora_path", path));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(ServerProxy.root(config) + "/load_lora_adapter"))
                .timeout(Duration.ofMinutes(5)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        config.apiKey().filter(k -> !k.isBlank()).ifPresent(k -> request.header("Authorization", "Bearer " + k));
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw ServerErrors.unreachable(server, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ServerErrors.unreachable(server, e);
        }
        boolean alreadyThere = response.statusCode() == 400 && response.body().contains("already been loaded");
        if (response.statusCode() / 100 != 2 && !alreadyThere) {
            throw new OpenAiException(502, "server_error", "upstream_error", "model", "The inference server " + server
                    + " refused to load the adapter of " + name + " (HTTP " + response.statusCode() + "): "
                    + ServerErrors.excerpt(response.body()) + ". Is it started with LoRA enabled and VLLM_ALLOW_RUNTIME_LORA_UPDATING?", null);
        }
    }
}
