package dev.refinery.engine.io;

import dev.refinery.engine.model.RopeStyle;

/**
 * Where an adapter came from, recorded beside it in {@code refinery_adapter.json} (PEFT ignores that
 * file) and in the safetensors metadata.
 *
 * @param baseModel       name or path of the base model, also written as PEFT's base_model_name_or_path; may be null
 * @param baseModelSha256 SHA-256 of the base checkpoint file the adapter was trained on; may be null
 * @param baseRopeStyle   RoPE pairing of the base model during training; stored tensors are always rotate-half
 */
public record AdapterProvenance(String baseModel, String baseModelSha256, RopeStyle baseRopeStyle) {

    public static final AdapterProvenance UNKNOWN = new AdapterProvenance(null, null, null);
}
