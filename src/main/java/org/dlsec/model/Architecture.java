package org.dlsec.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.dlsec.core.DlsecException;

/** The seed architectures, built as DJL blocks. Each outputs logits. */
public enum Architecture {
    /**
     * LeNet-5 as in the seeds (ReLU, max-pool): conv 6@5x5 pad 2, pool, conv 16@5x5, pool,
     * fc 120, fc 84, fc K. (DJL's bundled LeNet is the sigmoid/average-pool variant.)
     */
    LENET5("lenet5") {
        @Override
        public Block build(int channels, int numClasses) {
            return new SequentialBlock()
                    .add(conv(6, 5, 2)).add(Activation.reluBlock()).add(maxPool())
                    .add(conv(16, 5, 0)).add(Activation.reluBlock()).add(maxPool())
                    .add(Blocks.batchFlattenBlock())
                    .add(Linear.builder().setUnits(120).build()).add(Activation.reluBlock())
                    .add(Linear.builder().setUnits(84).build()).add(Activation.reluBlock())
                    .add(Linear.builder().setUnits(numClasses).build());
        }
    },
    /**
     * A VGG-style net for 32x32 colour images: three blocks of two 3x3 convolutions with batch
     * norm (32, 64, 128 filters), each followed by 2x2 max-pool, then fc 256 with dropout, fc K.
     */
    VGG("vgg") {
        @Override
        public Block build(int channels, int numClasses) {
            SequentialBlock net = new SequentialBlock();
            for (int filters : new int[] {32, 64, 128}) {
                for (int i = 0; i < 2; i++) {
                    net.add(conv(filters, 3, 1)).add(BatchNorm.builder().build()).add(Activation.reluBlock());
                }
                net.add(maxPool());
            }
            return net.add(Blocks.batchFlattenBlock())
                    .add(Dropout.builder().optRate(0.5f).build())
                    .add(Linear.builder().setUnits(256).build()).add(Activation.reluBlock())
                    .add(Dropout.builder().optRate(0.5f).build())
                    .add(Linear.builder().setUnits(numClasses).build());
        }
    },
    /**
     * The MNIST network of Madry et al. (2018): conv 32@5x5, pool, conv 64@5x5, pool, fc 1024, fc K
     * ("same" padding), used for adversarial training.
     */
    MADRY("madry") {
        @Override
        public Block build(int channels, int numClasses) {
            return new SequentialBlock()
                    .add(conv(32, 5, 2)).add(Activation.reluBlock()).add(maxPool())
                    .add(conv(64, 5, 2)).add(Activation.reluBlock()).add(maxPool())
                    .add(Blocks.batchFlattenBlock())
                    .add(Linear.builder().setUnits(1024).build()).add(Activation.reluBlock())
                    .add(Linear.builder().setUnits(numClasses).build());
        }
    },
    /**
     * Multinomial logistic regression (softmax regression): flatten, then one fully connected layer
     * to K logits. The model class that equation-solving extraction recovers exactly.
     */
    SOFTMAX("softmax") {
        @Override
        public Block build(int channels, int numClasses) {
            return new SequentialBlock()
                    .add(Blocks.batchFlattenBlock())
                    .add(Linear.builder().setUnits(numClasses).build());
        }
    };

    private final String cliName;

    Architecture(String cliName) {
        this.cliName = cliName;
    }

    /** A new, uninitialised block for inputs with {@code channels} channels and {@code numClasses} outputs. */
    public abstract Block build(int channels, int numClasses);

    public String cliName() {
        return cliName;
    }

    public static Architecture parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (Architecture a : values()) {
            if (a.cliName.equals(n)) {
                return a;
            }
        }
        throw new DlsecException("unknown architecture '" + name + "': expected one of "
                + Arrays.stream(values()).map(Architecture::cliName).collect(Collectors.joining(", ")));
    }

    private static Block conv(int filters, int kernel, int pad) {
        return Conv2d.builder().setFilters(filters).setKernelShape(new Shape(kernel, kernel))
                .optPadding(new Shape(pad, pad)).build();
    }

    private static Block maxPool() {
        return Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2));
    }

    @Override
    public String toString() {
        return cliName;
    }
}
