package dev.refinery.ingest.rest;

import java.time.OffsetDateTime;

/**
 * A collection as the API shows it.
 *
 * @param checks     the check options its examples are validated with (null fields: the defaults); null if none
 * @param format     the format of its examples, pinned by the first valid one (null before): others are refused
 * @param sealEvery  seals a version on its own once this many valid examples wait; null: by hand only
 * @param sealAfter  seals a version on its own once the oldest waiting valid example has waited this long (ISO-8601); null: no window
 * @param producerRate  examples a second one producer may send on average (per replica); null: the service's default
 * @param producerBurst examples one producer may send at once; null: the service's default
 * @param examples   valid examples stored
 * @param unsealed   of those, how many wait for the next version
 * @param rejections refused examples in its rejection log
 */
public record CollectionView(String id, String name, OffsetDateTime createdAt, DatasetView.ChecksView checks, String format, Integer sealEvery,
                             String sealAfter, Double producerRate, Integer producerBurst, long examples, long unsealed, long rejections) {
}
