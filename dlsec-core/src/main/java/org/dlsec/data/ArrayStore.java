package org.dlsec.data;

/** Samples held in one float array, sample after sample. */
final class ArrayStore implements SampleStore {
    final float[] values;
    final int sampleSize;

    ArrayStore(float[] values, int sampleSize) {
        this.values = values;
        this.sampleSize = sampleSize;
    }

    @Override
    public int size() {
        return values.length / sampleSize;
    }

    @Override
    public void read(int i, float[] dst, int offset) {
        System.arraycopy(values, i * sampleSize, dst, offset, sampleSize);
    }

    @Override
    public SampleStore select(int[] indices) {
        float[] v = new float[Math.multiplyExact(indices.length, sampleSize)];
        read(indices, v, sampleSize);
        return new ArrayStore(v, sampleSize);
    }
}
