package org.dlsec.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.dlsec.attack.inference.MembershipAttack;
import org.dlsec.attack.inference.MembershipResult;
import org.dlsec.attack.inference.MembershipSplit;
import org.dlsec.attack.inference.ShadowTrainer;
import org.dlsec.audit.ClusterBackend;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Progress;
import org.dlsec.core.Provenance;
import org.dlsec.data.Dataset;
import org.dlsec.experiment.CommandOutput;
import org.dlsec.experiment.PrivacyOutcome;
import org.dlsec.experiment.PrivacyRun;
import org.dlsec.experiment.PrivacySpec;
import org.dlsec.model.Classifier;
import org.dlsec.model.ModelCard;
import org.dlsec.model.Models;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dlsec privacy}: membership inference on a member/non-member split, or model inversion. */
@Command(name = "privacy", mixinStandardHelpOptions = true,
        description = "Privacy attacks: membership inference (loss, confidence, entropy, shadow, lira, lira-offline,"
                + " labelonly) scored by ROC/AUC and TPR at low FPR, or model inversion (inversion).")
final class PrivacyCommand extends OutcomeCommand.Seeded {
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

    @Option(names = "--images", description = "Write PNG image grids here (inversion: one reconstruction per class).")
    Path images;

    @Option(names = "--spark", paramLabel = "MASTER", description = "Train the shadow / reference models on Apache Spark"
            + " (e.g. local[2] or a cluster URL), one model per task; needs dlsec-spark (see README).")
    String spark;

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
        PrivacySpec spec = new PrivacySpec(attack, shadows, extra, nonMembers, members, seed);
        Dataset test = sourceFlags.open(dataset, "test", dataDir);
        if (spec.inversion()) {
            return Inversion.run(model, modelFlags, test, spec, json, images);
        }
        Dataset train = sourceFlags.open(dataset, "train", dataDir);
        Optional<ModelCard> card = Files.isDirectory(model) ? Optional.of(Models.card(model)) : Optional.empty();
        PrivacyRun.TrainingImages trained = PrivacyRun.trainingImages(card, train, model.toString());
        if (trained.assumed()) {
            System.out.println("note: " + model + " has no model card; assuming it was trained on the whole training split");
        }
        try (ShadowTrainer trainer = spark == null ? ShadowTrainer.LOCAL : ClusterBackend.find().shadows(spark);
                Classifier c = modelFlags.load(model, test)) {
            MembershipAttack a = PrivacyRun.attack(spec, card, trainer);
            MembershipSplit split = PrivacyRun.split(spec, train, trained, test);
            Provenance prov = c.startProvenance(split.audit().origin(),
                    a.parameters(), seed);
            PrivacyOutcome o = PrivacyRun.membership(a, c, split, trained);
            MembershipResult.Summary s = o.result().summary();
            System.out.printf("%s: AUC %.4f  balanced accuracy %.4f  TPR@0.1%%FPR %.4f  TPR@1%%FPR %.4f  (%d members, %d"
                    + " non-members, %.1f s)%n", s.attack(), s.auc(), s.balancedAccuracy(), s.tprAt01Fpr(), s.tprAt1Fpr(),
                    s.members(), s.nonMembers(), s.seconds());
            CommandOutput.of("privacy", o.json(400)).withModel(c.info(), ModelFlags.describe(c))
                    .withDataName(train.name()).finishing(prov).write(json);
        }
        return Main.EXIT_OK;
    }
}
