package org.dlsec.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.dlsec.attack.poisoning.Poisoned;
import org.dlsec.attack.poisoning.SparseTrigger;
import org.dlsec.attack.poisoning.Trigger;
import org.dlsec.attack.poisoning.TriggerPattern;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.dlsec.experiment.PoisoningOutcome;
import org.dlsec.report.AdversarialGrids;
import org.dlsec.report.ImageGrid;

/** The pictures of {@code dlsec poison --images}: poisoned samples, the trigger, triggered test images, reversed triggers. */
final class PoisonImages {
    private PoisonImages() {}

    static void write(Path dir, PoisoningOutcome out, Dataset train, Dataset test) {
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new DlsecException("cannot create --images directory " + dir + ": " + e.getMessage(), e);
        }
        int c = (int) train.sampleShape().get(0);
        int h = (int) train.sampleShape().get(1);
        int w = (int) train.sampleShape().get(2);
        Poisoned p = out.poisoned();
        ImageGrid poisoned = new ImageGrid(List.of("original", "poisoned"), h <= 28 ? 4 : 3);
        int[] idx = p.poisoned();
        for (int i = 0; i < Math.min(8, idx.length); i++) {
            poisoned.addRow(List.of(new ImageGrid.Panel(train.image(idx[i]), c, h, w, "label " + train.label(idx[i]), false),
                    new ImageGrid.Panel(p.data().image(idx[i]), c, h, w, "label " + p.data().label(idx[i]), false)));
        }
        poisoned.write(dir.resolve("poisoned-samples.png"));
        TriggerPattern trigger = out.attack().trigger();
        if (trigger != null) {
            String caption = trigger instanceof Trigger t ? t.size() + "x" + t.size() + " a=" + t.alpha()
                    : trigger instanceof SparseTrigger s ? s.pixels() + " px +" + s.amplitude() : trigger.toString();
            ImageGrid t = new ImageGrid(List.of("trigger"), h <= 28 ? 4 : 3);
            t.addRow(List.of(new ImageGrid.Panel(trigger.onBlank(c, h, w), c, h, w, caption, false)));
            t.write(dir.resolve("trigger.png"));
            Integer target = out.attack().targetClass();
            if (target != null && out.experiment().triggered() != null && out.experiment().triggered().size() > 0) {
                int[] keep = IntStream.range(0, test.size()).filter(i -> test.label(i) != target).toArray();
                AdversarialGrids.triggers(test.subset(keep, "labels other than the backdoor target"), out.experiment().triggered(),
                        out.experiment().triggeredPredictions(), 8).write(dir.resolve("triggered-test.png"));
            }
        }
        if (out.cleanse() != null) {
            ScanCommand.reversedTriggers(out.cleanse(), train.sampleShape().getShape()).write(dir.resolve("reversed-triggers.png"));
        }
    }
}
