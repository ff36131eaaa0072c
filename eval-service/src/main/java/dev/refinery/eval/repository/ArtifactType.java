package dev.refinery.eval.repository;

/**
 * What a fine-tuning job produced (job-completed v2's {@code artifact.type}): the first two are in our bucket and can be
 * evaluated on the engine; a provider's model is registered with its lineage but stays with the provider.
 */
public enum ArtifactType {
    /** A PEFT LoRA adapter (adapter_config.json + adapter_model.safetensors) over the base model. */
    LORA_ADAPTER("lora-adapter"),
    /** A whole fine-tuned model (config.json + model.safetensors), read on the base model's tokenizer. */
    FULL_MODEL("full-model"),
    /** A model its provider keeps and serves (Together, Fireworks, OpenAI): known by its provider's name only. */
    PROVIDER_MODEL("provider-model");

    private final String wireName;

    ArtifactType(String wireName) {
        this.wireName = wireName;
    }

    /** Whether its weights are in object storage, where the engine can load them. */
    public boolean inBucket() {
        return this != PROVIDER_MODEL;
    }

    /** The name in events and the API. */
    public String wireName() {
        return wireName;
    }
}
