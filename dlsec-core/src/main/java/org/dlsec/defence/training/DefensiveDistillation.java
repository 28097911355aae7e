package org.dlsec.defence.training;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.Map;
import org.dlsec.core.DlsecException;
import org.dlsec.model.Classifier;
import org.dlsec.train.BatchLoss;
import org.dlsec.train.TeacherPhase;

/**
 * Defensive distillation (Papernot, McDaniel, Wu, Jha, Swami, "Distillation as a Defense to
 * Adversarial Perturbations against Deep Neural Networks", IEEE S&amp;P 2016). A teacher is trained
 * with softmax(z/T) at temperature T; a student of the same architecture is trained at the same T
 * on the teacher's soft labels softmax(z_teacher/T); the student is deployed at T = 1, i.e. its raw
 * logits, which are then about T times larger than usual. The softmax saturates, and the
 * cross-entropy gradient underflows to zero in float32: a masked gradient, not robustness
 * (Carlini &amp; Wagner, "Defensive Distillation is Not Robust to Adversarial Examples", 2016) — an
 * attack on the logits (see {@link org.dlsec.defence.TemperatureScaled}) undoes it.
 *
 * <p>{@link org.dlsec.train.TrainingRun} trains the teacher and then the student
 * ({@code dlsec train --distill T}); the temperature is recorded in the student's model card, where
 * an adaptive attack finds it.
 */
public final class DefensiveDistillation implements TeacherPhase {
    private final double temperature;

    /**
     * Defensive distillation at {@code temperature}.
     *
     * @param temperature T, finite and at least 1 (Papernot et al. use 100)
     * @throws org.dlsec.core.DlsecException when {@code temperature} is below 1 or not finite
     */
    public DefensiveDistillation(double temperature) {
        DlsecException.require(Double.isFinite(temperature) && temperature >= 1, "temperature",
                "must be finite and >= 1, got " + temperature);
        this.temperature = temperature;
    }

    /**
     * The distillation temperature.
     *
     * @return T
     */
    public double temperature() {
        return temperature;
    }

    /** The teacher's loss: cross-entropy of softmax(z/T) against the hard labels. */
    @Override
    public BatchLoss teacherLoss() {
        float inv = (float) (1 / temperature);
        return (forward, clean, input, y) -> {
            NDArray z = forward.apply(input);
            NDArray ce = z.mul(inv).logSoftmax(1).mul(y.oneHot((int) z.getShape().get(1))).sum(new int[] {1}).neg().mean();
            return new BatchLoss.Output(ce, z);
        };
    }

    /** The student's loss: cross-entropy of softmax(z/T) against the teacher's softmax(z_teacher/T). */
    @Override
    public BatchLoss studentLoss(Classifier teacher) {
        float inv = (float) (1 / temperature);
        return (forward, clean, input, y) -> {
            NDArray soft;
            try (NDArray zt = teacher.predictLogits(input)) {
                soft = zt.mul(inv).softmax(1).stopGradient();
            }
            NDArray z = forward.apply(input);
            NDArray ce = z.mul(inv).logSoftmax(1).mul(soft).sum(new int[] {1}).neg().mean();
            return new BatchLoss.Output(ce, z);
        };
    }

    /**
     * What the model card records under {@code training.extra.defence}.
     *
     * @return a new mutable map
     */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("distillation", "student");
        m.put("paper", "Papernot et al., IEEE S&P 2016");
        m.put(TEMPERATURE, temperature);
        m.put("deployedTemperature", 1.0);
        return m;
    }

    /** The key of the training temperature in {@link #describe()}. */
    public static final String TEMPERATURE = "temperature";

    /**
     * The training temperature recorded in a model card's {@code training.extra.defence}, if the
     * model was defensively distilled.
     *
     * @param defence the card's {@code training.extra.defence} map, or null
     * @return the temperature, or empty when the model was not distilled
     */
    public static java.util.OptionalDouble temperatureOf(Map<String, Object> defence) {
        if (defence != null && "student".equals(defence.get("distillation")) && defence.get(TEMPERATURE) instanceof Number t) {
            return java.util.OptionalDouble.of(t.doubleValue());
        }
        return java.util.OptionalDouble.empty();
    }
}
