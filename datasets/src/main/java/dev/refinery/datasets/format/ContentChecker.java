package dev.refinery.datasets.format;

import dev.refinery.datasets.json.JsonTape;
import dev.refinery.datasets.rules.Rule;

/**
 * Checks one content value: a string, or a list of text and image parts (the OpenAI shape that Together,
 * Fireworks and OpenAI read). Used for message contents and, as Together's own check does, for the
 * {@code prompt}, {@code completion} and {@code text} fields. A list needs at least one part: an empty one
 * carries neither text nor image (the OpenAI API refuses it as an empty array), so it is an error rather
 * than a silently empty turn.
 */
final class ContentChecker {

    static final int MAX_IMAGES = 10;

    private final RecordChecker record;
    private int imagesInLastContent;

    ContentChecker(RecordChecker record) {
        this.record = record;
    }

    /**
     * Checks a content node that is a string or an array (the caller reports other kinds in its own terms).
     * {@code role} is who speaks it (images are for user turns only). Returns the node's kind when it is
     * usable, else 0.
     */
    int check(JsonTape tape, int content, Role role, String path) {
        imagesInLastContent = 0;
        if (tape.kind(content) == JsonTape.STRING) {
            return JsonTape.STRING;
        }
        if (tape.size(content) == 0) {
            record.error(Rule.CONTENT_EMPTY, path, path + " is an empty list: it holds no text and no image");
            return 0;
        }
        int k = 0;
        boolean ok = true;
        for (int part = tape.first(content); part >= 0; part = tape.next(part), k++) {
            String partPath = path + "[" + k + "]";
            int type = tape.kind(part) == JsonTape.OBJECT ? tape.get(part, Keys.TYPE) : -1;
            if (type >= 0 && tape.stringEquals(type, Keys.TEXT)) {
                if (!tape.isString(tape.get(part, Keys.TEXT))) {
                    record.error(Rule.CONTENT_PART_INVALID, partPath + ".text", partPath + " is a text part without a \"text\" string");
                    ok = false;
                }
            } else if (type >= 0 && tape.stringEquals(type, Keys.IMAGE_URL)) {
                imagesInLastContent++;
                ok &= image(tape, part, role, partPath);
            } else {
                record.error(Rule.CONTENT_PART_INVALID, partPath, partPath + " is not a {\"type\": \"text\"} or {\"type\": \"image_url\"} part");
                ok = false;
            }
        }
        if (imagesInLastContent > 0) {
            RecordFeatures features = record.featuresForUpdate();
            features.images += imagesInLastContent;
            if (features.images > MAX_IMAGES) {
                record.error(Rule.IMAGE_INVALID, path, "the record has " + features.images + " images, more than " + MAX_IMAGES);
            }
        }
        record.featuresForUpdate().contentParts = true;
        return ok ? JsonTape.ARRAY : 0;
    }

    /** Image parts in the content last checked (the caller checks what depends on the message, such as its weight). */
    int imagesInLastContent() {
        return imagesInLastContent;
    }

    private boolean image(JsonTape tape, int part, Role role, String partPath) {
        int holder = tape.get(part, Keys.IMAGE_URL);
        int url = holder >= 0 && tape.kind(holder) == JsonTape.OBJECT ? tape.get(holder, Keys.URL) : -1;
        if (!tape.isString(url)) {
            record.error(Rule.IMAGE_INVALID, partPath + ".image_url.url", partPath + " needs \"image_url\": {\"url\": \"data:image/...;base64,...\"}");
            return false;
        }
        if (role != null && role != Role.USER) {
            record.error(Rule.IMAGE_INVALID, partPath, "images are allowed only in user messages, found one in " + role.withArticle() + " message");
            return false;
        }
        String problem = ImageData.problem(tape, url);
        if (problem != null) {
            record.error(Rule.IMAGE_INVALID, partPath + ".image_url.url", problem);
            return false;
        }
        return true;
    }
}
