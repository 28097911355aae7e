package org.dlsec.attack.poisoning;

import java.util.SplittableRandom;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Seeds;

/**
 * The blended injection of Chen, Liu, Li, Lu, Song ("Targeted Backdoor Attacks on Deep Learning
 * Systems Using Data Poisoning", 2017) with their random-pattern key: a full-image pattern k with every
 * pixel drawn uniformly from [0, 1] (from {@code seed}, the attacker's key; the same for every image of
 * a given shape), blended into the whole input, x' = (1 − α)·x + α·k; Chen et al. poison with a small
 * α such as 0.2, which leaves the image recognisable. The same blend is the trigger at test time.
 *
 * @param alpha blending weight, in (0, 1]
 * @param seed draws the pattern
 */
public record BlendedTrigger(double alpha, long seed) implements TriggerPattern {
    /**
     * Checks the blend weight.
     *
     * @param alpha blending weight, in (0, 1]
     * @param seed draws the pattern
     * @throws org.dlsec.core.DlsecException when {@code alpha} is outside (0, 1]
     */
    public BlendedTrigger {
        DlsecException.require(alpha > 0 && alpha <= 1, "alpha", "must be in (0, 1], got " + alpha);
    }

    /**
     * The key pattern for a CHW image, values in [0, 1].
     *
     * @param channels C
     * @param height H
     * @param width W
     * @return C·H·W values
     */
    public float[] pattern(int channels, int height, int width) {
        float[] k = new float[channels * height * width];
        SplittableRandom rnd = new SplittableRandom(Seeds.mix(seed, 0xB1E4DL));
        for (int i = 0; i < k.length; i++) {
            k[i] = (float) rnd.nextDouble();
        }
        return k;
    }

    @Override
    public void apply(float[] img, int channels, int height, int width) {
        float[] k = pattern(channels, height, width);
        if (img.length != k.length) {
            throw new DlsecException("a " + channels + "x" + height + "x" + width + " blend pattern does not fit an image of "
                    + img.length + " values");
        }
        float a = (float) alpha;
        for (int i = 0; i < img.length; i++) {
            img[i] = (1 - a) * img[i] + a * k[i];
        }
    }

    @Override
    public String toString() {
        return "blend(noise key " + seed + ", α " + alpha + ")";
    }
}
