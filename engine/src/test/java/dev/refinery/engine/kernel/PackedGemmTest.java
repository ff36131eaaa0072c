package dev.refinery.engine.kernel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each register tile (whatever this machine's native width: a tile for a wider one runs emulated, slowly
 * but correctly) and each blocking against the scalar kernel, on shapes that are not multiples of any
 * tile, in the four storage layouts. Every configuration must also give the same bits as every other:
 * each element of C is one FMA chain in k order whatever the tile or block it falls in.
 */
class PackedGemmTest {

    private static List<PackedGemm> configurations() {
        List<PackedGemm> all = new ArrayList<>();
        for (RegisterTile tile : new RegisterTile[] {new Tile6x16(), new Tile4x16(), new Tile8x32()}) {
            all.add(new PackedGemm(tile, CacheBlocking.forTile(tile, new CacheSizes(32 * 1024, 1024 * 1024, true))));
            // Tiny blocks: several k-blocks and several column blocks even on these small shapes.
            all.add(new PackedGemm(tile, new CacheBlocking(16, 2 * tile.columns)));
        }
        return all;
    }

    @ParameterizedTest(name = "{0}x{1}x{2} transA={3} transB={4}")
    @CsvSource({
        "1,1,1,false,true", "1,1,1,true,false", "7,13,5,false,true", "7,13,5,false,false", "7,13,5,true,false",
        "7,13,5,true,true", "13,37,41,false,true", "13,37,41,true,false", "25,70,100,false,false",
        "25,70,100,true,true", "6,16,33,false,true", "8,32,17,true,false", "1,100,3,false,false", "50,1,9,false,true"})
    void everyTileAndBlockingMatchesTheScalarKernelAndEachOther(int m, int n, int k, boolean transA, boolean transB) {
        SplittableRandom r = new SplittableRandom(m * 1009L + n * 31L + k + (transA ? 7 : 0) + (transB ? 11 : 0));
        int lda = (transA ? m : k) + 2;
        int ldb = (transB ? k : n) + 3;
        int ldc = n + 1;
        float[] a = random(r, 1 + (transA ? k : m) * lda);
        float[] b = random(r, 2 + (transB ? n : k) * ldb);
        float[] c0 = random(r, m * ldc);
        for (boolean accumulate : new boolean[] {false, true}) {
            float[] want = c0.clone();
            Kernels.scalar().gemm(transA, transB, a, 1, lda, b, 2, ldb, want, 0, ldc, m, n, k, accumulate);
            float[] first = null;
            for (PackedGemm gemm : configurations()) {
                float[] c = c0.clone();
                gemm.gemm(transA, transB, a, 1, lda, b, 2, ldb, c, 0, ldc, m, n, k, accumulate);
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < ldc; j++) {
                        int at = i * ldc + j;
                        if (j < n) {
                            assertEquals(want[at], c[at], 1e-5 * (k + 1), gemm + " at " + i + "," + j);
                        } else {
                            assertEquals(c0[at], c[at], gemm + " wrote outside C at " + i + "," + j);
                        }
                    }
                }
                if (first == null) {
                    first = c;
                } else {
                    assertArrayEquals(first, c, gemm + " rounds differently from " + configurations().get(0));
                }
            }
        }
    }

    @Test
    void blockingFollowsTheCacheSizes() {
        CacheSizes zen4 = new CacheSizes(32 * 1024, 1024 * 1024, true);
        assertEquals(new CacheBlocking(256, 512), CacheBlocking.forTile(new Tile8x32(), zen4));
        CacheBlocking avx2 = CacheBlocking.forTile(new Tile6x16(), zen4);
        assertEquals(336, avx2.kc());
        assertEquals(0, avx2.nc() % 16);
        assertTrue(avx2.nc() * avx2.kc() * 4 <= 512 * 1024);
        // Absurdly small caches still give usable blocks.
        CacheBlocking tiny = CacheBlocking.forTile(new Tile8x32(), new CacheSizes(1024, 4096, true));
        assertEquals(CacheBlocking.MIN_KC, tiny.kc());
        assertEquals(32, tiny.nc());
    }

    @Test
    void cacheSizesAreReadFromSysfsWithDefaultsForWhatIsMissing(@TempDir Path dir) throws IOException {
        writeCache(dir.resolve("index0"), "1", "Data", "48K");
        writeCache(dir.resolve("index1"), "1", "Instruction", "32K");
        writeCache(dir.resolve("index2"), "2", "Unified", "2048K");
        writeCache(dir.resolve("index3"), "3", "Unified", "32768K");
        assertEquals(new CacheSizes(48 * 1024, 2048 * 1024, true), CacheSizes.read(dir));

        CacheSizes none = CacheSizes.read(dir.resolve("absent"));
        assertFalse(none.detected());
        assertEquals(CacheSizes.DEFAULT_L1, none.l1DataBytes());
        assertEquals(CacheSizes.DEFAULT_L2, none.l2Bytes());
        assertEquals(1024 * 1024, CacheSizes.parseSize("1M"));
        assertEquals(512, CacheSizes.parseSize("512"));
    }

    @Test
    void widthsWithoutATileHaveNone() {
        assertNull(RegisterTile.forVectorBits(128));
        assertNull(RegisterTile.forVectorBits(64));
        assertEquals(256, RegisterTile.forVectorBits(256).vectorBits());
        assertEquals(512, RegisterTile.forVectorBits(512).vectorBits());
    }

    @Test
    void theFewRowsTileIsOfferedOnlyWhereItPadsLess() {
        assertEquals(4, RegisterTile.forFewRows(256).rows);
        assertNull(RegisterTile.forFewRows(512));
        assertEquals(12, new Tile6x16().paddedRows(8));
        assertEquals(8, new Tile4x16().paddedRows(8));
        assertEquals(2048, new Tile8x32().paddedRows(2048));
    }

    @Test
    void theChosenKernelNamesItsTile() {
        String name = Kernels.kernel().name();
        assertTrue(name.equals("scalar") || name.matches("vector-\\d+ \\(\\d+x\\d+ tile, kc \\d+, nc \\d+(; \\d+x\\d+ tile for few rows)?; L1d \\d+ KiB, L2 \\d+ KiB( \\(defaults\\))?\\)"), name);
    }

    private static void writeCache(Path dir, String level, String type, String size) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("level"), level + "\n");
        Files.writeString(dir.resolve("type"), type + "\n");
        Files.writeString(dir.resolve("size"), size + "\n");
    }

    private static float[] random(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextDouble() - 0.5);
        }
        return v;
    }
}
