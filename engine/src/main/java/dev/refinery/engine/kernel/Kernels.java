package dev.refinery.engine.kernel;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * Chooses the kernel implementation once per JVM and runs matrix products on all cores.
 *
 * <p>The Vector API kernel is used when the {@code jdk.incubator.vector} module is in the boot layer
 * (Java 17: {@code --add-modules jdk.incubator.vector}) and a register tile is written for the CPU's
 * vector width (256 bits: AVX2; 512: AVX-512); otherwise the scalar one, and the log says why.
 * {@link MatrixKernel#name()} names the width, tile and block sizes picked. Set
 * {@code -Drefinery.engine.kernel=scalar} to force the fallback, {@code -Drefinery.engine.vectorBits=256}
 * to run the AVX2 kernel on an AVX-512 machine, and {@code -Drefinery.engine.threads=N} to change the
 * thread count (default: available processors).
 */
public final class Kernels {

    private static final Logger LOG = Logger.getLogger(Kernels.class.getName());
    /** Below this many multiply-adds a product runs on the calling thread: waking a helper costs more. */
    private static final long PARALLEL_THRESHOLD = 1L << 18;
    /**
     * Column chunks start on multiples of 32: a multiple of the packed tiles' widths (16 with AVX2, 32 with
     * AVX-512), and wider than {@link DotGemm#MAX_COLUMNS}, so no chunk takes the dot-product path when the
     * whole product would not (the two round differently).
     */
    private static final int COLUMN_ALIGN = 32;

    private static final MatrixKernel KERNEL = choose();
    /** Row chunks of a split product start on multiples of the packed kernel's tile height. */
    private static final int ROW_ALIGN = Math.max(1, KERNEL.tileRows());
    private static final int THREADS = Math.max(1, Integer.getInteger("refinery.engine.threads",
            Runtime.getRuntime().availableProcessors()));
    private static final ExecutorService POOL = THREADS > 1 ? Executors.newFixedThreadPool(THREADS - 1, daemonThreads()) : null;

    private Kernels() {
    }

    /** The single-threaded kernel (for vector ops on one row, and for tests). */
    public static MatrixKernel kernel() {
        return KERNEL;
    }

    public static int threads() {
        return THREADS;
    }

    /** The scalar kernel, whatever was chosen (tests compare the two). */
    public static MatrixKernel scalar() {
        return new ScalarKernel();
    }

    /** C = (accumulate ? C : 0) + A B^T with A stored m x k and B stored n x k, on all cores. */
    public static void matmulTransB(float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                    float[] c, int cOff, int ldc, int m, int n, int k, boolean accumulate) {
        if (m == 1) {
            gemv(a, aOff, b, bOff, ldb, c, cOff, n, k, accumulate);
            return;
        }
        gemm(false, true, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, m, n, k, accumulate);
    }

    /** C = (accumulate ? C : 0) + A B with A stored m x k and B stored k x n, on all cores. */
    public static void matmul(float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                              float[] c, int cOff, int ldc, int m, int n, int k, boolean accumulate) {
        gemm(false, false, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, m, n, k, accumulate);
    }

    /** C = (accumulate ? C : 0) + A^T B with A stored k x m and B stored k x n, on all cores. */
    public static void matmulTransA(float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                    float[] c, int cOff, int ldc, int m, int n, int k, boolean accumulate) {
        gemm(true, false, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, m, n, k, accumulate);
    }

    /**
     * {@link MatrixKernel#gemm} split over the cores: by rows of C when C is at least as tall as wide,
     * otherwise by columns. Each thread packs the whole of the operand it shares, so splitting along the
     * longer side duplicates the smaller amount of packing. Chunk edges fall on tile edges.
     */
    public static void gemm(boolean transA, boolean transB, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                            float[] c, int cOff, int ldc, int m, int n, int k, boolean accumulate) {
        long work = (long) m * n * k;
        boolean byRows = m >= n;
        int extent = byRows ? m : n;
        int align = byRows ? ROW_ALIGN : COLUMN_ALIGN;
        int chunks = Math.min(THREADS, (extent + align - 1) / align);
        if (POOL == null || work < PARALLEL_THRESHOLD || chunks < 2) {
            KERNEL.gemm(transA, transB, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, m, n, k, accumulate);
            return;
        }
        int step = ((extent + chunks - 1) / chunks + align - 1) / align * align;
        int count = (extent + step - 1) / step;
        if (count > 1 && extent - (count - 1) * step < align) {
            // A sliver narrower than a tile joins its neighbour, so every chunk takes the same kernel path
            // as the whole product would (the path depends on the width of C).
            count--;
        }
        Future<?>[] pending = new Future<?>[count];
        for (int i = 1; i < count; i++) {
            final int s = i * step;
            final int len = i == count - 1 ? extent - s : step;
            pending[i] = POOL.submit(() -> gemmPart(byRows, s, len, transA, transB, a, aOff, lda, b, bOff, ldb,
                    c, cOff, ldc, m, n, k, accumulate));
        }
        gemmPart(byRows, 0, count == 1 ? extent : step, transA, transB, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, m, n, k, accumulate);
        awaitAll(pending, 1, count);
    }

    private static void gemmPart(boolean byRows, int start, int len, boolean transA, boolean transB,
                                 float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                 float[] c, int cOff, int ldc, int m, int n, int k, boolean accumulate) {
        if (byRows) {
            int aStart = aOff + (transA ? start : start * lda);
            KERNEL.gemm(transA, transB, a, aStart, lda, b, bOff, ldb, c, cOff + start * ldc, ldc, len, n, k, accumulate);
        } else {
            int bStart = bOff + (transB ? start * ldb : start);
            KERNEL.gemm(transA, transB, a, aOff, lda, b, bStart, ldb, c, cOff + start, ldc, m, len, k, accumulate);
        }
    }

    /** y (+)= x B^T for one row x and B stored n x k (decoding), split over the cores by rows of B. */
    public static void gemv(float[] x, int xOff, float[] b, int bOff, int ldb, float[] y, int yOff, int n, int k, boolean accumulate) {
        long work = (long) n * k;
        int chunks = Math.min(THREADS, n / 64);
        if (POOL == null || work < PARALLEL_THRESHOLD || chunks < 2) {
            KERNEL.gemv(x, xOff, b, bOff, ldb, y, yOff, n, k, accumulate);
            return;
        }
        int step = ((n + chunks - 1) / chunks + 3) & ~3;
        Future<?>[] pending = new Future<?>[chunks];
        int submitted = 0;
        for (int start = step; start < n; start += step) {
            final int s = start;
            final int len = Math.min(step, n - s);
            pending[submitted++] = POOL.submit(() -> KERNEL.gemv(x, xOff, b, bOff + s * ldb, ldb, y, yOff + s, len, k, accumulate));
        }
        KERNEL.gemv(x, xOff, b, bOff, ldb, y, yOff, Math.min(step, n), k, accumulate);
        awaitAll(pending, submitted);
    }

    /** Runs {@code body.run(i)} for i in [0, count) across the cores; each index is independent work. */
    public static void parallelFor(int count, IntBody body) {
        if (POOL == null || count <= 1) {
            for (int i = 0; i < count; i++) {
                body.run(i);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        Runnable worker = () -> {
            for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                body.run(i);
            }
        };
        int helpers = Math.min(THREADS - 1, count - 1);
        Future<?>[] pending = new Future<?>[helpers];
        for (int h = 0; h < helpers; h++) {
            pending[h] = POOL.submit(worker);
        }
        worker.run();
        awaitAll(pending, helpers);
    }

    /** Work for one index of {@link #parallelFor}. */
    @FunctionalInterface
    public interface IntBody {
        void run(int index);
    }

    private static void awaitAll(Future<?>[] pending, int count) {
        awaitAll(pending, 0, count);
    }

    private static void awaitAll(Future<?>[] pending, int from, int to) {
        RuntimeException failure = null;
        for (int i = from; i < to; i++) {
            try {
                pending[i].get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = new IllegalStateException("interrupted while waiting for a kernel task", e);
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable cause = e.getCause();
                failure = cause instanceof RuntimeException re ? re : new IllegalStateException(cause);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * The vector kernel where it can run; otherwise the scalar one, with a line in the log saying why,
     * since it is many times slower: no Vector API module, or a vector width no register tile is written
     * for (neither 256 nor 512 bits, e.g. a 128-bit NEON or SSE-only machine).
     */
    private static MatrixKernel choose() {
        String forced = System.getProperty("refinery.engine.kernel", "auto");
        if ("scalar".equals(forced)) {
            LOG.fine("refinery.engine.kernel=scalar: using the scalar kernel");
            return new ScalarKernel();
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            LOG.info("the jdk.incubator.vector module is not loaded (run java with --add-modules jdk.incubator.vector): "
                    + "using the scalar kernel");
            return new ScalarKernel();
        }
        try {
            MatrixKernel k = (MatrixKernel) Class.forName("dev.refinery.engine.kernel.VectorKernel")
                    .getDeclaredConstructor().newInstance();
            LOG.fine(() -> "using kernel " + k.name());
            return k;
        } catch (java.lang.reflect.InvocationTargetException e) {
            LOG.info("no vector kernel for this CPU (" + e.getCause().getMessage() + "): using the scalar kernel");
        } catch (ReflectiveOperationException | LinkageError e) {
            LOG.warning("Vector API present but the SIMD kernel failed to load, using the scalar kernel: " + e);
        }
        return new ScalarKernel();
    }

    private static java.util.concurrent.ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "refinery-kernel-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
