package org.dlsec.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Finite;
import org.dlsec.core.NumericalIssue;
import org.dlsec.core.Tensors;
import org.dlsec.model.DjlClassifier;

/**
 * What {@link ModelTrainer} does when a batch goes non-finite, so that a NaN of the optimisation's own
 * making does not end a run:
 *
 * <ul>
 *   <li>loss and gradients finite: the update is taken; every {@value #SNAPSHOT_EVERY} such updates the
 *       (finite) parameters are copied as the snapshot to go back to;</li>
 *   <li>loss or gradients not finite, parameters finite: the batch is skipped (its gradients cleared,
 *       no update);</li>
 *   <li>parameters not finite, or a third non-finite batch in a row (a step blew up): the snapshot is
 *       restored, the learning rate halved, and the caller resets the optimiser's state;</li>
 *   <li>more than {@value #MAX_IN_A_ROW} non-finite batches in a row, or the rate halved more than
 *       {@value #MAX_HALVINGS} times: the run does not recover and stops with a {@link DlsecException}.</li>
 * </ul>
 * Adversarial or otherwise transformed batches that are not finite fall back to their clean rows.
 * Every event becomes a {@link NumericalIssue} (method {@code train}).
 */
final class NumericalGuard {
    static final int SNAPSHOT_EVERY = 20;
    static final int MAX_IN_A_ROW = 20;
    static final int MAX_HALVINGS = 10;

    enum Verdict { OK, SKIPPED, RESTORED }

    private final Tracker base;
    private final List<NumericalIssue> issues = new ArrayList<>();
    private double factor = 1;
    private int halvings;
    private int inARow;
    private int skipped;
    private int step;
    private int updates;
    private int sinceSnapshot;
    private int snapshotUpdate;
    private float[][] snapshot;

    NumericalGuard(Tracker base) {
        this.base = base;
    }

    /** The learning rate for a new optimiser: the schedule, continued where it was, times the current factor. */
    Tracker tracker() {
        int offset = updates;
        return numUpdate -> (float) (base.getNewValue(offset + numUpdate) * factor);
    }

    /**
     * Decides about the batch whose loss is {@code loss} and whose gradients sit in the model's
     * parameters. On anything but {@link Verdict#OK} the gradients are cleared and no update must be taken;
     * on {@link Verdict#RESTORED} the caller must also reset the optimiser.
     */
    Verdict check(DjlClassifier model, float loss, String subject) {
        step++;
        List<NDArray> params = trainable(model);
        boolean lossOk = Float.isFinite(loss);
        boolean gradsOk = lossOk && gradientsFinite(params);
        if (gradsOk) {
            inARow = 0;
            if (snapshot == null || sinceSnapshot >= SNAPSHOT_EVERY) {
                float[][] copy = read(params);
                if (copy != null) {
                    snapshot = copy;
                    snapshotUpdate = updates;
                    sinceSnapshot = 0;
                }
            }
            sinceSnapshot++;
            updates++;
            return Verdict.OK;
        }
        skipped++;
        inARow++;
        clearGradients(params);
        String problem = lossOk ? "non-finite gradients" : "non-finite loss";
        boolean paramsOk = params.stream().allMatch(Finite::all);
        if (!paramsOk && snapshot == null) {
            throw new DlsecException("training failed at " + subject + ": the model's parameters are not finite before"
                    + " the first update (check the model's initialisation)");
        }
        // parameters gone non-finite, or (finite but useless) three non-finite batches in a row: a step blew up
        if (!paramsOk || (inARow % 3 == 0 && snapshot != null)) {
            restore(params, snapshot);
            halve();
            issues.add(new NumericalIssue("train", subject, step - 1, problem + (paramsOk ? " (" + inARow + " batches in a row)"
                    : " (the parameters had gone non-finite)"), "restored the parameters after update " + snapshotUpdate
                            + ", reset the optimiser and halved the learning rate (factor " + factor + ")"));
            sinceSnapshot = 0;
            limits(subject, problem);
            return Verdict.RESTORED;
        }
        String action = "skipped the batch (no update)";
        if (inARow % 3 == 0) {
            halve();
            action += "; " + inARow + " in a row: halved the learning rate (factor " + factor + ")";
        }
        issues.add(new NumericalIssue("train", subject, step - 1, problem, action));
        limits(subject, problem);
        return Verdict.SKIPPED;
    }

    /** {@code x} with every non-finite row replaced by the same row of {@code clean} (recorded). */
    NDArray finiteRows(NDArray x, NDArray clean, String subject) {
        boolean[] ok = Finite.rows(x);
        int bad = 0;
        for (boolean b : ok) {
            bad += b ? 0 : 1;
        }
        if (bad == 0) {
            return x;
        }
        Shape s = x.getShape();
        boolean[] badRows = new boolean[ok.length];
        for (int i = 0; i < ok.length; i++) {
            badRows[i] = !ok[i];
        }
        long[] perRow = new long[s.dimension()];
        java.util.Arrays.fill(perRow, 1);
        perRow[0] = s.get(0);
        NDArray mask = Tensors.booleans(x.getManager(), badRows).reshape(new Shape(perRow)).broadcast(s);
        issues.add(new NumericalIssue("train", subject, step, "non-finite transformed (e.g. adversarial) input for " + bad
                + " of " + ok.length + " samples", "trained on their clean inputs"));
        return NDArrays.where(mask, clean, x);
    }

    List<NumericalIssue> issues() {
        return List.copyOf(issues);
    }

    int skippedBatches() {
        return skipped;
    }

    double factor() {
        return factor;
    }

    private void halve() {
        factor /= 2;
        halvings++;
    }

    private void limits(String subject, String problem) {
        if (inARow > MAX_IN_A_ROW || halvings > MAX_HALVINGS) {
            throw new DlsecException("training did not recover from non-finite values: " + problem + " at " + subject + ", "
                    + inARow + " batch(es) in a row, " + skipped + " skipped in all, learning rate halved " + halvings
                    + " times; lower the learning rate or check the data and the model");
        }
    }

    private static List<NDArray> trainable(DjlClassifier model) {
        List<NDArray> out = new ArrayList<>();
        for (Pair<String, Parameter> p : model.model().getBlock().getParameters()) {
            if (p.getValue().requiresGradient() && p.getValue().getArray().getDataType() == DataType.FLOAT32) {
                out.add(p.getValue().getArray());
            }
        }
        return out;
    }

    private static boolean gradientsFinite(List<NDArray> params) {
        for (NDArray p : params) {
            NDArray g = p.getGradient(); // a fresh handle on the parameter's gradient
            try {
                if (!Finite.all(g)) {
                    return false;
                }
            } finally {
                g.close();
            }
        }
        return true;
    }

    /**
     * Zeros the gradients in place (a NaN survives subtraction and multiplication, not an overwrite).
     * An indexed assignment copies into the existing tensor; {@code set(Buffer)} would instead point the
     * tensor at a buffer owned by the closed handle.
     */
    private static void clearGradients(List<NDArray> params) {
        for (NDArray p : params) {
            NDArray g = p.getGradient();
            try {
                g.set(new NDIndex(":"), 0f);
            } finally {
                g.close();
            }
        }
    }

    /** The parameters' values, or null if one is not finite. */
    private static float[][] read(List<NDArray> params) {
        float[][] out = new float[params.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = params.get(i).toFloatArray();
            if (!Finite.all(out[i])) {
                return null;
            }
        }
        return out;
    }

    private static void restore(List<NDArray> params, float[][] values) {
        for (int i = 0; i < values.length; i++) {
            NDArray p = params.get(i);
            try (NDManager scope = p.getManager().newSubManager()) {
                p.set(new NDIndex(":"), Tensors.floats(scope, values[i], p.getShape()));
            }
        }
    }
}
