package org.dlsec.attack.poisoning;

import org.dlsec.core.DlsecException;

/**
 * A backdoor trigger: a square patch of side {@code size} in the bottom-right corner, at a margin of
 * one pixel, set to {@code value} in every channel (BadNets, Gu et al. 2017), or blended into the
 * image with weight {@code alpha} (Chen et al. 2017, "Targeted Backdoor Attacks on Deep Learning
 * Systems Using Data Poisoning"): x' = (1 − α)·x + α·value inside the patch; α = 1 is BadNets.
 *
 * @param size the patch's side in pixels, 1 to 16
 * @param value the value the patch is set to, finite (1 is white for [0, 1] images)
 * @param alpha the blend weight α, in (0, 1]
 */
public record Trigger(int size, float value, double alpha) implements TriggerPattern {
    /**
     * Checks every parameter.
     *
     * @param size the patch's side in pixels, 1 to 16
     * @param value the value the patch is set to, finite (1 is white for [0, 1] images)
     * @param alpha the blend weight α, in (0, 1]
     * @throws org.dlsec.core.DlsecException when a parameter is out of range; the message names it
     */
    public Trigger {
        DlsecException.require(size >= 1 && size <= 16, "trigger size", "must be in 1..16, got " + size);
        DlsecException.require(Float.isFinite(value), "trigger value", "must be finite, got " + value);
        DlsecException.require(alpha > 0 && alpha <= 1, "alpha", "must be in (0, 1], got " + alpha);
    }

    /**
     * The BadNets white square of side {@code size}.
     *
     * @param size the side, 1 to 16
     * @return the trigger (value 1, opaque)
     * @throws org.dlsec.core.DlsecException when {@code size} is out of range
     */
    public static Trigger patch(int size) {
        return new Trigger(size, 1f, 1.0);
    }

    /** Stamps the trigger into one CHW image in place. */
    @Override
    public void apply(float[] img, int channels, int height, int width) {
        if (size + 1 > height || size + 1 > width) {
            throw new DlsecException("a trigger of size " + size + " does not fit a " + height + "x" + width + " image");
        }
        int top = height - 1 - size;
        int left = width - 1 - size;
        float a = (float) alpha;
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < size; i++) {
                for (int j = 0; j < size; j++) {
                    int k = (c * height + top + i) * width + left + j;
                    img[k] = (1 - a) * img[k] + a * value;
                }
            }
        }
    }
}
