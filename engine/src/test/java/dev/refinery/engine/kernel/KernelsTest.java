package dev.refinery.engine.kernel;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every kernel path (4x4 blocks, edges, cache blocking, threads) against a plain double-precision product. */
class KernelsTest {

    @ParameterizedTest(name = "{0}x{1}x{2}")
    @CsvSource({"1,1,1", "3,5,7", "4,4,16", "5,9,33", "17,70,600", "64,130,1100", "1,300,288", "2,7,1"})
    void everyKernelMatchesTheReference(int m, int n, int k) {
        SplittableRandom r = new SplittableRandom(m * 31L + n * 7L + k);
        int lda = k + 3;
        int ldb = k + 1;
        int ldc = n + 2;
        float[] a = random(r, 2 + m * lda);
        float[] b = random(r, 1 + n * ldb);
        float[] c0 = random(r, m * ldc);
        double[] expected = new double[m * ldc];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += (double) a[2 + i * lda + p] * b[1 + j * ldb + p];
                }
                expected[i * ldc + j] = s;
            }
        }
        MatrixKernel[] kernels = {Kernels.kernel(), Kernels.scalar()};
        for (MatrixKernel kernel : kernels) {
            for (boolean accumulate : new boolean[] {false, true}) {
                float[] c = c0.clone();
                kernel.matmulTransB(a, 2, lda, b, 1, ldb, c, 0, ldc, m, n, k, accumulate);
                check(kernel.name(), expected, c0, c, m, n, ldc, accumulate, k);
            }
        }
        for (boolean accumulate : new boolean[] {false, true}) {
            float[] c = c0.clone();
            Kernels.matmulTransB(a, 2, lda, b, 1, ldb, c, 0, ldc, m, n, k, accumulate);
            check("parallel", expected, c0, c, m, n, ldc, accumulate, k);
        }
    }

    /** The other storage layouts of {@link MatrixKernel#gemm}, including shapes that span several packed blocks and edge tiles. */
    @ParameterizedTest(name = "{0}x{1}x{2} transA={3} transB={4}")
    @CsvSource({
        "1,1,1,false,false", "3,5,7,true,false", "9,33,17,false,false", "9,33,17,true,false", "9,33,17,true,true",
        "8,32,256,false,false", "17,70,600,true,false", "64,530,300,false,false", "70,40,513,true,false",
        "600,45,20,true,true", "2,7,1,false,false", "1,300,288,true,false"})
    void everyLayoutMatchesTheReference(int m, int n, int k, boolean transA, boolean transB) {
        SplittableRandom r = new SplittableRandom(m * 131L + n * 17L + k * 3L + (transA ? 1 : 0) + (transB ? 2 : 0));
        int lda = (transA ? m : k) + 3;
        int ldb = (transB ? k : n) + 1;
        int ldc = n + 2;
        float[] a = random(r, 2 + (transA ? k : m) * lda);
        float[] b = random(r, 1 + (transB ? n : k) * ldb);
        float[] c0 = random(r, m * ldc);
        double[] expected = new double[m * ldc];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    float x = transA ? a[2 + p * lda + i] : a[2 + i * lda + p];
                    float y = transB ? b[1 + j * ldb + p] : b[1 + p * ldb + j];
                    s += (double) x * y;
                }
                expected[i * ldc + j] = s;
            }
        }
        for (boolean accumulate : new boolean[] {false, true}) {
            for (MatrixKernel kernel : new MatrixKernel[] {Kernels.kernel(), Kernels.scalar()}) {
                float[] c = c0.clone();
                kernel.gemm(transA, transB, a, 2, lda, b, 1, ldb, c, 0, ldc, m, n, k, accumulate);
                check(kernel.name(), expected, c0, c, m, n, ldc, accumulate, k);
            }
            float[] c = c0.clone();
            Kernels.gemm(transA, transB, a, 2, lda, b, 1, ldb, c, 0, ldc, m, n, k, accumulate);
            check("parallel", expected, c0, c, m, n, ldc, accumulate, k);
        }
    }

    /** Each element is one fused multiply-add chain, so splitting the work over threads must not change a bit. */
    @org.junit.jupiter.api.Test
    void parallelProductsEqualSingleThreadedOnesBitForBit() {
        SplittableRandom r = new SplittableRandom(5);
        int m = 300;
        int n = 700;
        int k = 290;
        float[] a = random(r, m * k);
        float[] b = random(r, n * k);
        for (int[] shape : new int[][] {{m, n}, {n, m}}) {
            float[] single = new float[shape[0] * shape[1]];
            float[] parallel = new float[shape[0] * shape[1]];
            float[] left = shape[0] == m ? a : b;
            float[] right = shape[0] == m ? b : a;
            Kernels.kernel().matmulTransB(left, 0, k, right, 0, k, single, 0, shape[1], shape[0], shape[1], k, false);
            Kernels.matmulTransB(left, 0, k, right, 0, k, parallel, 0, shape[1], shape[0], shape[1], k, false);
            org.junit.jupiter.api.Assertions.assertArrayEquals(single, parallel);
        }
    }

    @ParameterizedTest
    @CsvSource({"1", "15", "16", "17", "100"})
    void dotAndAxpyMatchTheReference(int len) {
        SplittableRandom r = new SplittableRandom(len);
        float[] x = random(r, len + 1);
        float[] y = random(r, len + 2);
        double dot = 0;
        for (int i = 0; i < len; i++) {
            dot += (double) x[1 + i] * y[2 + i];
        }
        assertEquals(dot, Kernels.kernel().dot(x, 1, y, 2, len), 1e-4 * (1 + Math.abs(dot)));
        float[] z = y.clone();
        Kernels.kernel().axpy(0.5f, x, 1, z, 2, len);
        for (int i = 0; i < len; i++) {
            assertEquals(y[2 + i] + 0.5f * x[1 + i], z[2 + i], 1e-6);
        }
        assertEquals(y[0], z[0]);
    }

    @org.junit.jupiter.api.Test
    void parallelForVisitsEveryIndexOnce() {
        int[] hits = new int[1000];
        Kernels.parallelFor(hits.length, i -> hits[i]++);
        for (int h : hits) {
            assertEquals(1, h);
        }
    }

    private static void check(String label, double[] expected, float[] c0, float[] c, int m, int n, int ldc, boolean accumulate, int k) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double want = expected[i * ldc + j] + (accumulate ? c0[i * ldc + j] : 0);
                double tol = 1e-5 * k + 1e-5;
                assertTrue(Math.abs(want - c[i * ldc + j]) <= tol, label + " at " + i + "," + j + ": " + c[i * ldc + j] + " vs " + want);
            }
            for (int j = n; j < ldc; j++) {
                assertEquals(c0[i * ldc + j], c[i * ldc + j], label + " wrote outside the matrix at " + i + "," + j);
            }
        }
    }

    private static float[] random(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextDouble() - 0.5);
        }
        return v;
    }
}
