package dev.refinery.ingest.service;

import dev.refinery.ingest.repository.Dataset;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What an {@code Idempotency-Key} is bound to, "the same request": the same bytes (the body's sha256) uploaded under
 * the same dataset name with the same check options, in their canonical spelling (so {@code model=LLAMA-3.1-8B} and
 * {@code model=llama-3.1-8b} are one request, and so are options given in another order). Left out on purpose: the
 * {@code Content-Type} header, which changes nothing that is checked and which a client retrying from another library
 * may spell differently. The hash is made from what is stored with a dataset, so a dataset stored before keys were
 * bound to requests is compared the same way and needs no migration.
 *
 * @param name          the dataset name as stored (after the default and stripping)
 * @param checks        the stored form of the check options ({@code DatasetMapper.checksColumn}); null for none
 * @param contentSha256 the body's sha256, hex
 */
record UploadRequest(String name, String checks, String contentSha256) {

    static UploadRequest of(Dataset stored) {
        return new UploadRequest(stored.name, stored.checks, stored.sha256);
    }

    /** SHA-256 over the fields, each length-prefixed so that no two different requests run together into one text. */
    byte[] hash() {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String field : new String[] {name, checks, contentSha256}) {
                byte[] bytes = field == null ? new byte[0] : field.getBytes(StandardCharsets.UTF_8);
                digest.update((field == null ? "-1:" : bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
                digest.update(bytes);
            }
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    boolean sameAs(UploadRequest other) {
        return MessageDigest.isEqual(hash(), other.hash());
    }

    @Override
    public String toString() {
        return "UploadRequest[" + HexFormat.of().formatHex(hash()) + "]";
    }
}
