package dev.refinery.engine;

/**
 * Every failure the engine reports on purpose. Each subtype carries a stable machine-readable code
 * so that services can map it to a problem response without parsing messages; the message says
 * what went wrong and where (file, tensor, line, position).
 */
public class EngineException extends RuntimeException {

    private final String code;

    protected EngineException(String code, String message) {
        super(message);
        this.code = code;
    }

    protected EngineException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** Stable code such as {@code ENGINE_CHECKPOINT_CORRUPT}. */
    public String code() {
        return code;
    }

    /** A model configuration that cannot describe a valid network. */
    public static final class InvalidConfig extends EngineException {
        public InvalidConfig(String message) {
            super("ENGINE_INVALID_CONFIG", message);
        }
    }

    /** A checkpoint file that is truncated, unreadable or internally inconsistent. */
    public static final class CorruptCheckpoint extends EngineException {
        public CorruptCheckpoint(String message) {
            super("ENGINE_CHECKPOINT_CORRUPT", message);
        }

        public CorruptCheckpoint(String message, Throwable cause) {
            super("ENGINE_CHECKPOINT_CORRUPT", message, cause);
        }
    }

    /** A tensor whose shape disagrees with what the model configuration requires. */
    public static final class ShapeMismatch extends EngineException {
        public ShapeMismatch(String message) {
            super("ENGINE_SHAPE_MISMATCH", message);
        }
    }

    /** An architecture or checkpoint feature the engine does not implement. */
    public static final class UnsupportedArchitecture extends EngineException {
        public UnsupportedArchitecture(String message) {
            super("ENGINE_UNSUPPORTED_ARCHITECTURE", message);
        }
    }

    /** A tokenizer that cannot be used with the model (vocabulary size, missing special tokens) or is malformed. */
    public static final class TokenizerMismatch extends EngineException {
        public TokenizerMismatch(String message) {
            super("ENGINE_TOKENIZER_MISMATCH", message);
        }
    }

    /** A chat that cannot be trained on or rendered (no assistant turn, unknown role, bad order). */
    public static final class InvalidChat extends EngineException {
        public InvalidChat(String message) {
            super("ENGINE_INVALID_CHAT", message);
        }
    }

    /** A sequence longer than the model's context window. */
    public static final class ContextTooLong extends EngineException {
        public ContextTooLong(String message) {
            super("ENGINE_CONTEXT_TOO_LONG", message);
        }
    }

    /** Training diverged: the loss or a gradient became NaN or infinite. */
    public static final class NonFiniteLoss extends EngineException {
        public NonFiniteLoss(String message) {
            super("ENGINE_NON_FINITE_LOSS", message);
        }
    }

    /** A caller-supplied option outside its allowed range. */
    public static final class InvalidArgument extends EngineException {
        public InvalidArgument(String message) {
            super("ENGINE_INVALID_ARGUMENT", message);
        }
    }

    /** An input file (dataset, adapter, checkpoint) that cannot be read. */
    public static final class InputError extends EngineException {
        public InputError(String message, Throwable cause) {
            super("ENGINE_INPUT_ERROR", message, cause);
        }

        public InputError(String message) {
            super("ENGINE_INPUT_ERROR", message);
        }
    }

    /** An output file (converted model, adapter) that cannot be written. */
    public static final class OutputError extends EngineException {
        public OutputError(String message, Throwable cause) {
            super("ENGINE_OUTPUT_ERROR", message, cause);
        }
    }

    /** A LoRA adapter that was trained on a different base model than the one it is applied to. */
    public static final class AdapterBaseMismatch extends EngineException {
        public AdapterBaseMismatch(String message) {
            super("ENGINE_ADAPTER_BASE_MISMATCH", message);
        }
    }

    /**
     * The serving engine's queue is full. {@link #retryAfter} is its estimate of when a place frees up, for an HTTP
     * service's 429 {@code Retry-After} header.
     */
    public static final class QueueFull extends EngineException {
        private final java.time.Duration retryAfter;

        public QueueFull(String message, java.time.Duration retryAfter) {
            super("ENGINE_QUEUE_FULL", message);
            this.retryAfter = retryAfter;
        }

        public java.time.Duration retryAfter() {
            return retryAfter;
        }
    }

    /** The serving engine was closed (shutdown, or its model unloaded): it takes no more requests. */
    public static final class EngineClosed extends EngineException {
        public EngineClosed(String message) {
            super("ENGINE_CLOSED", message);
        }
    }

    /** An adapter the serving engine was asked for that its loader does not know. */
    public static final class UnknownAdapter extends EngineException {
        public UnknownAdapter(String message) {
            super("ENGINE_UNKNOWN_ADAPTER", message);
        }
    }
}
