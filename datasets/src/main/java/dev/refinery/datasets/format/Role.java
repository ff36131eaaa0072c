package dev.refinery.datasets.format;

/** The message roles any target accepts; a target allows a subset. Bits so that a record's roles fit in one int. */
public enum Role {
    SYSTEM("system"), USER("user"), ASSISTANT("assistant"), TOOL("tool");

    /** Every constant, in order; {@code values()} copies its array on each call, and this is read per record. */
    public static final Role[] ALL = values();

    private final String id;
    private final byte[] bytes;

    Role(String id) {
        this.id = id;
        this.bytes = id.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    public String id() {
        return id;
    }

    /** The role with its article, for messages: "a user", "an assistant". */
    public String withArticle() {
        return (id.charAt(0) == 'a' ? "an " : "a ") + id;
    }

    byte[] bytes() {
        return bytes;
    }

    public int bit() {
        return 1 << ordinal();
    }
}
