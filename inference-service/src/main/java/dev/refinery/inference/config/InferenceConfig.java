package dev.refinery.inference.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
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

    /** Where downloaded adapters and models are unpacked before loading. Empty: a folder under java.io.tmpdir. */
    Optional<Path> workDir();

    /** Answers waiting to be captured (projects that capture); one more is dropped, logged and counted, never failed. */
    @WithDefault("1000")
    int captureQueue();

    /** How often captured answers past their project's retention are deleted (read by the sweep's {@code @Scheduled}). */
    @WithDefault("1h")
    String captureSweepInterval();
}
