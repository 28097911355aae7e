package org.dlsec.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.dlsec.attack.inference.MembershipAttack;
import org.dlsec.attack.inference.MembershipAttacks;
import org.dlsec.attack.inference.MembershipResult;
import org.dlsec.attack.inference.MembershipSplit;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Json;
import org.dlsec.core.Progress;
import org.dlsec.core.Provenance;
import org.dlsec.data.Dataset;
import org.dlsec.model.Classifier;
import org.dlsec.model.ModelCard;
import org.dlsec.model.Models;
import org.dlsec.train.TrainingRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dlsec privacy}: membership inference on a member/non-member split, or model inversion. */
@Command(name = "privacy", mixinStandardHelpOptions = true,
        description = "Privacy attacks: membership inference (loss, confidence, entropy, shadow, lira, lira-offline,"
                + " labelonly) scored by ROC/AUC and TPR at low FPR, or model inversion (inversion).")
final class PrivacyCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Model directory, .pt or .onnx file.")
    Path model;

    @Option(names = "--dataset", required = true, description = "The dataset the model was trained on: "
            + SourceFlags.DATASET_HELP)
    String dataset;

    @picocli.CommandLine.Mixin
    SourceFlags sourceFlags = new SourceFlags();

    @picocli.CommandLine.Mixin
    ModelFlags modelFlags = new ModelFlags();

    @Option(names = "--data-dir", description = "Folder holding mnist/, gtsrb/, fashion-mnist/ (default: $DLSEC_DATA).")
    Path dataDir;

    @Option(names = "--attack", required = true, description = "loss, confidence, entropy, shadow, lira, lira-offline,"
            + " labelonly or inversion.")
    String attack;

    @Option(names = "--members", defaultValue = "1000",
            description = "Members drawn from the target's training data, and as many non-members from the test split"
                    + " (default: ${DEFAULT-VALUE}).")
    int members;

    @Option(names = "--non-members", defaultValue = "test",
            description = "Where non-members come from: test (the test split) or train (training images that did not"
                    + " train the model; needs a model trained on part of the split). Default: ${DEFAULT-VALUE}.")
    String nonMembers;

    @Option(names = "--shadows", defaultValue = "16", description = "Shadow / reference models (shadow, lira;"
            + " default: ${DEFAULT-VALUE}).")
    int shadows;

    @Option(names = "--arch", description = "shadow, lira, lira-offline: the architecture of the shadow / reference"
            + " models (mlp for tabular data, softmax, lenet5, vgg, resnet, madry), trained on the given data; default:"
            + " the architecture in a dlsec model's card (same as --param arch=).")
    String arch;

    @Option(names = "--param", description = "Attack-specific option key=value (repeatable), e.g. epochs=30.")
    Map<String, String> extra = new LinkedHashMap<>();

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the split and of every random choice"
            + " (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "Write the result (figures, ROC points, the split) as JSON to this file.")
    Path json;

    @Option(names = "--images", description = "Write PNG image grids here (inversion: one reconstruction per class).")
    Path images;

    @Option(names = "--spark", paramLabel = "MASTER", description = "Train the shadow / reference models on Apache Spark"
            + " (e.g. local[2] or a cluster URL), one model per task; needs dlsec-spark (see README).")
    String spark;

    @Option(names = "--quiet", description = "No progress bars.")
    boolean quiet;

    @Override
    public Integer call() {
        Outputs.file(json, "--json");
        Outputs.dir(images, "--images");
        Progress.setEnabled(!quiet);
        modelFlags.normalization();
        if (arch != null) {
            org.dlsec.model.Architecture.parse(arch);
            if (extra.containsKey("arch") && !extra.get("arch").equalsIgnoreCase(arch)) {
                throw new DlsecException("--arch " + arch + " and --param arch=" + extra.get("arch") + " disagree");
            }
            extra.put("arch", arch);
        }
        Dataset test = sourceFlags.open(dataset, "test", dataDir);
        if (attack.equalsIgnoreCase("attribute")) {
            throw new DlsecException("attribute inference needs a dataset with a sensitive attribute; none of the datasets"
                    + " dlsec reads (mnist, gtsrb, fashion-mnist) has one, so it is not available");
        }
        if (attack.equalsIgnoreCase("inversion")) {
            return Inversion.run(model, modelFlags, test, extra, seed, json, images);
        }
        Dataset train = sourceFlags.open(dataset, "train", dataDir);
        if (!train.split().equals("train")) {
            throw new DlsecException("membership inference needs the training data apart from other data, but " + dataset
                    + " has no splits: give a folder holding train/ and test/ (or train.csv and test.csv, or train.npz"
                    + " and test.npz)");
        }
        ModelCard card = Files.isDirectory(model) ? Models.card(model) : null;
        int[] targetIdx;
        String placed;
        if (card != null) {
            targetIdx = TrainingRun.trainingIndices(card, train).orElseThrow(() -> new DlsecException("the model card of "
                    + model + " does not say which training images it used (train it with this version of dlsec)"));
            placed = "from the model card";
        } else {
            targetIdx = new int[train.size()];
            java.util.Arrays.setAll(targetIdx, i -> i);
            placed = "assumed: the whole " + train.name() + " training split (not a dlsec model directory)";
            System.out.println("note: " + model + " has no model card; assuming it was trained on the whole training split");
        }
        try (org.dlsec.attack.inference.ShadowTrainer trainer = spark == null ? org.dlsec.attack.inference.ShadowTrainer.LOCAL
                : org.dlsec.audit.ClusterBackend.find().shadows(spark)) {
            return infer(MembershipAttacks.create(attack, shadows, card, extra, seed, trainer), train, targetIdx, placed, test);
        }
    }

    private int infer(MembershipAttack a, Dataset train, int[] targetIdx, String placed, Dataset test) {
        if (!nonMembers.equals("test") && !nonMembers.equals("train")) {
            throw new DlsecException("invalid --non-members: expected test or train, got '" + org.dlsec.core.Text.echo(nonMembers) + "'");
        }
        MembershipSplit split = MembershipSplit.of(nonMembers, train, targetIdx, test, members, seed);
        try (Classifier c = modelFlags.load(model, test)) {
            Provenance prov = Provenance.start(c.info().sha256(), c.info().describe(), split.audit().origin(), a.parameters(),
                    seed);
            MembershipResult r = a.infer(c, split);
            MembershipResult.Summary s = r.summary();
            System.out.printf("%s: AUC %.4f  balanced accuracy %.4f  TPR@0.1%%FPR %.4f  TPR@1%%FPR %.4f  (%d members, %d"
                    + " non-members, %.1f s)%n", s.attack(), s.auc(), s.balancedAccuracy(), s.tprAt01Fpr(), s.tprAt1Fpr(),
                    s.members(), s.nonMembers(), s.seconds());
            if (json != null) {
                @SuppressWarnings("unchecked")
                Map<String, Object> out = new LinkedHashMap<>(Json.MAPPER.convertValue(s, Map.class));
                out.put("parameters", r.parameters());
                out.put("extra", r.extra());
                out.put("roc", r.roc().points(400));
                Map<String, Object> splitRecord = new LinkedHashMap<>(split.record());
                splitRecord.put("targetTrainingData", placed);
                out.put("split", splitRecord);
                out.put("model", c.info());
                ModelFlags.record(out, c);
                out.put("dataset", train.name());
                out.put("provenance", prov.finishedNow());
                Json.write(json, out);
            }
        }
        return Main.EXIT_OK;
    }
}
