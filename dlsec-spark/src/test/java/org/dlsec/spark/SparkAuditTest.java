package org.dlsec.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.IntStream;
import org.dlsec.attack.inference.Lira;
import org.dlsec.attack.inference.MembershipResult;
import org.dlsec.attack.inference.MembershipSplit;
import org.dlsec.attack.inference.ShadowSpec;
import org.dlsec.attack.inference.ShadowTrainer;
import org.dlsec.audit.AttackExecutor;
import org.dlsec.audit.AuditConfig;
import org.dlsec.audit.AuditRunner;
import org.dlsec.audit.ModelView;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Json;
import org.dlsec.data.Dataset;
import org.dlsec.data.DatasetId;
import org.dlsec.data.Datasets;
import org.dlsec.model.Architecture;
import org.dlsec.model.Classifier;
import org.dlsec.model.Models;
import org.dlsec.train.TrainConfig;
import org.dlsec.train.TrainingRun;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Audits and shadow models on Spark local mode give the local run's results, bit for bit. */
class SparkAuditTest {
    private static final String CONFIG = """
            seed: 7
            limit: 48
            batchSize: 16
            attacks:
              - attack: pgd
                eps: [0.1, 0.3]
                steps: 5
                stepSize: 0.05
              - attack: square
                eps: 0.3
                maxQueries: 40
              - attack: pgd
                id: pgd-targeted
                targeted: true
                eps: 0.3
                steps: 5
            """;

    @TempDir
    static Path dir;
    static Path model;
    static Dataset test;
    static AuditConfig config;

    @BeforeAll
    static void setUp() {
        // the same libtorch thread count for the local and the Spark runs (as each executor JVM has)
        ExecutorRuntime.init(1, null);
        model = dir.resolve("lenet");
        TrainingRun.run(Architecture.LENET5, DatasetId.MNIST, Optional.empty(), 2000, 0,
                new TrainConfig(1, 64, "adam", 2e-3, 1, "cosine"), model, false, s -> { });
        config = AuditConfig.parse(CONFIG, "test");
        test = Datasets.load(DatasetId.MNIST, "test", Optional.empty()).first(config.limit());
    }

    private static Path audit(String name, AttackExecutor executor) {
        return audit(name, executor, model, config, test);
    }

    private static Path audit(String name, AttackExecutor executor, Path modelFile, AuditConfig cfg, Dataset data) {
        Path out = dir.resolve(name);
        try (Classifier c = Models.load(modelFile, data.sampleShape()); AttackExecutor e = executor) {
            AuditRunner.run(c, data, () -> null, false, cfg, "test", out, false, false, e);
        }
        return out;
    }

    /** Every attack kind of the default audit, scaled down, on a TorchScript LeNet exported by PyTorch 1.13. */
    private static final String TORCHSCRIPT_CONFIG = """
            seed: 3
            limit: 40
            batchSize: 16
            attacks:
              - attack: fgsm
                eps: 0.3
              - attack: pgd
                eps: [0.1, 0.3]
                steps: 10
                stepSize: 0.05
              - attack: pgd
                id: pgd-l2
                norm: l2
                eps: [1.0, 2.0]
                steps: 10
              - attack: deepfool
                norm: l2
              - attack: square
                eps: 0.3
                maxQueries: 60
              - attack: hsj
                norm: l2
                maxQueries: 60
            """;

    @Test
    void torchScriptAuditOnLocal2GivesTheLocalResults() throws Exception {
        Path ts = Path.of("../dlsec-core/src/test/resources/fixtures/lenet-ts.pt");
        assertTrue(Files.isRegularFile(ts), ts.toAbsolutePath().toString());
        AuditConfig cfg = AuditConfig.parse(TORCHSCRIPT_CONFIG, "test");
        Dataset data = Datasets.load(DatasetId.MNIST, "test", Optional.empty()).first(cfg.limit());
        Path local = audit("ts-local", AttackExecutor.LOCAL, ts, cfg, data);
        Path spark = audit("ts-spark", new SparkBackend().attacks("local[2]", ts, ModelView.UNIT), ts, cfg, data);
        assertSamePerSample(local, spark, 40, "fgsm", "pgd", "pgd-l2", "deepfool", "square", "hsj");
    }

    /**
     * Issue #21: the model behind feature squeezing, PGD adaptive (BPDA) and naive: the executors wrap the model they
     * load in the configuration's defence, with the run's gradients, so both runs equal the local ones.
     */
    @Test
    void defendedAuditOnLocal2GivesTheLocalNaiveAndAdaptiveResults() throws Exception {
        Path ts = Path.of("../dlsec-core/src/test/resources/fixtures/lenet-ts.pt");
        AuditConfig cfg = AuditConfig.parse("""
                seed: 3
                limit: 32
                batchSize: 16
                attacks:
                  - attack: pgd
                    eps: 0.3
                    steps: 10
                    stepSize: 0.05
                defence:
                  transform: squeeze:bits=2
                """, "test");
        Dataset data = Datasets.load(DatasetId.MNIST, "test", Optional.empty()).first(cfg.limit());
        Path local = audit("def-local", AttackExecutor.LOCAL, ts, cfg, data);
        Path spark = audit("def-spark", new SparkBackend().attacks("local[2]", ts, ModelView.UNIT), ts, cfg, data);
        assertSamePerSample(local, spark, 32, "pgd", "pgd-naive");
        JsonNode naive = Json.MAPPER.readTree(local.resolve("results/pgd-naive.json").toFile());
        JsonNode bpda = Json.MAPPER.readTree(local.resolve("results/pgd.json").toFile());
        assertEquals("naive", naive.get("gradients").asText());
        assertEquals("bpda", bpda.get("gradients").asText());
        assertTrue(!naive.get("samples").equals(bpda.get("samples")), "the naive and the adaptive runs differ");
    }

    /** The stored per-sample results of every attack in {@code ids} ({@code n} samples each) and samples.csv are equal. */
    private static void assertSamePerSample(Path a, Path b, int n, String... ids) throws Exception {
        for (String id : ids) {
            JsonNode x = Json.MAPPER.readTree(a.resolve("results/" + id + ".json").toFile());
            JsonNode y = Json.MAPPER.readTree(b.resolve("results/" + id + ".json").toFile());
            assertEquals(x.get("samples"), y.get("samples"), id + ": per-sample results");
            assertEquals(n, x.get("samples").get("index").size());
        }
        assertArrayEquals(Files.readAllBytes(a.resolve("samples.csv")), Files.readAllBytes(b.resolve("samples.csv")));
    }

    /**
     * A user's tabular TorchScript MLP behind {@code --normalize}, with the per-feature bounds of its CSV's
     * training split: the executors rebuild the same normalised, per-feature-clipped classifier, so the Spark
     * audit equals the local one.
     */
    @Test
    void normalisedTabularAuditWithPerFeatureBoundsGivesTheLocalResults() throws Exception {
        Path fixtures = Path.of("../dlsec-core/src/test/resources/fixtures/user");
        Path ts = fixtures.resolve("tabular/mlp-ts.pt");
        JsonNode norm = Json.MAPPER.readTree(fixtures.resolve("reference.json").toFile()).path("tabular").path("normalize");
        org.dlsec.model.Normalization n = new org.dlsec.model.Normalization(
                floats(norm.path("mean")), floats(norm.path("std")));
        AuditConfig cfg = AuditConfig.parse("""
                seed: 5
                limit: 40
                batchSize: 16
                attacks:
                  - attack: fgsm
                    eps: 0.3
                  - attack: pgd
                    eps: [0.1, 0.3]
                    steps: 10
                  - attack: square
                    eps: 0.3
                    maxQueries: 60
                """, "test");
        Dataset data = org.dlsec.data.DataSource.open(fixtures.resolve("tabular").toString(),
                org.dlsec.data.SourceOptions.of("test", Optional.empty())).first(cfg.limit());
        org.dlsec.model.Bounds bounds = org.dlsec.model.Bounds.perFeature(data.bounds().lower(), data.bounds().upper());
        Path[] outs = new Path[2];
        for (int run = 0; run < 2; run++) {
            Path out = dir.resolve("tabular-" + run);
            try (Classifier c = org.dlsec.model.NormalizedClassifier.owning(Models.load(ts, data.sampleShape(),
                    bounds), n, bounds);
                    AttackExecutor e = run == 0 ? AttackExecutor.LOCAL
                            : new SparkBackend().attacks("local[2]", ts, ModelView.of(c))) {
                AuditRunner.run(c, data, () -> null, false, cfg, "test", out, false, false, e);
            }
            outs[run] = out;
        }
        assertSamePerSample(outs[0], outs[1], 40, "fgsm", "pgd", "square");
        JsonNode pgd = Json.MAPPER.readTree(outs[0].resolve("results/pgd.json").toFile());
        double clean = Json.MAPPER.readTree(outs[0].resolve("report.json").toFile()).get("cleanAccuracy").asDouble();
        assertTrue(clean > 0.8 && pgd.get("points").get(1).get("robustAccuracy").asDouble() < clean - 0.1,
                "the model is right on clean data and the attack works through the normalisation: " + clean + " "
                        + pgd.get("points"));
    }

    private static float[] floats(JsonNode a) {
        float[] out = new float[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) a.get(i).asDouble();
        }
        return out;
    }

    /** Per-sample arrays, each budget's aggregates (less timings) and the image grid of every stored result. */
    private static void assertSameResults(Path a, Path b) throws Exception {
        for (String id : new String[] {"pgd", "square", "pgd-targeted"}) {
            JsonNode x = Json.MAPPER.readTree(a.resolve("results/" + id + ".json").toFile());
            JsonNode y = Json.MAPPER.readTree(b.resolve("results/" + id + ".json").toFile());
            assertEquals(x.get("samples"), y.get("samples"), id + ": per-sample results");
            assertEquals(48, x.get("samples").get("index").size());
            for (int p = 0; p < x.get("points").size(); p++) {
                com.fasterxml.jackson.databind.node.ObjectNode px = x.get("points").get(p).deepCopy();
                com.fasterxml.jackson.databind.node.ObjectNode py = y.get("points").get(p).deepCopy();
                px.remove(java.util.List.of("seconds", "samplesPerSecond"));
                py.remove(java.util.List.of("seconds", "samplesPerSecond"));
                assertEquals(px, py, id + ": aggregates at budget " + p);
            }
            assertEquals(x.get("imageGridPng"), y.get("imageGridPng"), id + ": image grid");
            assertEquals(x.get("key"), y.get("key"));
        }
        JsonNode rx = Json.MAPPER.readTree(a.resolve("report.json").toFile());
        JsonNode ry = Json.MAPPER.readTree(b.resolve("report.json").toFile());
        assertEquals(rx.get("families").get(0).get("verdict"), ry.get("families").get(0).get("verdict"));
        assertArrayEquals(Files.readAllBytes(a.resolve("samples.csv")), Files.readAllBytes(b.resolve("samples.csv")));
        assertTrue(Files.size(b.resolve("index.html")) > 1000);
    }

    @Test
    void auditOnLocal2GivesTheLocalResults() throws Exception {
        Path local = audit("local", AttackExecutor.LOCAL);
        Path spark = audit("spark", new SparkBackend().attacks("local[2]", model, ModelView.UNIT));
        assertSameResults(local, spark);
    }

    @Test
    void aTaskThatFailsOnceIsRetriedAndTheReportIsComplete() throws Exception {
        Path local = audit("local-2", AttackExecutor.LOCAL);
        System.setProperty(SparkAttackExecutor.FAIL_ONCE, "1");
        try {
            // local[2,2]: two task slots, up to two attempts per task
            Path spark = audit("spark-retried", new SparkBackend().attacks("local[2,2]", model, ModelView.UNIT));
            assertSameResults(local, spark);
        } finally {
            System.clearProperty(SparkAttackExecutor.FAIL_ONCE);
        }
    }

    @Test
    void aFailureThatOutlastsTheRetriesIsOneClearError() {
        System.setProperty(SparkAttackExecutor.FAIL_ONCE, "0");
        try {
            // local[1]: one attempt per task, so the injected failure is final
            DlsecException e = assertThrows(DlsecException.class,
                    () -> audit("spark-failed", new SparkBackend().attacks("local[1]", model, ModelView.UNIT)));
            assertTrue(e.getMessage().contains("failed on Spark") && e.getMessage().contains("injected failure"), e.getMessage());
        } finally {
            System.clearProperty(SparkAttackExecutor.FAIL_ONCE);
        }
    }

    @Test
    void aMissingModelIsAClearError() {
        Path missing = dir.resolve("no-such-model.pt");
        DlsecException e = assertThrows(DlsecException.class, () -> new SparkBackend().attacks("local[1]", missing, ModelView.UNIT));
        assertEquals("model not found: " + missing, e.getMessage());
    }

    @Test
    void liraReferenceModelsTrainedOnSparkGiveTheLocalRoc() {
        Dataset train = Datasets.load(DatasetId.MNIST, "train", Optional.empty());
        int[] targetIdx = IntStream.range(0, 2000).toArray();
        MembershipSplit split = MembershipSplit.build(train, targetIdx, Datasets.load(DatasetId.MNIST, "test",
                Optional.empty()), 40, 3);
        ShadowSpec spec = new ShadowSpec(Architecture.LENET5, new TrainConfig(1, 64, "adam", 2e-3, 5, "cosine"), 3);
        MembershipResult local;
        MembershipResult spark;
        try (Classifier target = Models.load(model, test.sampleShape())) {
            local = new Lira(spec, true, true, 3, ShadowTrainer.LOCAL).infer(target, split);
            try (ShadowTrainer t = new SparkBackend().shadows("local[2]")) {
                spark = new Lira(spec, true, true, 3, t).infer(target, split);
            }
        }
        assertArrayEquals(local.scores(), spark.scores());
        assertEquals(local.roc().points(), spark.roc().points());
        assertEquals(local.roc().auc(), spark.roc().auc());
        assertEquals(local.extra().get("offline"), spark.extra().get("offline"));
    }
}
