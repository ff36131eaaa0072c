package dev.refinery.engine.serve;

/**
 * Streams one request's output. Called on the engine's decode thread between steps, so it must be quick (hand the
 * text to the network and return); a listener that throws is taken as a client gone away and its request is cancelled.
 */
public interface TokenListener {

    /** Nobody listening: the caller only waits for the result. */
    TokenListener NONE = (id, text) -> { };

    /**
     * A generated token and the text it adds to the output. The text may be empty: bytes of a character not yet
     * complete, or characters that may be the start of a stop string, are held back until they are decided.
     */
    void onToken(int tokenId, String textDelta);

    /**
     * The end, also reported by {@link RequestHandle#result()}. {@code lastTextDelta} is the text still held back
     * (often empty); all deltas together are exactly {@code result.text()}. A request cancelled while queued, or by
     * {@link ServingEngine#close}, finishes on the thread that cancelled it.
     */
    default void onFinish(String lastTextDelta, ServingResult result) {
    }
}
