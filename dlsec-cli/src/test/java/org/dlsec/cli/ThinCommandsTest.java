package org.dlsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The CLI module stays thin: no source file over {@value #MAX_FILE_LINES} lines and no method or constructor over
 * {@value #MAX_METHOD_LINES} (from its signature to its closing brace). Experiment logic belongs in the library's
 * {@code experiment} package; a command parses, builds a spec, runs it and prints.
 */
class ThinCommandsTest {
    static final int MAX_FILE_LINES = 200;
    static final int MAX_METHOD_LINES = 60;
    static final Path ROOT = Path.of("dlsec-cli/src/main/java");

    /** A method or constructor declaration's first line (a lambda, call or control statement does not match). */
    private static final Pattern DECLARATION = Pattern.compile(
            "^\\s*(?:@\\w+(?:\\([^)]*\\))?\\s+)*(?:(?:public|protected|private|static|final|abstract|synchronized|default)\\s+)*"
                    + "(?:<[^>]+>\\s+)?(?:[\\w.$]+(?:<.*>)?(?:\\[\\])*\\s+)?\\w+\\s*\\(.*");
    private static final Pattern KEYWORD = Pattern.compile(
            "(?:return|new|if|for|while|switch|catch|try|else|do|throw|case|yield|assert|super|this)\\b.*|"
                    + ".*\\b(?:class|record|interface|enum)\\s+[A-Z].*");

    @Test
    void noFileOrMethodIsLong() throws IOException {
        List<String> problems = new ArrayList<>();
        try (Stream<Path> files = Files.walk(ROOT)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                List<String> lines = Files.readAllLines(f);
                if (lines.size() > MAX_FILE_LINES) {
                    problems.add(f + ": " + lines.size() + " lines (at most " + MAX_FILE_LINES + ")");
                }
                methodLengths(lines).forEach((line, n) -> {
                    if (n > MAX_METHOD_LINES) {
                        problems.add(f + ":" + line + ": a method of " + n + " lines (at most " + MAX_METHOD_LINES + ")");
                    }
                });
            }
        }
        assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
    }

    @Test
    void theMeasureFindsMethodsConstructorsAndTheirLength() {
        List<String> src = new ArrayList<>(List.of(
                "final class A {",
                "    A(int x) {",
                "        this.x = x;",
                "    }",
                "",
                "    @Override",
                "    public Integer call() {",
                "        Runnable r = () -> {",
                "            run(\"{\");",
                "        };",
                "        if (x > 0) {",
                "            return 1;",
                "        }",
                "        return 0;",
                "    }",
                "",
                "    static <T> java.util.List<T> of(T a,",
                "            T b) {",
                "        return java.util.List.of(a, b);",
                "    }",
                "    abstract void nothing();",
                "}"));
        Map<Integer, Integer> m = methodLengths(src);
        assertEquals(Map.of(2, 3, 7, 9, 17, 4), m);
        for (int i = 0; i < MAX_METHOD_LINES; i++) {
            src.add(14, "        x++;");
        }
        assertTrue(methodLengths(src).get(7) > MAX_METHOD_LINES, "a long method is seen as long");
    }

    /** Length in lines of every method and constructor with a body, by the 1-based line of its declaration. */
    static Map<Integer, Integer> methodLengths(List<String> lines) {
        Map<Integer, Integer> out = new TreeMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (!declaration(l)) {
                continue;
            }
            int j = i;
            while (j < lines.size() && code(lines.get(j)).indexOf('{') < 0 && code(lines.get(j)).indexOf(';') < 0) {
                j++;
            }
            if (j == lines.size() || code(lines.get(j)).indexOf('{') < 0) {
                continue; // abstract or interface method
            }
            int depth = 0;
            int k = j;
            for (; k < lines.size(); k++) {
                String c = code(lines.get(k));
                depth += c.chars().filter(ch -> ch == '{').count() - c.chars().filter(ch -> ch == '}').count();
                if (depth <= 0) {
                    break;
                }
            }
            out.put(i + 1, k - i + 1);
            i = k;
        }
        return out;
    }

    /** Whether {@code line} starts a method or constructor: not a call, statement, lambda or type declaration. */
    private static boolean declaration(String line) {
        if (!DECLARATION.matcher(line).matches() || !line.startsWith("    ")) {
            return false;
        }
        String prefix = line.substring(0, line.indexOf('(')).trim();
        String[] tokens = prefix.split("\\s+");
        String name = tokens[tokens.length - 1];
        if (KEYWORD.matcher(prefix).matches() || prefix.contains("=") || name.contains(".")) {
            return false;
        }
        // a constructor has no return type: only a class-like name, at a member's indentation
        return tokens.length > 1 || Character.isUpperCase(name.charAt(0)) && line.matches("^( {4}| {8})\\w.*");
    }

    /** A line without its string and character literals and its line comment. */
    private static String code(String line) {
        String s = line.replaceAll("\"(?:\\\\.|[^\"\\\\])*\"", "\"\"").replaceAll("'(?:\\\\.|[^'\\\\])'", "''");
        int c = s.indexOf("//");
        return c < 0 ? s : s.substring(0, c);
    }
}
