package org.dlsec.model;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Which float32 convolution kernels libtorch runs, decided per model and switched only when no
 * other thread is inside a convolution.
 *
 * <p>libtorch has two CPU convolution paths: its own (im2col and MKL GEMM, the "reference" here)
 * and oneDNN. oneDNN is several times faster on models with wide convolutions (a VGG-style GTSRB
 * net on 2 cores: Square 9× and PGD 4× faster, BENCHMARKS.md), but libtorch 2.7.1's oneDNN input gradient is
 * wrong on some CPUs for convolutions whose output channels do not fill a 16-wide block (LeNet-5's
 * six filters: relative error 0.2 to NaN on AMD family 26), see {@link LibTorchNumerics}. The
 * switch between them is one process-wide flag ({@code at::Context::setUserEnabledMkldnn}) that
 * every convolution reads when it runs, so it may only change while no convolution runs.
 *
 * <p>Every dlsec code path that runs a model holds a {@link Section} of the mode its model needs
 * ({@link DjlClassifier} one for each forward and each backward pass, of the modes it verified for
 * its model; training and weight gradients the reference; {@code KernelSectionRuleTest} checks the
 * sources). Sections of one mode run concurrently; a section of the other mode waits until they
 * have all ended, and a thread waiting for the other mode keeps new sections of the current one
 * out, so neither starves. A section opened inside another on the same thread runs in the outer
 * one's mode when the outer one is the reference (always correct); a oneDNN section never holds a
 * reference one inside it (it runs a verified model's forward or backward and nothing else), and
 * asking for that throws.
 *
 * <p>A thread inside a section must not wait for another thread's section (say, for a worker pool
 * whose tasks call a classifier): while a thread waits for the other mode, new sections of the
 * current one wait too, so the worker would wait for the holder and the holder for the worker. No
 * dlsec code does that: work inside a section runs on the section's own thread.
 *
 * <p>{@code -Ddlsec.onednn=false} keeps every model on the reference kernels (for library users
 * that run their own libtorch work beside dlsec on other threads, outside any section).
 */
public final class Kernels {
    /** The convolution kernels of a section. */
    public enum Mode {
        /** libtorch's own kernels (im2col and MKL GEMM): the ones the gradient self-check verified. */
        REFERENCE,
        /** oneDNN's kernels: only for a model whose results were verified against the reference. */
        ONEDNN
    }

    private static final ReentrantLock LOCK = new ReentrantLock();
    private static final Condition ENDED = LOCK.newCondition();
    /** The mode libtorch's flag is set to; changed only while {@link #active} is 0. */
    private static Mode current = Mode.REFERENCE;
    private static int active;
    private static final int[] WAITING = new int[Mode.values().length];
    private static final ThreadLocal<Section> HELD = new ThreadLocal<>();

    private Kernels() {}

    /**
     * Whether models may run on oneDNN at all in this JVM: not with {@code -Ddlsec.onednn=false}, and
     * only where dlsec can switch libtorch's flag.
     *
     * @return true when a model that passes its checks may run on oneDNN
     */
    public static boolean oneDnnAllowed() {
        return !"false".equalsIgnoreCase(System.getProperty("dlsec.onednn", "auto").trim())
                && LibTorchNumerics.canSwitchOneDnn();
    }

    /**
     * A section on the reference kernels: for training, weight gradients and any other model
     * computation outside a {@link DjlClassifier}.
     *
     * @return the section; close it when the computation has ended
     */
    public static Section reference() {
        return enter(Mode.REFERENCE);
    }

    /**
     * Opens a section of the given mode, waiting while sections of the other mode run.
     *
     * @param mode the kernels the section's computation needs
     * @return the section; close it on the same thread when the computation has ended
     * @throws IllegalStateException when a reference section is asked for inside a oneDNN one
     */
    public static Section enter(Mode mode) {
        Section outer = HELD.get();
        if (outer != null) {
            if (outer.mode == Mode.ONEDNN && mode != Mode.ONEDNN) {
                throw new IllegalStateException("a reference-kernel computation inside a oneDNN one");
            }
            outer.depth++;
            return outer;
        }
        LibTorchNumerics.configure();
        LOCK.lock();
        try {
            Mode other = mode == Mode.ONEDNN ? Mode.REFERENCE : Mode.ONEDNN;
            WAITING[mode.ordinal()]++;
            try {
                while (active > 0 && (current != mode || WAITING[other.ordinal()] > 0)) {
                    ENDED.awaitUninterruptibly();
                }
            } finally {
                WAITING[mode.ordinal()]--;
            }
            if (current != mode) {
                LibTorchNumerics.setOneDnn(mode == Mode.ONEDNN);
                current = mode;
            }
            active++;
        } finally {
            LOCK.unlock();
        }
        Section s = new Section(mode);
        HELD.set(s);
        return s;
    }

    /**
     * The mode of the section this thread is in, or null outside any.
     *
     * @return the mode, or null
     */
    public static Mode currentSection() {
        Section s = HELD.get();
        return s == null ? null : s.mode;
    }

    private static void exit() {
        LOCK.lock();
        try {
            active--;
            if (active == 0) {
                ENDED.signalAll();
            }
        } finally {
            LOCK.unlock();
        }
    }

    /** An open section; {@link #close()} ends it (sections nest on one thread). */
    public static final class Section implements AutoCloseable {
        private final Mode mode;
        private int depth = 1;

        private Section(Mode mode) {
            this.mode = mode;
        }

        /**
         * The kernels this section runs on (for a nested section, its outermost one's).
         *
         * @return the mode
         */
        public Mode mode() {
            return mode;
        }

        @Override
        public void close() {
            if (HELD.get() != this) {
                throw new IllegalStateException("a kernel section closed on another thread or twice");
            }
            if (--depth == 0) {
                HELD.remove();
                exit();
            }
        }
    }
}
