package org.dlsec.attack.poisoning;

import java.util.SplittableRandom;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Seeds;

/**
 * A low-visibility backdoor trigger: {@code pixels} positions, drawn once from {@code seed} over the
 * whole image, are raised by {@code amplitude} in every channel and clipped to 1. Its L0 norm is at
 * most {@code pixels} per channel and its L∞ norm at most {@code amplitude}: unlike the BadNets
 * square it is a scatter of faint dots, and on bright pixels (digit strokes) it vanishes in the clip.
 * It is the trigger of the {@linkplain StealthyAttack stealthy training attack}; the idea of a key
 * pattern spread over the image at low amplitude follows the blended injection of Chen et al.
 * (2017), made sparse and L∞-bounded here.
 *
 * @param pixels number of trigger positions (1 .. H·W)
 * @param amplitude additive change at each position, in (0, 1]
 * @param seed draws the positions (the attacker's secret key)
 */
public record SparseTrigger(int pixels, float amplitude, long seed) implements TriggerPattern {
    /**
     * Checks every parameter.
     *
     * @param pixels number of trigger positions (1 .. H·W)
     * @param amplitude additive change at each position, in (0, 1]
     * @param seed draws the positions (the attacker's secret key)
     * @throws org.dlsec.core.DlsecException when a parameter is out of range; the message names it
     */
    public SparseTrigger {
        DlsecException.require(pixels >= 1 && pixels <= 4096, "trigger pixels", "must be in 1..4096, got " + pixels);
        DlsecException.require(amplitude > 0 && amplitude <= 1, "amplitude", "must be in (0, 1], got " + amplitude);
    }

    /**
     * The trigger positions (row-major indices into an H×W plane), the same for every image of that size.
     *
     * @param height H
     * @param width W
     * @return {@code pixels} distinct indices
     */
    public int[] positions(int height, int width) {
        int plane = height * width;
        if (pixels > plane) {
            throw new DlsecException("invalid trigger pixels: " + pixels + " do not fit a " + height + "x" + width + " image");
        }
        int[] all = new int[plane];
        for (int i = 0; i < plane; i++) {
            all[i] = i;
        }
        SplittableRandom rnd = new SplittableRandom(Seeds.mix(seed, 0x5EA1L));
        for (int i = 0; i < pixels; i++) {
            int j = i + rnd.nextInt(plane - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        return java.util.Arrays.copyOf(all, pixels);
    }

    @Override
    public void apply(float[] img, int channels, int height, int width) {
        int[] at = positions(height, width);
        int plane = height * width;
        for (int c = 0; c < channels; c++) {
            for (int p : at) {
                int k = c * plane + p;
                img[k] = Math.min(1f, img[k] + amplitude);
            }
        }
    }

    @Override
    public String toString() {
        return "sparse(" + pixels + " px, +" + amplitude + ", key " + seed + ")";
    }
}
