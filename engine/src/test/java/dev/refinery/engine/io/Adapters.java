package dev.refinery.engine.io;

import dev.refinery.engine.lora.LoraAdapter;
import dev.refinery.engine.lora.LoraConfig;
import dev.refinery.engine.model.ModelConfig;
import dev.refinery.engine.model.Projection;
import dev.refinery.engine.model.Tensor;

import java.util.Set;
import java.util.SplittableRandom;

/** Adapters with non-zero B, as after training (a fresh adapter's B is zero, which would hide layout bugs). */
final class Adapters {

    private Adapters() {
    }

    static LoraAdapter trained(ModelConfig model, int rank, float alpha, Set<Projection> targets, long seed) {
        LoraAdapter adapter = LoraAdapter.initialise(new LoraConfig(rank, alpha, 0.05f, targets), model, seed);
        SplittableRandom rnd = new SplittableRandom(seed + 1);
        for (int layer = 0; layer < model.nLayers(); layer++) {
            for (Projection p : targets) {
                Tensor b = adapter.b(layer, p);
                for (int i = 0; i < b.size(); i++) {
                    b.data()[i] = (float) (rnd.nextDouble() * 2 - 1);
                }
            }
        }
        return adapter;
    }
}
