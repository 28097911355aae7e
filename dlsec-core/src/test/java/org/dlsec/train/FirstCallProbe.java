package org.dlsec.train;

import ai.djl.pytorch.jni.LibUtils;
import com.sun.jna.NativeLibrary;
import java.nio.file.Path;
import org.dlsec.model.LibTorchNumerics;

/**
 * Run in a child JVM by {@link TrainingDeterminismTest}: touches {@link LibTorchNumerics} before anything has
 * loaded the engine, then prints what it configured and MKL's thread count on this thread.
 */
public final class FirstCallProbe {
    private FirstCallProbe() {}

    public static void main(String[] args) {
        LibTorchNumerics.configureThread();
        LibTorchNumerics.Status s = LibTorchNumerics.configure();
        int mkl = NativeLibrary.getInstance(Path.of(LibUtils.getLibtorchPath(), "libtorch_cpu.so").toString())
                .getFunction("MKL_Get_Max_Threads").invokeInt(new Object[0]);
        System.out.println("oneDNN " + s.how() + "; NNPACK off " + s.nnpackDisabled() + "; MKL threads " + mkl);
    }
}
