package org.dlsec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.DocumentationTool;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library's documented API stays documented (issue #24): the JDK's javadoc with doclint on every group runs over
 * dlsec-core's and dlsec-junit's main sources, as {@code mvn install}'s javadoc jar does, and must report no warning
 * and no error. Run in {@code mvn -B test} so that CI sees an undocumented public method, not only a release build.
 */
class JavadocLintTest {
    static final List<Path> SOURCES = List.of(Path.of("dlsec-core/src/main/java"), Path.of("dlsec-junit/src/main/java"));

    @Test
    void theLibrarysJavadocPassesDoclint(@TempDir Path out) throws IOException {
        DocumentationTool javadoc = ToolProvider.getSystemDocumentationTool();
        assertNotNull(javadoc, "the JDK's javadoc tool");
        List<String> packages = new ArrayList<>();
        for (Path root : SOURCES) {
            try (Stream<Path> s = Files.walk(root)) {
                s.filter(p -> p.getFileName().toString().equals("package-info.java"))
                        .map(p -> root.relativize(p.getParent()).toString().replace('/', '.')).sorted().forEach(packages::add);
            }
        }
        assertTrue(packages.contains("org.dlsec.attack.evasion") && packages.contains("org.dlsec.junit"), "packages: " + packages);
        List<String> args = new ArrayList<>(List.of("-Xdoclint:all", "-quiet", "-Xmaxwarns", "10000", "-Xmaxerrs", "10000",
                "-d", out.toString(), "-sourcepath", SOURCES.get(0) + java.io.File.pathSeparator + SOURCES.get(1),
                "-classpath", System.getProperty("java.class.path"), "-subpackages", "org.dlsec"));
        StringWriter log = new StringWriter();
        int rc = javadoc.getTask(new PrintWriter(log), null, null, null, args, null).call() ? 0 : 1;
        List<String> problems = log.toString().lines().filter(l -> l.contains(": warning") || l.contains(": error")).toList();
        assertTrue(problems.isEmpty(), () -> problems.size() + " javadoc problems, the first ones:\n"
                + String.join("\n", problems.subList(0, Math.min(40, problems.size()))));
        assertEquals(0, rc, log.toString());
    }
}
