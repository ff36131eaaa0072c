package dev.refinery.providers.spec;

/**
 * The preference-loss variants the providers expose. DPO+NLL is not a variant of its own: it is any variant
 * with a positive {@link SpecField#DPO_NLL_WEIGHT} (Together's {@code rpo_alpha}).
 */
public enum DpoVariant {
    /** Log-ratio against the reference model, as in the DPO paper. */
    STANDARD,
    /** Log-ratios divided by the response length (Together {@code dpo_normalize_logratios_by_length}). */
    LENGTH_NORMALIZED,
    /** Reference-free, length-normalised, with a target margin {@link SpecField#SIMPO_GAMMA}. */
    SIMPO
}
