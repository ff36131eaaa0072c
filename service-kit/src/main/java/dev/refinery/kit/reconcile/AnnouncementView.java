package dev.refinery.kit.reconcile;

/** The answer to {@code POST {collection}/{id}/announce}: which item's event was published again, on which topic. */
public record AnnouncementView(String id, String topic) {
}
