package org.dlsec.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.LibUtils;
import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.dlsec.core.Tensors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes libtorch's float32 gradients trustworthy before anything uses them, and proves it.
 *
 * <p>Measured on the CI machines (AMD EPYC, family 26, AVX-512): the oneDNN ("mkldnn") kernels
 * that libtorch 2.7.1 uses for float32 convolutions return wrong input gradients — relative error
 * 0.99 against the exact gradient at one thread, 0.08–0.2 and changing from call to call at two —
 * while the forward pass stays right. That is what made FGSM on a TorchScript LeNet report 26%
 * robust accuracy in some runs and 2.5% in others. libtorch's own convolution kernels (im2col and
 * GEMM), which it uses when oneDNN is switched off ({@code torch.backends.mkldnn.enabled = False}
 * in Python), give PyTorch 1.13's gradients to 5e-7, bit-identical at one and two threads.
 *
 * <p>So before the first use of the engine, dlsec switches oneDNN off through libtorch's
 * {@code at::Context::setUserEnabledMkldnn} (reached with JNA), then runs a self-check: the input
 * gradient of a LeNet-sized float32 convolution against the same computation in float64. If they
 * disagree, no gradient-based number dlsec could produce is trustworthy, and {@link #check()} throws instead of letting an attack report a wrong
 * robustness figure. NNPACK is switched off too ({@link #disableNnpack}): it changes no number here,
 * but on these CPUs it printed a warning for every convolution.
 *
 * <p>Measured since (2026-12-08, family 26): the wrong gradients come only from convolutions whose
 * output channels do not fill oneDNN's 16-wide blocks (6 or 8 filters: relative error 0.2 to NaN,
 * i.e. uninitialised padding read; 16, 32, 64 or 128 filters: 2e-7 like the reference), which is why
 * it also passed on other machines. So oneDNN is not banned: {@link Kernels} switches it on per
 * model, where {@link DjlClassifier} checked the model's logits and gradients against the reference.
 */
public final class LibTorchNumerics {
    private static final Logger LOG = LoggerFactory.getLogger(LibTorchNumerics.class);
    /** Largest relative error of the float32 self-check gradient accepted (float32 rounding is ~1e-7). */
    static final double TOLERANCE = 1e-4;

    private static volatile Status status;
    private static volatile Function mklThreadsLocal;
    /** libtorch's oneDNN switch and its context, when reachable; see {@link Kernels}. */
    private static volatile Function setMkldnn;
    private static volatile Pointer context;
    private static final AtomicBoolean WARNED_RESET = new AtomicBoolean();
    private static final AtomicBoolean WARNED_FAILURE = new AtomicBoolean();

    /** What was configured and what the self-check measured. */
    public record Status(boolean oneDnnDisabled, String how, double gradientError, boolean nnpackDisabled) {
        /**
         * Whether libtorch's float32 gradients passed the self-check.
         *
         * @return true when the measured error is below the tolerance (1e-4)
         */
        public boolean trustworthy() {
            return gradientError < TOLERANCE;
        }
    }

    private LibTorchNumerics() {}

    /**
     * Configures libtorch once per JVM and returns the self-check's result; the first call loads the
     * engine if nothing has yet.
     *
     * @return what was configured and measured; the same object on every call after the first
     * @throws ai.djl.engine.EngineException when the engine cannot be loaded
     */
    public static Status configure() {
        Status s = status;
        if (s == null) {
            synchronized (LibTorchNumerics.class) {
                s = status;
                if (s == null) {
                    // libtorch's symbols can only be reached once DJL has loaded it: configured before that (a first
                    // call to this class rather than Engines), the status said "libtorch_cpu not found" and left oneDNN
                    // on and MKL multi-threaded for the rest of the JVM
                    Engines.configureOffline();
                    Engine.getEngine(Engines.ENGINE);
                    NativeLibrary torch = libtorch();
                    mklThreadsLocal = mklSetThreadsLocal(torch);
                    String how = disableOneDnn(torch);
                    boolean nnpackOff = disableNnpack(torch);
                    double err = convolutionGradientError();
                    s = new Status(how.startsWith("disabled"), how, err, nnpackOff);
                    status = s;
                    if (!s.trustworthy()) {
                        LOG.error("libtorch's float32 convolution gradient is wrong on this machine (relative error {}; "
                                + "oneDNN {})", err, how);
                    }
                }
            }
        }
        return s;
    }

    /**
     * Throws if libtorch's float32 gradients failed the self-check: every gradient-based attack,
     * defence and training run would produce wrong numbers.
     */
    public static void check() {
        Status s = configure();
        if (!s.trustworthy()) {
            throw new IllegalStateException(String.format(
                    "libtorch computes wrong float32 convolution gradients on this machine (relative error %.3g "
                            + "against float64; oneDNN %s): gradient-based results would be wrong, so dlsec refuses to "
                            + "compute them", s.gradientError(), s.how()));
        }
    }

    /**
     * Makes MKL, which libtorch calls for matrix products, run single-threaded when called from this
     * thread (libtorch still parallelises convolutions over the batch with its own threads). MKL
     * otherwise splits the sums of short products between threads in ways that change with the batch
     * size, so a sample's gradient would depend on which other samples share its batch (measured:
     * batches of 5 and 6 at two threads), and a seeded training would not give the same weights.
     *
     * <p>The setting is applied again on every call, not once per thread: libtorch's
     * {@code at::set_num_threads} (DJL's {@code JniUtils.setNumThreads}, which the Spark executors'
     * runtime calls) also sets MKL's thread count of the thread that calls it, to the intra-op count.
     * When this was done once per thread, one such call made every later training on that thread
     * differ from a fresh JVM's (the test LeNet-5 of the suite differed from an isolated run's; see
     * TrainingDeterminismTest). The call costs well under a microsecond (0.3–0.4 µs measured).
     */
    public static void configureThread() {
        configure();
        Function f = mklThreadsLocal;
        if (f == null) {
            return;
        }
        try {
            int previous = f.invokeInt(new Object[] {1});
            if (previous != 1 && previous != 0 && !WARNED_RESET.getAndSet(true)) {
                // 0: never set on this thread (first call); anything else: set by someone else since
                LOG.debug("MKL's thread count on this thread had been set to {} (at::set_num_threads?); back to 1",
                        previous);
            }
        } catch (RuntimeException | LinkageError e) {
            if (!WARNED_FAILURE.getAndSet(true)) {
                LOG.warn("could not make MKL single-threaded on this thread: {}", e.toString());
            }
        }
    }

    /** Whether {@link Kernels} can switch oneDNN on and off: the switch was found and worked once. */
    static boolean canSwitchOneDnn() {
        configure();
        return setMkldnn != null && status.trustworthy();
    }

    /**
     * Switches libtorch's oneDNN convolutions on or off; only {@link Kernels} calls this, while no
     * convolution runs.
     */
    static void setOneDnn(boolean on) {
        Function set = setMkldnn;
        if (set == null) {
            if (on) {
                throw new IllegalStateException("libtorch's oneDNN switch is not reachable");
            }
            return;
        }
        set.invokeVoid(new Object[] {context, (byte) (on ? 1 : 0)});
    }

    private static String disableOneDnn(NativeLibrary torch) {
        if (torch == null) {
            return "unchanged (libtorch_cpu not found)";
        }
        try {
            Pointer context = torch.getFunction("_ZN2at13globalContextEv").invokePointer(new Object[0]);
            Function set = torch.getFunction("_ZN2at7Context20setUserEnabledMkldnnEb");
            Function get = torch.getFunction("_ZNK2at7Context17userEnabledMkldnnEv");
            set.invokeVoid(new Object[] {context, (byte) 0});
            boolean still = (get.invokeInt(new Object[] {context}) & 0xff) != 0;
            if (!still) {
                LibTorchNumerics.context = context;
                setMkldnn = set;
            }
            return still ? "still enabled after the call" : "disabled";
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("could not switch libtorch's oneDNN off ({}); relying on the gradient self-check", e.toString());
            return "unchanged (" + e.getClass().getSimpleName() + ")";
        }
    }

    /**
     * Switches libtorch's NNPACK convolution path off ({@code torch.backends.nnpack.set_flags(False)}).
     * On CPUs that NNPACK's cpuinfo does not recognise (the CI machines, AMD family 26), every float32
     * convolution otherwise asks NNPACK first and libtorch prints "Could not initialize NNPACK! Reason:
     * Unsupported hardware" to standard error, thousands of lines in one audit, before falling back to
     * the kernels it then uses anyway; so the numbers do not change, only the noise goes.
     */
    private static boolean disableNnpack(NativeLibrary torch) {
        if (torch == null) {
            return false;
        }
        try {
            Pointer context = torch.getFunction("_ZN2at13globalContextEv").invokePointer(new Object[0]);
            torch.getFunction("_ZN2at7Context20setUserEnabledNNPACKEb").invokeVoid(new Object[] {context, (byte) 0});
            return (torch.getFunction("_ZNK2at7Context17userEnabledNNPACKEv").invokeInt(new Object[] {context}) & 0xff) == 0;
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("could not switch libtorch's NNPACK off: {}", e.toString());
            return false;
        }
    }

    /** libtorch's CPU library, already loaded by DJL (the same handle), or null. */
    private static NativeLibrary libtorch() {
        try {
            Path lib = Path.of(LibUtils.getLibtorchPath(), "libtorch_cpu.so");
            return Files.isRegularFile(lib) ? NativeLibrary.getInstance(lib.toString()) : null;
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("could not open libtorch_cpu through JNA: {}", e.toString());
            return null;
        }
    }

    private static Function mklSetThreadsLocal(NativeLibrary torch) {
        try {
            return torch == null ? null : torch.getFunction("MKL_Set_Num_Threads_Local");
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("libtorch has no MKL thread control: {}", e.toString());
            return null;
        }
    }

    /**
     * Relative L2 error of the float32 input gradient of a LeNet-sized convolution (8×1×28×28, six
     * 5×5 filters, padding 2) against the float64 one, from fixed inputs.
     */
    static double convolutionGradientError() {
        try (NDManager m = Engine.getEngine(Engines.ENGINE).newBaseManager()) {
            int n = 8;
            float[] x = new float[n * 28 * 28];
            float[] w = new float[6 * 25];
            float[] b = new float[6];
            float[] r = new float[n * 6 * 28 * 28];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (0.5 + 0.5 * Math.sin(0.37 * i));
            }
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) (0.3 * Math.cos(1.3 * i));
            }
            for (int i = 0; i < b.length; i++) {
                b[i] = 0.05f * i;
            }
            for (int i = 0; i < r.length; i++) {
                r[i] = (float) Math.sin(0.11 * i + 1);
            }
            double[] g32 = gradient(m, x, w, b, r, n, DataType.FLOAT32);
            double[] g64 = gradient(m, x, w, b, r, n, DataType.FLOAT64);
            double num = 0;
            double den = 0;
            for (int i = 0; i < g32.length; i++) {
                num += (g32[i] - g64[i]) * (g32[i] - g64[i]);
                den += g64[i] * g64[i];
            }
            return Math.sqrt(num / den);
        }
    }

    private static double[] gradient(NDManager m, float[] x, float[] w, float[] b, float[] r, int n, DataType type) {
        try (NDManager s = m.newSubManager()) {
            NDArray xi = Tensors.floats(s, x, new Shape(n, 1, 28, 28)).toType(type, false);
            NDArray wi = Tensors.floats(s, w, new Shape(6, 1, 5, 5)).toType(type, false);
            NDArray bi = Tensors.floats(s, b, new Shape(6)).toType(type, false);
            NDArray ri = Tensors.floats(s, r, new Shape(n, 6, 28, 28)).toType(type, false);
            xi.setRequiresGradient(true);
            try (InputGradients gc = InputGradients.open()) {
                NDList out = Conv2d.conv2d(xi, wi, bi, new Shape(1, 1), new Shape(2, 2), new Shape(1, 1), 1);
                gc.backward(out.singletonOrThrow().mul(ri).sum());
            }
            return ((PtNDArray) xi.getGradient()).toType(DataType.FLOAT64, false).toDoubleArray();
        }
    }
}
