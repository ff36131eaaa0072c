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
 * (Java 17: {@code --add-modules jdk.incubator.vector}); otherwise the scalar one. Set
 * {@code -Drefinery.engine.kernel=scalar} to force the fallback and {@code -Drefinery.engine.threads=N}
 * to change the thread count (default: available processors).
 */
public final class Kernels {

    private static final Logger LOG = Logger.getLogger(Kernels.class.getName());
    /** Below this many multiply-adds a product runs on the calling thread: a hand-off costs more. */
    private static final long PARALLEL_THRESHOLD = 1L << 15;

    private static final MatrixKernel KERNEL = choose();
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

    /** {@link MatrixKernel#matmulTransB} split over the available cores, by rows of C (or columns when C has few rows). */
    public static void matmulTransB(float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                    float[] c, int cOff, int ldc, int m, int n, int k, boolean accumulate) {
        long work = (long) m * n * k;
        if (POOL == null || work < PARALLEL_THRESHOLD) {
            KERNEL.matmulTransB(a, aOff, lda, b, bOff, ldb, c, cOff, ldc, m, n, k, accumulate);
            return;
        }
        boolean byRows = m >= 4 * THREADS;
        int extent = byRows ? m : n;
        int chunks = Math.min(THREADS, Math.max(1, extent / 4));
        // Chunk edges on multiples of 4 keep every chunk on the kernel's 4x4 fast path.
        int step = ((extent + chunks - 1) / chunks + 3) & ~3;
        Future<?>[] pending = new Future<?>[chunks];
        int submitted = 0;
        for (int start = step; start < extent; start += step) {
            final int s = start;
            final int len = Math.min(step, extent - s);
            pending[submitted++] = POOL.submit(() -> part(byRows, s, len, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, m, n, k, accumulate));
        }
        part(byRows, 0, Math.min(step, extent), a, aOff, lda, b, bOff, ldb, c, cOff, ldc, m, n, k, accumulate);
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

    private static void part(boolean byRows, int start, int len, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float[] c, int cOff, int ldc, int m, int n, int k, boolean accumulate) {
        if (byRows) {
            KERNEL.matmulTransB(a, aOff + start * lda, lda, b, bOff, ldb, c, cOff + start * ldc, ldc, len, n, k, accumulate);
        } else {
            KERNEL.matmulTransB(a, aOff, lda, b, bOff + start * ldb, ldb, c, cOff + start, ldc, m, len, k, accumulate);
        }
    }

    private static void awaitAll(Future<?>[] pending, int count) {
        RuntimeException failure = null;
        for (int i = 0; i < count; i++) {
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

    private static MatrixKernel choose() {
        String forced = System.getProperty("refinery.engine.kernel", "auto");
        boolean vectorPresent = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        if (!"scalar".equals(forced) && vectorPresent) {
            try {
                MatrixKernel k = (MatrixKernel) Class.forName("dev.refinery.engine.kernel.VectorKernel")
                        .getDeclaredConstructor().newInstance();
                LOG.fine(() -> "using kernel " + k.name());
                return k;
            } catch (ReflectiveOperationException | LinkageError e) {
                LOG.warning("Vector API present but the SIMD kernel failed to load, using the scalar kernel: " + e);
            }
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
