package dev.refinery.engine.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refinery.engine.EngineException;
import dev.refinery.engine.model.Tensor;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Everything needed to continue a run exactly where it stopped: trainable tensors, both Adam moments,
 * the step counter and the early-stopping state. The batch order and dropout masks are functions of
 * the seed and step, so they need no storage.
 *
 * <p>A checkpoint is written into a temporary directory and renamed into place only after every file
 * is on disk, with a {@code COMPLETE} marker last; a directory without the marker is never resumed from.
 */
public final class TrainingCheckpoint {

    static final String STATE_FILE = "trainer_state.json";
    static final String TENSORS_FILE = "optimizer_and_params.bin";
    static final String COMPLETE_MARKER = "COMPLETE";
    private static final int MAGIC = 0x52464e43; // "RFNC"
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Restored scalar state. */
    record State(int step, double bestValidationLoss, int evaluationsWithoutImprovement, long seed) {
    }

    private TrainingCheckpoint() {
    }

    static Path write(Path root, State state, List<Tensor> params, AdamW optimizer) {
        Path target = root.resolve("step-" + state.step());
        Path tmp = root.resolve(".step-" + state.step() + ".tmp");
        try {
            Files.createDirectories(root);
            deleteRecursively(tmp);
            Files.createDirectories(tmp);
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp.resolve(TENSORS_FILE)), 1 << 16))) {
                out.writeInt(MAGIC);
                out.writeInt(params.size());
                for (Tensor p : params) {
                    out.writeUTF(p.name());
                    out.writeInt(p.size());
                    writeFloats(out, p.data());
                    writeFloats(out, optimizer.firstMoment(p));
                    writeFloats(out, optimizer.secondMoment(p));
                }
            }
            ObjectNode json = JSON.createObjectNode();
            json.put("step", state.step());
            json.put("best_validation_loss", state.bestValidationLoss());
            json.put("evaluations_without_improvement", state.evaluationsWithoutImprovement());
            json.put("seed", state.seed());
            json.put("optimizer_steps", optimizer.steps());
            JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.resolve(STATE_FILE).toFile(), json);
            Files.writeString(tmp.resolve(COMPLETE_MARKER), "step " + state.step() + "\n");
            deleteRecursively(target);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new EngineException.InputError("cannot write checkpoint " + target + ": " + e.getMessage(), e);
        }
    }

    /** True when the directory holds a checkpoint that was written completely. */
    public static boolean isComplete(Path dir) {
        return Files.isRegularFile(dir.resolve(COMPLETE_MARKER)) && Files.isRegularFile(dir.resolve(TENSORS_FILE))
                && Files.isRegularFile(dir.resolve(STATE_FILE));
    }

    /** The newest complete checkpoint under {@code root}, or null. */
    public static Path latest(Path root) {
        if (!Files.isDirectory(root)) {
            return null;
        }
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("step-"))
                    .filter(TrainingCheckpoint::isComplete)
                    .max(Comparator.comparingInt(d -> Integer.parseInt(d.getFileName().toString().substring(5))))
                    .orElse(null);
        } catch (IOException e) {
            throw new EngineException.InputError("cannot list checkpoints in " + root + ": " + e.getMessage(), e);
        }
    }

    static State read(Path dir, List<Tensor> params, AdamW optimizer) {
        if (!isComplete(dir)) {
            throw new EngineException.CorruptCheckpoint(dir + " is not a complete checkpoint (missing " + COMPLETE_MARKER
                    + ", " + STATE_FILE + " or " + TENSORS_FILE + ")");
        }
        try (InputStream raw = Files.newInputStream(dir.resolve(TENSORS_FILE));
             DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
            if (in.readInt() != MAGIC) {
                throw new EngineException.CorruptCheckpoint(dir.resolve(TENSORS_FILE) + " is not a Refinery training checkpoint");
            }
            int count = in.readInt();
            if (count != params.size()) {
                throw new EngineException.ShapeMismatch("checkpoint " + dir + " holds " + count + " trainable tensors but this run has "
                        + params.size() + " (different LoRA targets or training type?)");
            }
            for (Tensor p : params) {
                String name = in.readUTF();
                int size = in.readInt();
                if (!name.equals(p.name()) || size != p.size()) {
                    throw new EngineException.ShapeMismatch("checkpoint " + dir + " has tensor " + name + " (" + size
                            + " values) where this run expects " + p.name() + " (" + p.size() + ")");
                }
                readFloats(in, p.data());
                readFloats(in, optimizer.firstMoment(p));
                readFloats(in, optimizer.secondMoment(p));
            }
            var json = JSON.readTree(dir.resolve(STATE_FILE).toFile());
            optimizer.restoreSteps(json.get("optimizer_steps").asInt());
            return new State(json.get("step").asInt(), json.get("best_validation_loss").asDouble(),
                    json.get("evaluations_without_improvement").asInt(), json.get("seed").asLong());
        } catch (java.io.EOFException e) {
            throw new EngineException.CorruptCheckpoint(dir.resolve(TENSORS_FILE) + " is truncated", e);
        } catch (IOException e) {
            throw new EngineException.InputError("cannot read checkpoint " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void writeFloats(DataOutputStream out, float[] v) throws IOException {
        for (float f : v) {
            out.writeInt(Float.floatToRawIntBits(f));
        }
    }

    private static void readFloats(DataInputStream in, float[] v) throws IOException {
        for (int i = 0; i < v.length; i++) {
            v[i] = Float.intBitsToFloat(in.readInt());
        }
    }

    private static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }

}
