package org.dlsec.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README's library snippets cannot rot: each java block of its "Library" and "Robustness checks in your own
 * tests" sections is, character for character, a region of these examples (between {@code // README: begin NAME}
 * and {@code // README: end}, indentation removed), which this build compiles and runs; and every region is shown.
 */
class ReadmeExamplesTest {
    static final Path README = Path.of("..", "README.md");

    static Map<String, String> regions() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        List<Path> files;
        try (Stream<Path> s = Files.walk(Path.of("src"))) {
            files = s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
        Pattern begin = Pattern.compile("^\\s*// README: begin (\\S+)\\s*$");
        for (Path f : files) {
            List<String> lines = Files.readAllLines(f);
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = begin.matcher(lines.get(i));
                if (!m.matches()) {
                    continue;
                }
                int j = i + 1;
                while (j < lines.size() && !lines.get(j).trim().equals("// README: end")) {
                    j++;
                }
                assertTrue(j < lines.size(), f + ": region " + m.group(1) + " has no end");
                out.put(m.group(1), dedent(lines.subList(i + 1, j)));
                i = j;
            }
        }
        return out;
    }

    static String dedent(List<String> lines) {
        int indent = lines.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        StringBuilder b = new StringBuilder();
        lines.forEach(l -> b.append(l.isBlank() ? "" : l.substring(indent)).append('\n'));
        return b.toString();
    }

    static List<String> readmeBlocks() throws IOException {
        String readme = Files.readString(README);
        int from = readme.indexOf("\n## Library\n");
        int to = readme.indexOf("\n## Design\n");
        assertTrue(from >= 0 && to > from, "README has its Library and Design sections");
        Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(readme.substring(from, to));
        List<String> out = new ArrayList<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    @Test
    void everyReadmeSnippetIsAnExampleRegionAndEveryRegionIsInTheReadme() throws IOException {
        Map<String, String> regions = regions();
        List<String> blocks = readmeBlocks();
        assertTrue(regions.size() >= 4, "regions: " + regions.keySet());
        for (String block : blocks) {
            assertTrue(regions.containsValue(block), "README snippet is not an example region (copy it from examples/):\n" + block);
        }
        for (Map.Entry<String, String> r : regions.entrySet()) {
            assertTrue(blocks.contains(r.getValue()), "example region '" + r.getKey() + "' is not in the README");
        }
        assertEquals(regions.size(), blocks.size(), "one README block per region");
    }
}
