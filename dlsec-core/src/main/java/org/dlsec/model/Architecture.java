package org.dlsec.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
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

/**
 * The architectures dlsec trains, built as DJL blocks; each outputs logits. Each adapts to the data:
 * the sample shape it is built for and any number of classes ({@link #build(Shape, int)}). Image
 * networks take (C, H, W) of any size they can pool down; {@link #MLP} and {@link #SOFTMAX} take
 * samples of any shape (flattened), such as a tabular model's feature vectors.
 */
public enum Architecture {
    /**
     * LeNet-5 as in the seeds (ReLU, max-pool): conv 6@5x5 pad 2, pool, conv 16@5x5, pool,
     * fc 120, fc 84, fc K. (DJL's bundled LeNet is the sigmoid/average-pool variant.) Images smaller
     * than 12×12 get padding 2 in the second convolution too, so that something is left to pool.
     */
    LENET5("lenet5") {
        @Override
        Block create(Shape shape, int numClasses) {
            int side = minSide(requireImage(shape, 4));
            int pad2 = side >= 12 ? 0 : 2;
            return new SequentialBlock()
                    .add(conv(6, 5, 2)).add(Activation.reluBlock()).add(maxPool())
                    .add(conv(16, 5, pad2)).add(Activation.reluBlock()).add(maxPool())
                    .add(Blocks.batchFlattenBlock())
                    .add(Linear.builder().setUnits(120).build()).add(Activation.reluBlock())
                    .add(Linear.builder().setUnits(84).build()).add(Activation.reluBlock())
                    .add(Linear.builder().setUnits(numClasses).build());
        }
    },
    /**
     * A VGG-style net (designed for 32x32 colour images): blocks of two 3x3 convolutions with batch
     * norm (32, 64, 128, 256, 256 filters), each followed by 2x2 max-pool, then fc 256 with dropout,
     * fc K. Three blocks, as for 32×32; fewer for images under 8 pixels a side, up to five for large
     * images (while the map is still 8 or more pixels a side), so the classifier head stays small.
     */
    VGG("vgg") {
        @Override
        Block create(Shape shape, int numClasses) {
            int side = minSide(requireImage(shape, 2));
            SequentialBlock net = new SequentialBlock();
            int[] widths = {32, 64, 128, 256, 256};
            for (int b = 0; b < vggStages(side); b++) {
                for (int i = 0; i < 2; i++) {
                    net.add(conv(widths[b], 3, 1)).add(BatchNorm.builder().build()).add(Activation.reluBlock());
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
        Block create(Shape shape, int numClasses) {
            requireImage(shape, 4);
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
        Block create(Shape shape, int numClasses) {
            return new SequentialBlock()
                    .add(Blocks.batchFlattenBlock())
                    .add(Linear.builder().setUnits(numClasses).build());
        }
    },
    /**
     * A multi-layer perceptron for tabular data (or any sample, flattened): fc 128, ReLU, fc 64,
     * ReLU, fc K.
     */
    MLP("mlp") {
        @Override
        Block create(Shape shape, int numClasses) {
            return new SequentialBlock()
                    .add(Blocks.batchFlattenBlock())
                    .add(Linear.builder().setUnits(128).build()).add(Activation.reluBlock())
                    .add(Linear.builder().setUnits(64).build()).add(Activation.reluBlock())
                    .add(Linear.builder().setUnits(numClasses).build());
        }
    },
    /**
     * A small ResNet-18 (He et al., CVPR 2016): the 18-layer layout — a stem, four stages of two
     * basic residual blocks (two 3×3 convolutions with batch norm, identity or 1×1-projection
     * shortcut), stages 2–4 halving the map — at a quarter of the width (16, 32, 64, 128 filters),
     * then global average pooling and fc K. For 32×32 images the stem is one 3×3 convolution (the
     * CIFAR variant); from 64 pixels a side it is the ImageNet stem, a 7×7 stride-2 convolution and
     * a 3×3 stride-2 max-pool. For RGB (or any-channel) images of 32×32 and up.
     */
    RESNET("resnet") {
        @Override
        Block create(Shape shape, int numClasses) {
            int side = minSide(requireImage(shape, 32));
            SequentialBlock net = new SequentialBlock();
            if (side >= 64) {
                net.add(Conv2d.builder().setFilters(16).setKernelShape(new Shape(7, 7)).optStride(new Shape(2, 2))
                        .optPadding(new Shape(3, 3)).optBias(false).build())
                        .add(BatchNorm.builder().build()).add(Activation.reluBlock())
                        .add(Pool.maxPool2dBlock(new Shape(3, 3), new Shape(2, 2), new Shape(1, 1)));
            } else {
                net.add(Conv2d.builder().setFilters(16).setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1))
                        .optBias(false).build())
                        .add(BatchNorm.builder().build()).add(Activation.reluBlock());
            }
            int[] widths = {16, 32, 64, 128};
            for (int stage = 0; stage < widths.length; stage++) {
                net.add(residual(widths[stage], stage == 0 ? 1 : 2, stage > 0));
                net.add(residual(widths[stage], 1, false));
            }
            return net.add(Pool.globalAvgPool2dBlock())
                    .add(Linear.builder().setUnits(numClasses).build());
        }
    };

    private final String cliName;

    Architecture(String cliName) {
        this.cliName = cliName;
    }

    /**
     * A new, uninitialised block for samples of {@code inputShape} and {@code numClasses} outputs; a
     * shape the architecture cannot take fails with a message naming both.
     *
     * @param inputShape one sample's shape, e.g. (1, 28, 28) for MNIST
     * @param numClasses the number of outputs, at least 2
     * @return a block whose parameters are not yet initialised (see {@link Models#create})
     * @throws DlsecException when {@code numClasses} is below 2 or the architecture cannot take the shape
     */
    public Block build(Shape inputShape, int numClasses) {
        DlsecException.require(numClasses >= 2, "numClasses", "must be at least 2, got " + numClasses);
        return create(inputShape, numClasses);
    }

    abstract Block create(Shape inputShape, int numClasses);

    /**
     * The number of parameters (weights, biases, batch-norm scales, shifts and running statistics)
     * of {@link #build(Shape, int)}'s block, computed from the layer formulas without building or
     * allocating anything, so that a model card or a weights file can be judged before the engine
     * allocates what they declare. A shape the architecture cannot take fails as {@code build} does.
     *
     * @param shape one sample's shape
     * @param numClasses the number of outputs, at least 2
     * @return the number of float32 values the block's parameters hold
     * @throws DlsecException when {@code numClasses} is below 2 or the architecture cannot take the shape
     */
    public long parameterCount(Shape shape, int numClasses) {
        DlsecException.require(numClasses >= 2, "numClasses", "must be at least 2, got " + numClasses);
        long k = numClasses;
        try {
            switch (this) {
                case LENET5 -> {
                    requireImage(shape, 4);
                    long c = shape.get(0);
                    int pad2 = minSide(shape) >= 12 ? 0 : 2;
                    long h = positive((shape.get(1) / 2 + 2 * pad2 - 4) / 2);
                    long w = positive((shape.get(2) / 2 + 2 * pad2 - 4) / 2);
                    return convParams(c, 6, 5) + convParams(6, 16, 5) + linearParams(Math.multiplyExact(16, Math.multiplyExact(h, w)), 120)
                            + linearParams(120, 84) + linearParams(84, k);
                }
                case MADRY -> {
                    requireImage(shape, 4);
                    long h = positive(shape.get(1) / 4);
                    long w = positive(shape.get(2) / 4);
                    return convParams(shape.get(0), 32, 5) + convParams(32, 64, 5)
                            + linearParams(Math.multiplyExact(64, Math.multiplyExact(h, w)), 1024) + linearParams(1024, k);
                }
                case VGG -> {
                    requireImage(shape, 2);
                    int[] widths = {32, 64, 128, 256, 256};
                    int stages = vggStages(minSide(shape));
                    long c = shape.get(0);
                    long n = 0;
                    long h = shape.get(1);
                    long w = shape.get(2);
                    for (int b = 0; b < stages; b++) {
                        n += convParams(c, widths[b], 3) + 4L * widths[b] + convParams(widths[b], widths[b], 3) + 4L * widths[b];
                        c = widths[b];
                        h = positive(h / 2);
                        w = positive(w / 2);
                    }
                    return n + linearParams(Math.multiplyExact(c, Math.multiplyExact(h, w)), 256) + linearParams(256, k);
                }
                case SOFTMAX -> {
                    return linearParams(shape.size(), k);
                }
                case MLP -> {
                    return linearParams(shape.size(), 128) + linearParams(128, 64) + linearParams(64, k);
                }
                case RESNET -> {
                    int side = minSide(requireImage(shape, 32));
                    long n = 16L * shape.get(0) * (side >= 64 ? 49 : 9) + 4 * 16;
                    long in = 16;
                    for (int f : new int[] {16, 32, 64, 128}) {
                        boolean project = f != 16;
                        n += 9L * f * in + 4L * f + 9L * f * f + 4L * f + (project ? (long) f * in + 4L * f : 0);
                        n += 2 * (9L * f * f + 4L * f);
                        in = f;
                    }
                    return n + linearParams(128, k);
                }
                default -> throw new IllegalStateException(cliName);
            }
        } catch (ArithmeticException e) {
            throw new DlsecException("a " + cliName + " for samples of shape " + shape + " would have more parameters"
                    + " than can be counted");
        }
    }

    private long positive(long side) {
        if (side < 1) {
            throw new DlsecException("the " + cliName + " architecture cannot take images this small");
        }
        return side;
    }

    /** Weights and bias of a k×k convolution from {@code in} to {@code out} channels. */
    private static long convParams(long in, long out, long k) {
        return Math.addExact(Math.multiplyExact(Math.multiplyExact(in, out), k * k), out);
    }

    /** Weights and bias of a fully connected layer. */
    private static long linearParams(long in, long out) {
        return Math.addExact(Math.multiplyExact(in, out), out);
    }

    /**
     * The architecture's name on the command line and in model cards.
     *
     * @return e.g. {@code lenet5}
     */
    public String cliName() {
        return cliName;
    }

    /**
     * The architecture with the command-line name {@code name}.
     *
     * @param name a name as {@link #cliName()} returns it; case and surrounding blanks are ignored
     * @return the architecture
     * @throws DlsecException when no architecture has that name; the message lists the known names
     */
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

    /** The image shape (C, H, W), or a clear error for feature vectors and images that are too small. */
    final Shape requireImage(Shape shape, int minSide) {
        if (shape.dimension() != 3) {
            throw new DlsecException("the " + cliName + " architecture takes images (C, H, W), not samples of shape "
                    + shape + (shape.dimension() == 1 ? ": use mlp for feature vectors" : ""));
        }
        if (minSide(shape) < minSide) {
            throw new DlsecException("the " + cliName + " architecture needs images of at least " + minSide + "x"
                    + minSide + " pixels, got " + shape.get(1) + "x" + shape.get(2));
        }
        return shape;
    }

    private static int minSide(Shape chw) {
        return (int) Math.min(chw.get(1), chw.get(2));
    }

    /** VGG's number of conv/pool blocks for images of {@code side} pixels: 3 as for 32x32, 1..5 otherwise. */
    static int vggStages(int side) {
        int stages = 3;
        while (stages < 5 && (side >> stages) >= 8) {
            stages++;
        }
        while (stages > 1 && (side >> stages) < 1) {
            stages--;
        }
        return stages;
    }

    /** A basic residual block: relu(bn(conv(relu(bn(conv(x))))) + shortcut(x)). */
    private static Block residual(int filters, int stride, boolean project) {
        SequentialBlock main = new SequentialBlock()
                .add(Conv2d.builder().setFilters(filters).setKernelShape(new Shape(3, 3))
                        .optStride(new Shape(stride, stride)).optPadding(new Shape(1, 1)).optBias(false).build())
                .add(BatchNorm.builder().build()).add(Activation.reluBlock())
                .add(Conv2d.builder().setFilters(filters).setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1))
                        .optBias(false).build())
                .add(BatchNorm.builder().build());
        Block shortcut = project
                ? new SequentialBlock()
                        .add(Conv2d.builder().setFilters(filters).setKernelShape(new Shape(1, 1))
                                .optStride(new Shape(stride, stride)).optBias(false).build())
                        .add(BatchNorm.builder().build())
                : Blocks.identityBlock();
        return new SequentialBlock()
                .add(new ParallelBlock(list -> new NDList(list.get(0).singletonOrThrow().add(list.get(1).singletonOrThrow())),
                        Arrays.asList(main, shortcut)))
                .add(Activation.reluBlock());
    }

    private static Block maxPool() {
        return Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2));
    }

    @Override
    public String toString() {
        return cliName;
    }
}
