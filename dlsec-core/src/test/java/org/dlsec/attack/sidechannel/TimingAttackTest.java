package org.dlsec.attack.sidechannel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import java.util.SplittableRandom;
import org.dlsec.TestSupport;
import org.dlsec.core.DlsecException;
import org.dlsec.model.Classifier;
import org.dlsec.model.DjlClassifier;
import org.junit.jupiter.api.Test;

/**
 * The timing attack's learning and bookkeeping on synthetic latencies (no clock is read: a test must not depend on the
 * machine's load): a deployment whose latency grows with the served model's depth, with seeded noise, and the same
 * deployment under constant-time serving.
 */
class TimingAttackTest {
    /** The latency of one query to a served model of {@code depth} weight layers, in milliseconds. */
    private interface Latency {
        double millis(int depth, boolean wide, ServingDefence defence, SplittableRandom rnd);
    }

    /** A deployment whose endpoints answer at once with the latency {@code latency} gives (no clock is read). */
    private static Deployment deployment(String description, long seed, Latency latency) {
        return new Deployment() {
            @Override
            public String description() {
                return description;
            }

            @Override
            public Endpoint serve(Classifier model, ServingDefence defence) {
                int depth = 0;
                for (var c : ((DjlClassifier) model).model().getBlock().getChildren()) {
                    Block b = c.getValue();
                    depth += b instanceof Linear || b instanceof Conv2d ? 1 : 0;
                }
                int layers = depth;
                boolean wide = model.info().source().contains("wide");
                SplittableRandom rnd = new SplittableRandom(seed ^ model.info().source().hashCode());
                return new Endpoint() {
                    long queries;

                    @Override
                    public long timeQuery(float[] sample) {
                        queries++;
                        return (long) (latency.millis(layers, wide, defence, rnd) * 1e6);
                    }

                    @Override
                    public long queries() {
                        return queries;
                    }

                    @Override
                    public void close() {}
                };
            }
        };
    }

    /** Latency = 1 ms + 0.15 ms per weight layer (+ 0.05 ms per layer for a wide one) + noise; or a constant budget. */
    private static Deployment synthetic(long seed) {
        return deployment("synthetic latencies", seed, (depth, wide, defence, rnd) -> {
            double ms = defence.kind() == Countermeasure.CONSTANT_TIME ? defence.budgetMillis()
                    : 1.0 + depth * (0.15 + (wide ? 0.05 : 0));
            // scheduler noise only ever adds time
            return ms + Math.abs(rnd.nextGaussian()) * 0.05 + (rnd.nextInt(20) == 0 ? rnd.nextDouble() * 5 : 0);
        });
    }

    @Test
    void depthIsLearntFromLatencyAndConstantTimeServingHidesIt() {
        DjlClassifier any = TimingAttack.defaultCandidates().get(0).build(new ai.djl.ndarray.types.Shape(1, 28, 28), 10, 1);
        SideChannelVictim v = new SideChannelVictim(any, "test", TestSupport.mnistTest(50), null, synthetic(3));
        TimingAttack.Config c = new TimingAttack.Config(TimingAttack.defaultCandidates(), 2, 1, 60, 0,
                new ServingDefence(Countermeasure.CONSTANT_TIME, 5), 0);
        TimingAttack.Result r = new TimingAttack(c).run(v, false);
        assertEquals(2, r.trials().size());
        TimingAttack.Trial clean = r.clean();
        assertEquals(20, clean.predictions().size());
        assertTrue(clean.depthAccuracy() >= 0.8, "clean depth accuracy " + clean.depthAccuracy());
        TimingAttack.Trial ct = r.defended();
        assertEquals("constant-time", ct.condition());
        assertTrue(ct.depthAccuracy() <= 0.35, "constant-time depth accuracy " + ct.depthAccuracy());
        assertEquals(0.2, ct.chance(), 1e-9);
        assertTrue(r.latencyCostMillis() > 2, "cost " + r.latencyCostMillis());
        int total = 0;
        for (int[] row : clean.confusion()) {
            for (int x : row) {
                total += x;
            }
        }
        assertEquals(20, total);
        // every query counted: (2 profiles + 2 trials) x 20 candidates x 2 (model and reference) x (20 warm-up in each of
        // the 5 rounds + 60 timed)
        assertEquals(4L * 20 * 2 * (TimingAttack.ROUNDS * TimingAttack.WARMUP + 60), r.queries());
        assertTrue(!r.succeeded());
        any.close();
    }

    /**
     * Latency = 1 ms of serving overhead + 0.15 ms per weight layer of compute (0.2 ms wide), the compute slowed by a
     * factor that falls from 1.6 to 1.0 over the run (a machine that gets quieter as the attack goes on: the overhead,
     * like the reference model's, barely changes). {@code total} is the expected number of queries of the run, the drift's time scale.
     */
    private static Deployment drifting(long seed, long total) {
        java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong();
        return deployment("synthetic latencies, drifting", seed, (depth, wide, defence, rnd) -> {
            double slow = 1.6 - 0.6 * Math.min(1.0, (double) clock.getAndIncrement() / total);
            return 1.0 + depth * (0.15 + (wide ? 0.05 : 0)) * slow + Math.abs(rnd.nextGaussian()) * 0.05;
        });
    }

    @Test
    void aMachineThatSpeedsUpDuringTheRunShiftsProfilesAndTargetsAlike() {
        // measured one after the other, the profiles (taken first, on the slower machine) put every target one or more
        // depths too shallow; interleaved over the rounds, both see the same mix of the machine's states
        DjlClassifier any = TimingAttack.defaultCandidates().get(0).build(new ai.djl.ndarray.types.Shape(1, 28, 28), 10, 1);
        // (2 profiles + 1 target) x 20 candidates x 2 (model and reference) x (5 x 20 warm-up + 60 timed)
        long total = 3L * 20 * 2 * (TimingAttack.ROUNDS * TimingAttack.WARMUP + 60);
        SideChannelVictim v = new SideChannelVictim(any, "test", TestSupport.mnistTest(50), null, drifting(5, total));
        TimingAttack.Result r = new TimingAttack(new TimingAttack.Config(TimingAttack.defaultCandidates(), 2, 1, 60, 0,
                null, 0)).run(v, false);
        assertEquals(total, r.queries());
        assertTrue(r.clean().depthAccuracy() >= 0.9, "clean depth accuracy " + r.clean().depthAccuracy() + " "
                + r.clean().predictions());
        any.close();
    }

    @Test
    void nearestCentroidsSeparateWellSpreadClasses() {
        double[][] x = {{0, 0}, {0.1, 0}, {5, 5}, {5.1, 5}, {10, 0}, {10, 0.1}};
        int[] y = {0, 0, 1, 1, 2, 2};
        TimingAttack.Centroids m = TimingAttack.Centroids.fit(x, y, 3);
        assertEquals(0, m.predict(new double[] {0.5, 0.2}));
        assertEquals(1, m.predict(new double[] {4.6, 4.8}));
        assertEquals(2, m.predict(new double[] {9.5, -0.3}));
    }

    @Test
    void badTimingParametersAreOneLineErrors() {
        DlsecException e = assertThrows(DlsecException.class, () -> new ServingDefence(Countermeasure.CONSTANT_TIME, 0));
        assertTrue(e.getMessage().contains("--budget"), e.getMessage());
        e = assertThrows(DlsecException.class, () -> new ServingDefence(Countermeasure.MASK, 5));
        assertTrue(e.getMessage().contains("--defence"), e.getMessage());
        e = assertThrows(DlsecException.class, () -> new TimingAttack.Config(TimingAttack.defaultCandidates(), 2, 1, 0, 0,
                null, 0));
        assertTrue(e.getMessage().contains("--traces"), e.getMessage());
    }
}
