package org.dlsec.data;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.dlsec.core.Hashing;

/**
 * Samples that are image files, decoded when read: the store holds paths, not pixels, so its memory
 * does not grow with the folder. Selections narrow the list of paths and share the decode counter
 * (which tests use to check that only the samples asked for are decoded).
 */
final class ImageFolderStore implements SampleStore {
    private final Path root;
    private final Path[] files;
    private final int channels;
    private final int height;
    private final int width;
    private final boolean resize;
    private final AtomicLong decodes;
    private volatile String digest;

    ImageFolderStore(Path root, Path[] files, int channels, int height, int width, boolean resize, AtomicLong decodes) {
        this.root = root;
        this.files = files;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.resize = resize;
        this.decodes = decodes;
    }

    @Override
    public int size() {
        return files.length;
    }

    @Override
    public void read(int i, float[] dst, int offset) {
        decodes.incrementAndGet();
        ImageDecoder.decode(files[i], channels, height, width, resize, dst, offset);
    }

    /** A batch of images: the native heap is trimmed first if earlier batches left it grown. */
    @Override
    public void read(int[] indices, float[] dst, int sampleSize) {
        org.dlsec.core.NativeHeap.beforeBatch();
        SampleStore.super.read(indices, dst, sampleSize);
    }

    @Override
    public SampleStore select(int[] indices) {
        Path[] f = new Path[indices.length];
        for (int k = 0; k < indices.length; k++) {
            f[k] = files[indices[k]];
        }
        return new ImageFolderStore(root, f, channels, height, width, resize, decodes);
    }

    /** SHA-256 over "relative path TAB sha256 of the file" lines, one per sample, in sample order. */
    @Override
    public String contentDigest() {
        String d = digest;
        if (d == null) {
            MessageDigest md = Hashing.sha256();
            for (Path f : files) {
                String sha;
                try {
                    sha = Hashing.sha256(f);
                } catch (java.io.UncheckedIOException e) {
                    throw new org.dlsec.core.DlsecException("cannot read image " + f + " to hash it: "
                            + e.getCause().getMessage(), e);
                }
                String line = root.relativize(f.toAbsolutePath()) + "\t" + sha + "\n";
                md.update(line.getBytes(StandardCharsets.UTF_8));
            }
            d = Hashing.hex(md);
            digest = d;
        }
        return d;
    }

    /** How many images this store and every selection of it have decoded so far. */
    long decodes() {
        return decodes.get();
    }

    Path file(int i) {
        return files[i];
    }
}
