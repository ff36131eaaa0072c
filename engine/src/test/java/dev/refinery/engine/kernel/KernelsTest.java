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
        int[][] shapes = {{300, 700, 290}, {700, 300, 290}, {20, 40, 2000}, {2048, 8, 288}, {8, 2048, 288}};
        for (int[] shape : shapes) {
            int m = shape[0];
            int n = shape[1];
            int k = shape[2];
            float[] a = random(r, m * k);
            float[] b = random(r, n * k);
            for (boolean transA : new boolean[] {false, true}) {
                for (boolean transB : new boolean[] {false, true}) {
                    int lda = transA ? m : k;
                    int ldb = transB ? k : n;
                    float[] single = new float[m * n];
                    float[] parallel = new float[m * n];
                    Kernels.kernel().gemm(transA, transB, a, 0, lda, b, 0, ldb, single, 0, n, m, n, k, false);
                    Kernels.gemm(transA, transB, a, 0, lda, b, 0, ldb, parallel, 0, n, m, n, k, false);
                    org.junit.jupiter.api.Assertions.assertArrayEquals(single, parallel,
                            m + "x" + n + "x" + k + " transA=" + transA + " transB=" + transB);
                }
            }
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

    /** The softmax helpers: exp within a few ulp of Math.exp over the range logits take, tails included. */
    @ParameterizedTest
    @CsvSource({"1", "15", "16", "17", "100", "1000"})
    void softmaxHelpersMatchTheReference(int len) {
        SplittableRandom r = new SplittableRandom(len * 7L);
        float[] x = new float[len + 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) ((r.nextDouble() - 0.5) * 60);
        }
        for (MatrixKernel kernel : new MatrixKernel[] {Kernels.kernel(), Kernels.scalar()}) {
            float[] y = x.clone();
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < len; i++) {
                max = Math.max(max, x[2 + i]);
            }
            assertEquals(max, kernel.max(y, 2, len), kernel.name());
            float sum = kernel.expShifted(y, 2, len, max);
            double want = 0;
            for (int i = 0; i < len; i++) {
                double e = Math.exp(x[2 + i] - max); // the shift is a float subtraction in the kernel too
                want += e;
                assertEquals(e, y[2 + i], 4e-7 * e + 1e-37, kernel.name() + " exp at " + i);
            }
            assertEquals(want, sum, 1e-5 * want, kernel.name() + " sum");
            assertEquals(x[0], y[0]);
            assertEquals(x[len + 2], y[len + 2]);
            kernel.scale(y, 2, len, 0.5f);
            assertEquals(x[1], y[1]);
        }
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
