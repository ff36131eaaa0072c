package dev.refinery.providers.kubernetes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Our job id and the Kubernetes names derived from it. The id is the backend's job id too, so the Job's name is
 * a pure function of it: a restarted service finds its Jobs again by name or by the job-id label, and a
 * repeated create with the same id meets the existing Job instead of starting a second one.
 */
final class TrainerJobIds {

    static final String JOB_ID_LABEL = "refinery.dev/job-id";
    static final String JOB_ID_ANNOTATION = "refinery.dev/job-id";
    static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
    static final String MANAGED_BY = "refinery-training-service";
    static final String NAME_LABEL = "app.kubernetes.io/name";
    static final String NAME = "refinery-trainer";

    private static final String PREFIX = "refinery-train-";
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    // A Job's name becomes its pods' label value (63 characters at most) with a 5-character suffix, so stay well under.
    private static final int MAX_SUFFIX = 63 - PREFIX.length() - 6;

    private TrainerJobIds() {
    }

    /** A label-safe form of the id: the id itself when it already is one, else a readable part plus a hash. */
    static String labelValue(String jobId) {
        if (DNS_LABEL.matcher(jobId).matches() && jobId.length() <= MAX_SUFFIX) {
            return jobId;
        }
        String readable = jobId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("^-+|-+$", "");
        String hash = sha256(jobId).substring(0, 10);
        int room = MAX_SUFFIX - hash.length() - 1;
        readable = readable.length() > room ? readable.substring(0, room).replaceAll("-+$", "") : readable;
        return readable.isEmpty() ? hash : readable + "-" + hash;
    }

    static String jobName(String jobId) {
        return PREFIX + labelValue(jobId);
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
