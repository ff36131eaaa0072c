package dev.refinery.inference.openai;

import java.util.List;

/** OpenAI's model list: {@code {"object": "list", "data": [{"id", "object": "model", "created", "owned_by"}]}}. */
public record ModelList(String object, List<Model> data) {

    public static ModelList of(List<Model> models) {
        return new ModelList("list", models);
    }

    /** @param owned_by the project for its versions and aliases, {@code refinery} for the engine's base models */
    public record Model(String id, String object, long created, String owned_by) {

        public static Model of(String id, long created, String ownedBy) {
            return new Model(id, "model", created, ownedBy);
        }
    }
}
