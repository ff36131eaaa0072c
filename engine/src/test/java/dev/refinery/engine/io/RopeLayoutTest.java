package dev.refinery.engine.io;

import dev.refinery.engine.EngineException;
import dev.refinery.engine.model.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RopeLayoutTest {

    /** A [rows, cols] matrix whose every element is its row index, so that permutations are readable. */
    private static Tensor rowIds(int rows, int cols) {
        float[] d = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                d[r * cols + c] = r;
            }
        }
        return new Tensor("w", new int[] {rows, cols}, d);
    }

    private static float[] firstColumn(Tensor t) {
        int cols = t.rank() == 2 ? t.dim(1) : 1;
        float[] out = new float[t.dim(0)];
        for (int r = 0; r < out.length; r++) {
            out[r] = t.data()[r * cols];
        }
        return out;
    }

    @Test
    void toHalfGathersEvenThenOddRowsPerHead() {
        // Two heads of width 6: HF row h*6 + j*3 + i holds interleaved row h*6 + 2i + j.
        Tensor half = RopeLayout.toHalf(rowIds(12, 3), 2);
        assertArrayEquals(new float[] {0, 2, 4, 1, 3, 5, 6, 8, 10, 7, 9, 11}, firstColumn(half));
        assertArrayEquals(new float[] {0, 2, 4, 1, 3, 5, 6, 8, 10, 7, 9, 11},
                firstColumn(RopeLayout.toHalf(new Tensor("b", new int[] {12}, firstColumn(rowIds(12, 1))), 2)),
                "a bias permutes like a one-column matrix");
    }

    @Test
    void toInterleavedUndoesToHalf() {
        SplittableRandom rnd = new SplittableRandom(7);
        float[] d = new float[16 * 5];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) rnd.nextDouble();
        }
        Tensor x = new Tensor("x", new int[] {16, 5}, d);
        for (int heads : new int[] {1, 2, 4}) { // with 8 heads of width 2 the permutation is the identity
            Tensor half = RopeLayout.toHalf(x, heads);
            assertFalse(java.util.Arrays.equals(x.data(), half.data()), "the permutation moves rows for " + heads + " heads");
            assertArrayEquals(x.data(), RopeLayout.toInterleaved(half, heads).data(), heads + " heads");
            assertArrayEquals(x.data(), RopeLayout.toHalf(RopeLayout.toInterleaved(x, heads), heads).data(), heads + " heads");
        }
        assertEquals("x", RopeLayout.toHalf(x, 2).name());
    }

    /**
     * The permutation is the right one: rotating adjacent pairs and then permuting gives the same vector as
     * permuting and then rotating first half against second half, for every position.
     */
    @Test
    void interleavedRopeFollowedByPermutationEqualsPermutationFollowedByRotateHalf() {
        int heads = 2;
        int headDim = 8;
        SplittableRandom rnd = new SplittableRandom(11);
        float[] q = new float[heads * headDim];
        for (int i = 0; i < q.length; i++) {
            q[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        for (int pos : new int[] {0, 1, 5, 37}) {
            Tensor rotatedThenPermuted = RopeLayout.toHalf(vector(ropeInterleaved(q, heads, headDim, pos)), heads);
            float[] permutedThenRotated = ropeHalf(RopeLayout.toHalf(vector(q), heads).data(), heads, headDim, pos);
            assertArrayEquals(rotatedThenPermuted.data(), permutedThenRotated, 1e-6f, "position " + pos);
        }
    }

    private static Tensor vector(float[] v) {
        return new Tensor("v", new int[] {v.length}, v.clone());
    }

    private static float[] ropeInterleaved(float[] x, int heads, int headDim, int pos) {
        float[] out = x.clone();
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < headDim / 2; i++) {
                rotate(out, h * headDim + 2 * i, h * headDim + 2 * i + 1, angle(i, headDim, pos));
            }
        }
        return out;
    }

    private static float[] ropeHalf(float[] x, int heads, int headDim, int pos) {
        float[] out = x.clone();
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < headDim / 2; i++) {
                rotate(out, h * headDim + i, h * headDim + i + headDim / 2, angle(i, headDim, pos));
            }
        }
        return out;
    }

    private static double angle(int pair, int headDim, int pos) {
        return pos * Math.pow(10000, -2.0 * pair / headDim);
    }

    private static void rotate(float[] v, int a, int b, double theta) {
        double x = v[a];
        double y = v[b];
        v[a] = (float) (x * Math.cos(theta) - y * Math.sin(theta));
        v[b] = (float) (x * Math.sin(theta) + y * Math.cos(theta));
    }

    @Test
    void refusesShapesThatDoNotSplitIntoEvenHeads() {
        assertThrows(EngineException.ShapeMismatch.class, () -> RopeLayout.toHalf(rowIds(12, 2), 5));
        assertThrows(EngineException.ShapeMismatch.class, () -> RopeLayout.toHalf(rowIds(12, 2), 4), "head width 3 is odd");
    }
}
