package dev.refinery.engine.kernel;

/**
 * Block sizes of {@link PackedGemm}: kc steps of the shared dimension per packed block, nc columns of
 * op(B) per packed block. A strip of packed A (tile rows x kc) is reused against every panel of the B
 * block, so it should stay in L1; the packed B block (kc x nc) is reused by every strip of A, so it
 * should stay in L2.
 *
 * <p>kc: the A strip takes a quarter of L1d, leaving the rest for the B panel lines streaming through and
 * the C tile (32 KiB and 8 rows give 256, what the engine used before). nc: the B block takes half of
 * L2, leaving room for A's strips and C (1 MiB and kc 256 give 512). Products split the shared dimension
 * into equal blocks no deeper than kc, so kc is an upper bound, not the depth every block gets.
 */
record CacheBlocking(int kc, int nc) {

    static final int MIN_KC = 64;
    static final int MAX_KC = 1024;

    static CacheBlocking forTile(RegisterTile tile, CacheSizes caches) {
        int kc = caches.l1DataBytes() / 4 / (Float.BYTES * tile.rows);
        kc = Math.max(MIN_KC, Math.min(MAX_KC, kc - kc % 16));
        int nc = caches.l2Bytes() / 2 / (Float.BYTES * kc);
        nc = Math.max(tile.columns, nc - nc % tile.columns);
        return new CacheBlocking(kc, nc);
    }
}
