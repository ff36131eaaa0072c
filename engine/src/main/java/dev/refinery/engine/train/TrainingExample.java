package dev.refinery.engine.train;

/**
 * One training sequence: token ids and which of them are prediction targets.
 *
 * @param ids      token ids
 * @param lossMask true for tokens the model is trained to produce
 */
public record TrainingExample(int[] ids, boolean[] lossMask) {

    public static TrainingExample of(dev.refinery.engine.chat.EncodedChat chat) {
        return new TrainingExample(chat.ids(), chat.assistantMask());
    }

    public int length() {
        return ids.length;
    }
}
