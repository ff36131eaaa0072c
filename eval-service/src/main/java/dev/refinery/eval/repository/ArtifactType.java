package dev.refinery.eval.repository;

/** What a fine-tuning job produced that an evaluation compares with its base (job-completed v2's {@code artifact.type}). */
public enum ArtifactType {
    /** A PEFT LoRA adapter (adapter_config.json + adapter_model.safetensors) over the base model. */
    LORA_ADAPTER("lora-adapter"),
    /** A whole fine-tuned model (config.json + model.safetensors), read on the base model's tokenizer. */
    FULL_MODEL("full-model");

    private final String wireName;

    ArtifactType(String wireName) {
        this.wireName = wireName;
    }

    /** The name in events and the API. */
    public String wireName() {
        return wireName;
    }
}
