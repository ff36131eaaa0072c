package dev.refinery.datasets.format;

import java.nio.charset.StandardCharsets;

/** The JSON keys the formats use, as bytes, so that the checks compare them without decoding. */
final class Keys {

    private Keys() {
    }

    static final byte[] MESSAGES = b("messages");
    static final byte[] TOOLS = b("tools");
    static final byte[] PARALLEL_TOOL_CALLS = b("parallel_tool_calls");
    static final byte[] PROMPT = b("prompt");
    static final byte[] COMPLETION = b("completion");
    static final byte[] TEXT = b("text");
    static final byte[] INPUT = b("input");
    static final byte[] PREFERRED_OUTPUT = b("preferred_output");
    static final byte[] NON_PREFERRED_OUTPUT = b("non_preferred_output");
    static final byte[] CHOSEN = b("chosen");
    static final byte[] REJECTED = b("rejected");
    static final byte[] ROLE = b("role");
    static final byte[] CONTENT = b("content");
    static final byte[] WEIGHT = b("weight");
    static final byte[] NAME = b("name");
    static final byte[] TOOL_CALLS = b("tool_calls");
    static final byte[] TOOL_CALL_ID = b("tool_call_id");
    static final byte[] TYPE = b("type");
    static final byte[] IMAGE_URL = b("image_url");
    static final byte[] URL = b("url");
    static final byte[] FUNCTION = b("function");
    static final byte[] ARGUMENTS = b("arguments");
    static final byte[] ID = b("id");

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
