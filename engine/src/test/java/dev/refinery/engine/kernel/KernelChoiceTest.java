package dev.refinery.engine.kernel;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kernel is chosen once per JVM, so each case runs a fresh one: a machine without the Vector API
 * module, and one whose vector width no register tile is written for (128 bits stands in for NEON or
 * SSE), both get the scalar kernel and a log line that says so; a forced 256-bit width gets the AVX2 tile.
 */
class KernelChoiceTest {

    /** Entry point of the child JVM: prints the chosen kernel and checks that it multiplies correctly. */
    public static void main(String[] args) {
        float[] a = {1, 2, 3, 4, 5, 6};      // 2 x 3
        float[] b = {1, 0, 1, 0, 1, 0};      // 2 x 3, used as B^T
        float[] c = new float[4];
        Kernels.matmulTransB(a, 0, 3, b, 0, 3, c, 0, 2, 2, 2, 3, false);
        System.out.println("kernel=" + Kernels.kernel().name() + " c=" + java.util.Arrays.toString(c));
    }

    @Test
    void withoutTheVectorModuleTheScalarKernelIsUsedAndTheLogSaysSo() throws Exception {
        String out = runChild(false);
        assertTrue(out.contains("kernel=scalar c=[4.0, 2.0, 10.0, 5.0]"), out);
        assertTrue(out.contains("jdk.incubator.vector module is not loaded"), out);
    }

    @Test
    void aWidthWithoutATileFallsBackToTheScalarKernelAndTheLogSaysSo() throws Exception {
        String out = runChild(true, "-Drefinery.engine.vectorBits=128");
        assertTrue(out.contains("kernel=scalar c=[4.0, 2.0, 10.0, 5.0]"), out);
        assertTrue(out.contains("no register tile is written for 128-bit vectors"), out);
    }

    @Test
    void aForced256BitWidthUsesTheAvx2Tile() throws Exception {
        String out = runChild(true, "-Drefinery.engine.vectorBits=256");
        if (jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 256) {
            assertTrue(out.contains("kernel=vector-256 (6x16 tile"), out);
        }
        assertTrue(out.contains("c=[4.0, 2.0, 10.0, 5.0]"), out);
    }

    private static String runChild(boolean vectorModule, String... properties) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (vectorModule) {
            cmd.add("--add-modules");
            cmd.add("jdk.incubator.vector");
        }
        cmd.addAll(List.of(properties));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(KernelChoiceTest.class.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), text);
        return text;
    }
}
