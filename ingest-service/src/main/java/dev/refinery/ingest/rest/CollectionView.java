package dev.refinery.ingest.rest;

import java.time.OffsetDateTime;

/**
 * A collection as the API shows it.
 *
 * @param checks     the check options its examples are validated with (null fields: the defaults); null if none
 * @param examples   valid examples stored
 * @param rejections refused examples in its rejection log
 */
public record CollectionView(String id, String name, OffsetDateTime createdAt, DatasetView.ChecksView checks, long examples, long rejections) {
}
