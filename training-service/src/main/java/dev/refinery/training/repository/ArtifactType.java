package dev.refinery.training.repository;

/** What a SUCCEEDED job produced, as stored and as job-completed v2 names it. */
public enum ArtifactType {
    /** A PEFT LoRA adapter (adapter_config.json + adapter_model.safetensors) over the base model. */
    LORA_ADAPTER("lora-adapter"),
    /** A whole model (config.json + model.safetensors), the result of full fine-tuning. */
    FULL_MODEL("full-model"),
    /** A model kept and served by the provider that chose how to train it (OpenAI's managed fine-tuning). */
    PROVIDER_MODEL("provider-model");

    private final String wireName;

    ArtifactType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
