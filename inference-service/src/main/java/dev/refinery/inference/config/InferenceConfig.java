package dev.refinery.inference.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** How the engine serves ({@code refinery.inference.*}, env {@code REFINERY_INFERENCE_*}; models from {@code refinery.engine.models-dir}). */
@ConfigMapping(prefix = "refinery.inference")
public interface InferenceConfig {

    /** Sequences one engine decodes together; each holds a KV cache. */
    @WithDefault("16")
    int slots();

    /** Requests waiting for a slot, per engine; one more is answered 429 with Retry-After. */
    @WithDefault("64")
    int queue();

    /** Rows of one decode step (running sequences first, then blocks of prompts being read). */
    @WithDefault("256")
    int maxStepTokens();

    /** Bytes of LoRA adapters kept loaded per base model while no request uses them (least recently used go first). */
    @WithDefault("268435456")
    long adapterCacheBytes();

    /** Whole fine-tuned models kept loaded, each with an engine of its own (least recently used go first). */
    @WithDefault("2")
    int fullModels();

    /**
     * training-service's base URL: models a provider keeps are asked through it, with the project's key (which never leaves
     * it). Empty: such models are refused.
     */
    Optional<String> trainingUrl();

    /** Where downloaded adapters and models are unpacked before loading. Empty: a folder under java.io.tmpdir. */
    Optional<Path> workDir();

    /** Answers waiting to be captured (projects that capture); one more is dropped, logged and counted, never failed. */
    @WithDefault("1000")
    int captureQueue();

    /** How often captured answers past their project's retention are deleted (read by the sweep's {@code @Scheduled}). */
    @WithDefault("1h")
    String captureSweepInterval();

    /**
     * Mirrored requests of shadow trials waiting for the challenger and the judge; one more is not mirrored (counted), the
     * caller's answer never waits for them.
     */
    @WithDefault("100")
    int shadowQueue();

    /** How often open shadow trials are read again and those whose time is up ended (the sweep's {@code @Scheduled}). */
    @WithDefault("2s")
    String shadowRefreshInterval();

    /**
     * OpenAI-compatible inference servers the operator runs (vLLM with LoRA enabled, TGI, a KServe deployment), by a name of
     * its choosing: {@code refinery.inference.servers.lab-vllm.url=http://vllm:8000/v1}. Models registered from such a
     * server (backend {@code endpoint:<name>}) are answered there; a server with a {@code base-model} also answers that base
     * model and every LoRA adapter of it, which it is told to load (vLLM's dynamic LoRA loading) from {@code adapter-dir}.
     */
    Map<String, Server> servers();

    interface Server {

        /** The API root, version included ({@code http://vllm:8000/v1}). */
        String url();

        Optional<String> apiKey();

        /** The registry's base model this server serves (e.g. meta-llama/Llama-3.1-8B-Instruct); empty: none. */
        Optional<String> baseModel();

        /** The name the server answers the base model under; empty: the base model's id. */
        Optional<String> servedBaseName();

        /** A folder this service writes adapters into and the server reads them from (a shared volume). */
        Optional<Path> adapterDir();

        /** The same folder as the server sees it; empty: the same path. */
        Optional<String> serverAdapterDir();
    }
}
