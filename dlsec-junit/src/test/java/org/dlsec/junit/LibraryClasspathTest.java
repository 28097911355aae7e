package org.dlsec.junit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Progress;
import org.dlsec.model.Models;
import org.junit.jupiter.api.Test;

/**
 * This module depends on dlsec-core alone, as a user's project does: ONNX Runtime (optional in dlsec-core) is not
 * on its classpath, and an .onnx file gets one line naming the artifact to add, not a NoClassDefFoundError; neither
 * the command line, the audit, the report's charts, the server, a logging binding nor progress bars come along.
 */
class LibraryClasspathTest {
    @Test
    void anOnnxFileWithoutOnnxRuntimeIsOneClearError() {
        assertFalse(Models.onnxRuntimeAvailable(), "ONNX Runtime came in transitively");
        DlsecException e = assertThrows(DlsecException.class, () -> Models.load(
                Path.of("..", "dlsec-core", "src", "test", "resources", "fixtures", "lenet.onnx"), new Shape(1, 28, 28)));
        assertTrue(e.getMessage().contains("ONNX Runtime is not on the classpath: add com.microsoft.onnxruntime:onnxruntime:"),
                e.getMessage());
        assertTrue(!e.getMessage().contains("unknown"), "the version is named: " + e.getMessage());
        for (String absent : new String[] {"picocli.CommandLine", "org.slf4j.simple.SimpleLogger",
                "org.eclipse.jetty.server.Server", "org.knowm.xchart.XYChart", "org.apache.pdfbox.pdmodel.PDDocument",
                "me.tongfei.progressbar.ProgressBar", "org.dlsec.serve.PredictionServer", "org.dlsec.report.Charts",
                "org.dlsec.audit.AuditConfig", "org.dlsec.cli.Main"}) {
            assertThrows(ClassNotFoundException.class, () -> Class.forName(absent), absent + " is on a library user's classpath");
        }
    }

    @Test
    void withoutProgressbarOnTheClasspathProgressIsSilent() {
        try (Progress p = Progress.start("task", 10)) {
            p.step(5);
            p.message("half");
        }
        assertThrows(ClassNotFoundException.class, () -> Class.forName("me.tongfei.progressbar.ProgressBar"));
    }
}
