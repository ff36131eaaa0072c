package dev.refinery.datasets.format;

import dev.refinery.datasets.model.TextMessage;
import dev.refinery.datasets.rules.Finding;

import java.util.List;

/**
 * What checking one record produced: its findings (errors and warnings), the features the target rules
 * look at, its fingerprints, its turns (for token counting, when asked for) and its normalized JSON
 * (when asked for). A view of the checker's reused buffers: valid until the next record is checked.
 */
public interface CheckedRecord {

    List<Finding> findings();

    boolean hasErrors();

    RecordFeatures features();

    long exactFingerprint();

    long normalizedFingerprint();

    /** The normalized fingerprint of the prompt only (what the model is asked); 0 for text records. */
    long promptFingerprint();

    List<TextMessage> turns();

    /** The record as the validated output stores it: the format's fields only, content byte for byte. */
    ByteBuilder normalized();

    /** Characters of the shortest trained answer (for the empty-answer statistics); -1 when there is none. */
    int shortestAnswerChars();
}
