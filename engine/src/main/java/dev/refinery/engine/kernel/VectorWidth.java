package dev.refinery.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.logging.Logger;

/**
 * The vector width every SIMD loop of the engine uses, chosen once per JVM: the widest the CPU runs
 * natively ({@link FloatVector#SPECIES_PREFERRED}: 512 bits with AVX-512, 256 with AVX2), or a narrower
 * one asked for with {@code -Drefinery.engine.vectorBits=256} (to compare the AVX2 kernel on an AVX-512
 * machine; {@code -XX:UseAVX=2} goes further and also takes away the extra registers). A width above the
 * native one is refused: the Vector API would emulate it lane by lane, hundreds of times slower.
 *
 * <p>Kept in one place because the species must be a {@code static final} constant for the JIT to turn
 * vector operations into instructions, and all the kernels must agree on it.
 */
final class VectorWidth {

    private static final Logger LOG = Logger.getLogger(VectorWidth.class.getName());

    static final VectorSpecies<Float> SPECIES = choose(System.getProperty("refinery.engine.vectorBits", "auto"));

    private VectorWidth() {
    }

    static int bits() {
        return SPECIES.vectorBitSize();
    }

    private static VectorSpecies<Float> choose(String requested) {
        VectorSpecies<Float> preferred = FloatVector.SPECIES_PREFERRED;
        if (requested.isBlank() || "auto".equals(requested)) {
            return preferred;
        }
        try {
            int bits = Integer.parseInt(requested.strip());
            if (bits > preferred.vectorBitSize()) {
                LOG.warning(() -> "refinery.engine.vectorBits=" + bits + " is wider than this CPU's "
                        + preferred.vectorBitSize() + "-bit vectors; using " + preferred.vectorBitSize());
                return preferred;
            }
            return VectorSpecies.of(float.class, jdk.incubator.vector.VectorShape.forBitSize(bits));
        } catch (IllegalArgumentException e) {
            LOG.warning(() -> "refinery.engine.vectorBits=" + requested + " is not 64, 128, 256 or 512; using "
                    + preferred.vectorBitSize());
            return preferred;
        }
    }
}
