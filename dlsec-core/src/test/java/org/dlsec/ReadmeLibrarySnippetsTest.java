package org.dlsec;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's library snippets compile against the library as it is (issue #24: they had rotted). Each java block
 * of the "Library" section becomes the body of a method whose parameters stand for what the prose assumes
 * ({@code model}, {@code test}, {@code fashionMnist}) unless the snippet declares it; the imports are the
 * library's packages.
 */
class ReadmeLibrarySnippetsTest {
    private static final List<String> IMPORTS = List.of("java.util.*", "java.nio.file.*", "org.dlsec.data.*",
            "org.dlsec.model.*", "org.dlsec.attack.evasion.*", "org.dlsec.attack.extraction.*",
            "org.dlsec.defence.postprocess.*");
    private static final String[][] ASSUMED = {{"Classifier", "model"}, {"Dataset", "test"}, {"Dataset", "fashionMnist"}};

    static List<String> snippets() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int from = readme.indexOf("\n## Library\n");
        assertTrue(from >= 0, "README has a Library section");
        int to = readme.indexOf("\n## ", from + 5);
        Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(readme.substring(from, to));
        List<String> out = new ArrayList<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    @Test
    void theLibrarySnippetsCompile(@TempDir Path dir) throws Exception {
        List<String> snippets = snippets();
        assertTrue(snippets.size() >= 2, "snippets found: " + snippets.size());
        StringBuilder src = new StringBuilder();
        IMPORTS.forEach(i -> src.append("import ").append(i).append(";\n"));
        src.append("class Snippets {\n");
        for (int k = 0; k < snippets.size(); k++) {
            String body = snippets.get(k);
            List<String> params = new ArrayList<>();
            for (String[] a : ASSUMED) {
                if (!Pattern.compile("\\b" + a[0] + "\\s+" + a[1] + "\\s*=").matcher(body).find()) {
                    params.add(a[0] + " " + a[1]);
                }
            }
            src.append("  static void snippet").append(k).append('(').append(String.join(", ", params))
                    .append(") throws Exception {\n").append(body).append("  }\n");
        }
        src.append("}\n");
        Path file = dir.resolve("Snippets.java");
        Files.writeString(file, src);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter err = new StringWriter();
        boolean ok = javac.getTask(err, null, null, List.of("-classpath", System.getProperty("java.class.path"), "-d",
                dir.toString(), "-proc:none"), null, javac.getStandardFileManager(null, null, null)
                .getJavaFileObjects(file.toFile())).call();
        assertTrue(ok, "README library snippets do not compile:\n" + err + "\n" + src);
    }
}
