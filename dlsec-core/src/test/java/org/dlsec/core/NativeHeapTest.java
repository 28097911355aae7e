package org.dlsec.core;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import org.junit.jupiter.api.Test;

/** The native-heap governor returns freed-but-resident pages only once the resident size has grown. */
class NativeHeapTest {
    @Test
    void freedFragmentedNativeMemoryIsReturnedWhenTheResidentSizeGrew() {
        assumeTrue(NativeHeap.enabled(), "glibc's malloc_trim is not available here");
        assertTrue(NativeHeap.residentBytes() > 0);
        // a JVM that ran other tests holds freed native memory the blocks below would reuse: return it first, and
        // start the governor afresh, as a run does
        NativeHeap.trim();
        NativeHeap.reset();
        NativeHeap.beforeBatch();
        NativeHeap.beforeBatch();
        long base = NativeHeap.residentBytes();
        long trims = NativeHeap.trims();
        // 6,000 blocks of 100 KiB, written, then freed with a small block kept between each pair: the freed
        // pages sit inside the heap, so free() alone cannot return them
        int n = 6000;
        int big = 100 * 1024;
        long[] blocks = new long[n];
        long[] keep = new long[n];
        for (int i = 0; i < n; i++) {
            blocks[i] = Native.malloc(big);
            new Pointer(blocks[i]).setMemory(0, big, (byte) 1);
            keep[i] = Native.malloc(64);
        }
        for (long b : blocks) {
            Native.free(b);
        }
        long grown = NativeHeap.residentBytes();
        try {
            assumeTrue(grown - base > 400L << 20, "the freed blocks were returned already ("
                    + ((grown - base) >> 20) + " MiB grown)");
            NativeHeap.beforeBatch();
            long after = NativeHeap.residentBytes();
            assertTrue(NativeHeap.trims() > trims, "a trim was made");
            assertTrue(grown - after > 400L << 20, "resident " + (grown >> 20) + " MiB before the trim, "
                    + (after >> 20) + " MiB after");
            // the baseline follows what the trim left: the next batch does not trim again
            long t = NativeHeap.trims();
            NativeHeap.beforeBatch();
            assertTrue(NativeHeap.trims() == t, "no second trim without new growth");
        } finally {
            for (long k : keep) {
                Native.free(k);
            }
        }
    }
}
