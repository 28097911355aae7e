package org.dlsec.attack.poisoning;

import org.dlsec.data.Dataset;

/**
 * A backdoor trigger: a fixed, input-independent change stamped into an image. The BadNets patch
 * and the blended square are {@link Trigger}s; the low-visibility sparse pattern of the stealthy
 * attack is a {@link SparseTrigger}.
 */
public interface TriggerPattern {
    /**
     * Stamps the trigger into one CHW image in place (values stay in [0, 1] for [0, 1] inputs).
     *
     * @param img the image, C·H·W values; changed
     * @param channels C
     * @param height H
     * @param width W
     */
    void apply(float[] img, int channels, int height, int width);

    /**
     * Every image of {@code data} with the trigger; labels unchanged.
     *
     * @param data the images
     * @return a new in-memory dataset
     */
    default Dataset stamp(Dataset data) {
        int c = (int) data.sampleShape().get(0);
        int h = (int) data.sampleShape().get(1);
        int w = (int) data.sampleShape().get(2);
        int d = data.sampleSize();
        float[] pixels = new float[data.size() * d];
        for (int s = 0; s < data.size(); s++) {
            float[] img = data.image(s);
            apply(img, c, h, w);
            System.arraycopy(img, 0, pixels, s * d, d);
        }
        return data.withPixels(pixels, data.labels(), "trigger " + this + " stamped");
    }

    /**
     * The trigger alone, stamped on a black image of the given shape (for pictures).
     *
     * @param channels C
     * @param height H
     * @param width W
     * @return C·H·W values
     */
    default float[] onBlank(int channels, int height, int width) {
        float[] blank = new float[channels * height * width];
        apply(blank, channels, height, width);
        return blank;
    }
}
