package org.dlsec.report;

import java.util.List;
import org.dlsec.attack.evasion.AttackResult;
import org.dlsec.data.Dataset;

/** Image grids of evasion results: original, perturbation, adversarial example, per sample. */
public final class AdversarialGrids {
    private AdversarialGrids() {}

    /**
     * Up to {@code maxRows} samples of {@code result} (successful ones first), whose ids index
     * {@code data}.
     */
    public static ImageGrid of(AttackResult result, Dataset data, int maxRows) {
        return grid(result, data, maxRows);
    }

    /** Class {@code k} as "k" or, when the data names its classes, "k name" (a long name shortened). */
    static String named(Dataset data, long k) {
        if (k < 0 || k >= data.classNames().size()) {
            return String.valueOf(k);
        }
        String n = data.classNames().get((int) k);
        return k + " " + (n.length() <= 12 ? n : n.substring(0, 11) + "…");
    }

    private static ImageGrid grid(AttackResult result, Dataset data, int maxRows) {
        int c = (int) result.sampleShape()[0];
        int h = (int) result.sampleShape()[1];
        int w = (int) result.sampleShape()[2];
        ImageGrid grid = new ImageGrid(List.of("original", "perturbation", "adversarial"), h <= 28 ? 4 : 3);
        for (boolean wantSuccess : new boolean[] {true, false}) {
            for (int i = 0; i < result.size() && grid.rows() < maxRows; i++) {
                if (result.success()[i] != wantSuccess) {
                    continue;
                }
                float[] orig = data.image((int) result.sampleIds()[i]);
                float[] adv = result.adversarialExample(i);
                float[] diff = new float[orig.length];
                for (int k = 0; k < diff.length; k++) {
                    diff[k] = adv[k] - orig[k];
                }
                grid.addRow(List.of(
                        new ImageGrid.Panel(orig, c, h, w, "label " + named(data, result.labels()[i]), false),
                        new ImageGrid.Panel(diff, c, h, w, String.format("L2 %.2f", result.l2()[i]), true),
                        new ImageGrid.Panel(adv, c, h, w, "pred " + named(data, result.adversarialPredictions()[i])
                                + (result.success()[i] ? "" : " (failed)"), false)));
            }
        }
        return grid;
    }

    /**
     * Backdoor examples: each triggered image next to its clean original (from {@code clean}, same
     * order), with the label and the poisoned model's answer.
     */
    public static ImageGrid triggers(Dataset clean, Dataset triggered, int[] predictions, int maxRows) {
        int c = (int) clean.sampleShape().get(0);
        int h = (int) clean.sampleShape().get(1);
        int w = (int) clean.sampleShape().get(2);
        ImageGrid grid = new ImageGrid(List.of("clean", "with trigger"), h <= 28 ? 4 : 3);
        for (int i = 0; i < triggered.size() && grid.rows() < maxRows; i++) {
            grid.addRow(List.of(new ImageGrid.Panel(clean.image(i), c, h, w, "label " + clean.label(i), false),
                    new ImageGrid.Panel(triggered.image(i), c, h, w, "pred " + predictions[i], false)));
        }
        return grid;
    }

    /**
     * Model-inversion reconstructions, one per class in a row with the model's confidence, above a
     * real image of each class from {@code data} for comparison.
     */
    public static ImageGrid inversion(float[][] images, double[] confidence, Dataset data) {
        int ch = (int) data.sampleShape().get(0);
        int h = (int) data.sampleShape().get(1);
        int w = (int) data.sampleShape().get(2);
        List<ImageGrid.Panel> row = new java.util.ArrayList<>();
        List<ImageGrid.Panel> real = new java.util.ArrayList<>();
        List<String> header = new java.util.ArrayList<>();
        for (int c = 0; c < images.length; c++) {
            header.add(c < data.classNames().size() ? data.classNames().get(c) : String.valueOf(c));
            row.add(new ImageGrid.Panel(images[c], ch, h, w, String.format("p=%.2f", confidence[c]), false));
            for (int i = 0; i < data.size(); i++) {
                if (data.label(i) == c) {
                    real.add(new ImageGrid.Panel(data.image(i), ch, h, w, "real image", false));
                    break;
                }
            }
        }
        ImageGrid grid = new ImageGrid(header, 3);
        grid.addRow(row);
        if (real.size() == row.size()) {
            grid.addRow(real);
        }
        return grid;
    }

    /**
     * One class's reverse-engineered trigger as {@link AdversarialGrids#reversedTriggers} draws it (the report reads
     * results, not the detector's types).
     *
     * @param mask H·W values in [0, 1]
     * @param pattern C·H·W values in [0, 1]
     * @param maskL1 ‖m‖₁ of the mask
     * @param anomalyIndex the class's anomaly index
     */
    public record ReversedTrigger(int label, float[] mask, float[] pattern, double maskL1, double anomalyIndex) {}

    /**
     * Neural Cleanse's reverse-engineered triggers, one row per class: the mask, and the mask times the
     * pattern, captioned with the mask's L1 and the class's anomaly index.
     *
     * @param sampleShape C, H, W of the model's input
     */
    public static ImageGrid reversedTriggers(List<ReversedTrigger> triggers, long[] sampleShape) {
        int ch = (int) sampleShape[0];
        int h = (int) sampleShape[1];
        int w = (int) sampleShape[2];
        ImageGrid grid = new ImageGrid(List.of("mask", "mask x pattern"), h <= 28 ? 4 : 3);
        for (ReversedTrigger t : triggers) {
            float[] masked = new float[ch * h * w];
            for (int k = 0; k < ch; k++) {
                for (int i = 0; i < h * w; i++) {
                    masked[k * h * w + i] = t.mask()[i] * t.pattern()[k * h * w + i];
                }
            }
            grid.addRow(List.of(
                    new ImageGrid.Panel(t.mask(), 1, h, w, String.format("class %d L1 %.1f", t.label(), t.maskL1()), false),
                    new ImageGrid.Panel(masked, ch, h, w, String.format("index %.2f", t.anomalyIndex()), false)));
        }
        return grid;
    }

    /**
     * One row per feature-collision target: the target with its label and the poisoned victim's answer, then up to
     * four bases and the poisons crafted from them (with their pixel L2 to the base).
     */
    public static ImageGrid featureCollision(org.dlsec.attack.poisoning.FeatureCollisionExperiment.Result r, Dataset test) {
        int c = (int) test.sampleShape().get(0);
        int h = (int) test.sampleShape().get(1);
        int w = (int) test.sampleShape().get(2);
        int shown = Math.min(4, r.poisonsPerTarget());
        List<String> header = new java.util.ArrayList<>(List.of("target"));
        for (int i = 0; i < shown; i++) {
            header.add("base " + (i + 1));
            header.add("poison " + (i + 1));
        }
        ImageGrid grid = new ImageGrid(header, h <= 28 ? 4 : 3);
        for (org.dlsec.attack.poisoning.FeatureCollisionExperiment.Target t : r.targets()) {
            List<ImageGrid.Panel> row = new java.util.ArrayList<>();
            row.add(new ImageGrid.Panel(test.image(t.index()), c, h, w, "#" + t.index() + " " + t.label() + "->"
                    + t.poisonedPrediction(), false));
            for (int i = 0; i < shown; i++) {
                row.add(new ImageGrid.Panel(test.image(t.bases()[i]), c, h, w, "#" + t.bases()[i], false));
                row.add(new ImageGrid.Panel(t.crafted().poisons()[i], c, h, w, String.format(java.util.Locale.ROOT, "L2 %.2f",
                        t.crafted().pixelL2()[i]), false));
            }
            grid.addRow(row);
        }
        return grid;
    }
}
