package org.dlsec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every main package uses only the dlsec packages its {@code package-info.java} allows, and the
 * top-level packages have no dependency cycle.
 *
 * <p>The rule is one sentence of the package-info's javadoc in a fixed form, {@code May import: core,
 * data, model.} (or {@code May import: nothing.}): dlsec packages relative to {@code org.dlsec},
 * separated by commas, ending with a full stop; it may wrap over javadoc lines. A listed name covers
 * that package and its sub-packages ({@code attack} allows {@code attack.evasion},
 * {@code attack.fault}, …; {@code attack.evasion} allows only itself). A package may always use its
 * own classes; its parent and sibling packages only when listed. Third-party libraries are described
 * in the same javadoc in prose and are not checked here.
 *
 * <p>A dependency is an {@code import org.dlsec.…} line (static and on-demand imports included) or a
 * fully-qualified name in code such as {@code org.dlsec.core.NumericalIssue}; comments (so javadoc
 * links) and string, character and text-block literals are removed first.
 */
class PackageRulesTest {
    /** The main source trees of the modules, relative to the repository root (the tests' working directory). */
    static final List<Path> ROOTS = List.of(Path.of("dlsec-core/src/main/java"), Path.of("dlsec-audit/src/main/java"),
            Path.of("dlsec-cli/src/main/java"),
            Path.of("dlsec-spark/src/main/java"), Path.of("dlsec-junit/src/main/java"));
    private static final String PREFIX = "org.dlsec.";

    private static final String NAME = "[a-z_]\\w*(?:\\.[a-z_]\\w*)*";
    private static final Pattern RULE = Pattern.compile("May import:\\s*(" + NAME + "(?:\\s*,\\s*" + NAME + ")*)\\.(?=\\s|$)");
    /** A dlsec name in code: its lower-case package segments, then a class or {@code *} if any. */
    private static final Pattern REFERENCE = Pattern.compile("(?<![\\w.])org\\.dlsec\\.(" + NAME + ")(?:\\.([A-Z]\\w*|\\*))?");

    /** One main source file: its file name, its package (relative to org.dlsec) and its text. */
    record Source(String file, String pkg, String text) {}

    @Test
    void everyPackageHasAParseableRule() throws IOException {
        List<String> problems = new ArrayList<>();
        Map<String, List<String>> rules = rules(problems);
        assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
        assertTrue(rules.containsKey("core") && rules.containsKey("cli"), "found no packages under " + ROOTS);
    }

    @Test
    void everyDependencyIsAllowedByItsPackageInfo() throws IOException {
        List<String> problems = new ArrayList<>();
        Map<String, List<String>> rules = rules(problems);
        List<String> violations = violations(rules, sources());
        assertTrue(violations.isEmpty(), () -> violations.size() + " forbidden dependencies:\n" + String.join("\n", violations));
    }

    @Test
    void topLevelPackagesHaveNoCycle() throws IOException {
        List<String> cycles = cycles(sources());
        assertTrue(cycles.isEmpty(), () -> String.join("\n", cycles));
    }

    // The checks themselves, on sources made up here: a forbidden import must fail.

    @Test
    void aForbiddenImportOrQualifiedNameIsReportedButCommentsAndStringsAreNot() {
        String text = """
                package org.dlsec.model;

                import java.util.List;
                import org.dlsec.core.Tensors;
                import org.dlsec.data.Dataset;
                import static org.dlsec.train.ModelTrainer.fit;
                import org.dlsec.report.*;

                /** Links are free: {@link org.dlsec.cli.Main}. */
                final class Bad {
                    // org.dlsec.bench.BenchCommand in a comment
                    String s = "org.dlsec.audit.Audit in a string";
                    String t = \"""
                            org.dlsec.serve.Server in a text block
                            \""";
                    char c = '"';
                    Object o = org.dlsec.metric.Evaluation.accuracy(null, null);
                    Object p = new org.dlsec.model.Bounds();
                    org.dlsec.core.NumericalIssue issue;
                }
                """;
        assertEquals(List.of(
                        "Bad.java: imports org.dlsec.data.Dataset, not allowed by package-info of org.dlsec.model",
                        "Bad.java: imports org.dlsec.train.ModelTrainer, not allowed by package-info of org.dlsec.model",
                        "Bad.java: imports org.dlsec.report.*, not allowed by package-info of org.dlsec.model",
                        "Bad.java: imports org.dlsec.metric.Evaluation, not allowed by package-info of org.dlsec.model"),
                violations(Map.of("model", List.of("core")), List.of(new Source("Bad.java", "model", text))));
    }

    @Test
    void aListedPackageCoversItsSubPackagesOnly() {
        Source s = new Source("S.java", "audit", "class S { org.dlsec.attack.fault.Q q; org.dlsec.defence.Masking m;"
                + " org.dlsec.defence.preprocess.NormalizedClassifier n; org.dlsec.defence.detection.Strip t; }");
        assertEquals(List.of("S.java: imports org.dlsec.defence.Masking, not allowed by package-info of org.dlsec.audit",
                        "S.java: imports org.dlsec.defence.detection.Strip, not allowed by package-info of org.dlsec.audit"),
                violations(Map.of("audit", List.of("attack", "defence.preprocess")), List.of(s)));
    }

    @Test
    void aCycleBetweenTopLevelPackagesIsReported() {
        List<Source> sources = List.of(
                new Source("Main.java", "cli", "import org.dlsec.bench.BenchCommand;"),
                new Source("Load.java", "bench", "class Load { int ok = org.dlsec.cli.Main.EXIT_OK; }"),
                new Source("Pgd.java", "attack.evasion", "import org.dlsec.model.Classifier; import org.dlsec.attack.fault.X;"),
                new Source("Classifier.java", "model", "import org.dlsec.core.Tensors;"));
        assertEquals(List.of("cycle between top-level packages bench, cli: bench -> cli (Load.java uses org.dlsec.cli.Main);"
                        + " cli -> bench (Main.java uses org.dlsec.bench.BenchCommand)"),
                cycles(sources));
    }

    @Test
    void rulesAreParsedFromTheFixedSentenceOnly() {
        assertEquals(Optional.of(List.of()), rule("/** Basics. May import: nothing. */"));
        assertEquals(Optional.of(List.of("core", "data", "attack.evasion")),
                rule("/**\n * Prose. May import: core, data,\n * attack.evasion.\n */\npackage org.dlsec.x;"));
        assertEquals(Optional.empty(), rule("/** May import core and data. */"));
        assertEquals(Optional.empty(), rule("/** May import: core and data. */"));
        assertEquals(Optional.empty(), rule("/** May import: core. May import: data. */"));
    }

    // ---- the checker

    /** Each package's rule, by package relative to org.dlsec; a missing or unparseable one is added to {@code problems}. */
    static Map<String, List<String>> rules(List<String> problems) throws IOException {
        Set<String> packages = new TreeSet<>();
        for (Source s : sources()) {
            packages.add(s.pkg());
        }
        Map<String, Path> infos = new TreeMap<>();
        for (Path root : ROOTS) {
            try (Stream<Path> files = Files.walk(root.resolve("org/dlsec"))) {
                files.filter(p -> p.endsWith("package-info.java")).forEach(p -> infos.put(packageOf(root, p), p));
            }
        }
        packages.addAll(infos.keySet());
        Map<String, List<String>> rules = new TreeMap<>();
        for (String pkg : packages) {
            Path info = infos.get(pkg);
            if (info == null) {
                problems.add(PREFIX + pkg + " has no package-info.java");
                continue;
            }
            Optional<List<String>> rule = rule(Files.readString(info));
            if (rule.isEmpty()) {
                problems.add(PREFIX + pkg + ": its package-info has no rule of the form \"May import: core, data.\""
                        + " (or \"May import: nothing.\"), or more than one");
                continue;
            }
            for (String allowed : rule.get()) {
                if (!packages.contains(allowed)) {
                    problems.add(PREFIX + pkg + ": its package-info allows " + allowed + ", which is no dlsec package");
                }
            }
            rules.put(pkg, rule.get());
        }
        return rules;
    }

    /** The packages a package-info's javadoc allows, or empty if it has no rule or more than one. */
    static Optional<List<String>> rule(String packageInfo) {
        int start = packageInfo.indexOf("/**");
        int end = packageInfo.indexOf("*/", start + 3);
        if (start < 0 || end < 0) {
            return Optional.empty();
        }
        String doc = packageInfo.substring(start + 3, end).replaceAll("(?m)^\\s*\\*", " ").replaceAll("\\s+", " ");
        Matcher m = RULE.matcher(doc);
        if (!m.find() || doc.indexOf("May import:", m.end()) >= 0 || doc.indexOf("May import:") < m.start()) {
            return Optional.empty();
        }
        List<String> names = List.of(m.group(1).split("\\s*,\\s*"));
        return Optional.of(names.equals(List.of("nothing")) ? List.of() : names);
    }

    /** Every main source file of every module except package-infos. */
    static List<Source> sources() throws IOException {
        List<Source> out = new ArrayList<>();
        for (Path root : ROOTS) {
            assertTrue(Files.isDirectory(root), "run from the repository root: no " + root);
            try (Stream<Path> files = Files.walk(root.resolve("org/dlsec"))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java") && !p.endsWith("package-info.java")).sorted().toList()) {
                    out.add(new Source(f.getFileName().toString(), packageOf(root, f), Files.readString(f)));
                }
            }
        }
        return out;
    }

    private static String packageOf(Path root, Path file) {
        String dir = root.relativize(file.getParent()).toString().replace(java.io.File.separatorChar, '.');
        return dir.equals("org.dlsec") ? "" : dir.substring(PREFIX.length());
    }

    /** One line per dependency of a source on a dlsec package its package's rule does not allow. */
    static List<String> violations(Map<String, List<String>> rules, List<Source> sources) {
        List<String> out = new ArrayList<>();
        for (Source s : sources) {
            List<String> rule = rules.get(s.pkg());
            if (rule == null) {
                continue; // reported by everyPackageHasAParseableRule
            }
            for (Map.Entry<String, String> ref : references(s.text()).entrySet()) {
                String to = ref.getValue();
                if (!to.equals(s.pkg()) && rule.stream().noneMatch(a -> to.equals(a) || to.startsWith(a + "."))) {
                    out.add(s.file() + ": imports " + ref.getKey() + ", not allowed by package-info of " + PREFIX + s.pkg());
                }
            }
        }
        return out;
    }

    /** The dlsec names used in code (in order of first use, to the package they are in), comments and literals removed. */
    static Map<String, String> references(String text) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        Matcher m = REFERENCE.matcher(stripCommentsAndLiterals(text));
        while (m.find()) {
            out.putIfAbsent(PREFIX + m.group(1) + (m.group(2) == null ? "" : "." + m.group(2)), m.group(1));
        }
        return out;
    }

    /** One line per group of top-level packages that depend on each other, with a use that makes each edge. */
    static List<String> cycles(List<Source> sources) {
        Map<String, Map<String, String>> edges = new TreeMap<>(); // from -> to -> first use
        for (Source s : sources) {
            String from = top(s.pkg());
            for (Map.Entry<String, String> ref : references(s.text()).entrySet()) {
                String to = top(ref.getValue());
                if (!to.equals(from)) {
                    edges.computeIfAbsent(from, k -> new TreeMap<>()).putIfAbsent(to, s.file() + " uses " + ref.getKey());
                }
            }
        }
        Map<String, Set<String>> reach = new TreeMap<>();
        for (String from : edges.keySet()) {
            Set<String> seen = new TreeSet<>();
            List<String> todo = new ArrayList<>(edges.get(from).keySet());
            while (!todo.isEmpty()) {
                String n = todo.remove(todo.size() - 1);
                if (seen.add(n)) {
                    todo.addAll(edges.getOrDefault(n, Map.of()).keySet());
                }
            }
            reach.put(from, seen);
        }
        List<String> out = new ArrayList<>();
        Set<String> done = new TreeSet<>();
        for (String a : reach.keySet()) {
            if (done.contains(a) || !reach.get(a).contains(a)) {
                continue;
            }
            Set<String> group = new TreeSet<>();
            for (String b : reach.get(a)) {
                if (reach.getOrDefault(b, Set.of()).contains(a)) {
                    group.add(b);
                }
            }
            done.addAll(group);
            List<String> witnesses = new ArrayList<>();
            for (String from : group) {
                edges.get(from).forEach((to, use) -> {
                    if (group.contains(to)) {
                        witnesses.add(from + " -> " + to + " (" + use + ")");
                    }
                });
            }
            out.add("cycle between top-level packages " + String.join(", ", group) + ": " + String.join("; ", witnesses));
        }
        return out;
    }

    private static String top(String pkg) {
        int dot = pkg.indexOf('.');
        return dot < 0 ? pkg : pkg.substring(0, dot);
    }

    /** The source with comments removed and every string, character and text-block literal emptied. */
    static String stripCommentsAndLiterals(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int n = s.length();
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            if (s.startsWith("//", i)) {
                int j = s.indexOf('\n', i);
                i = j < 0 ? n : j;
            } else if (s.startsWith("/*", i)) {
                int j = s.indexOf("*/", i + 2);
                i = j < 0 ? n : j + 2;
                out.append(' ');
            } else if (s.startsWith("\"\"\"", i)) {
                int j = i + 3;
                while (j < n && !s.startsWith("\"\"\"", j)) {
                    j += s.charAt(j) == '\\' ? 2 : 1;
                }
                i = Math.min(n, j + 3);
                out.append("\"\"");
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < n && s.charAt(j) != c && s.charAt(j) != '\n') {
                    j += s.charAt(j) == '\\' ? 2 : 1;
                }
                i = Math.min(n, j + 1);
                out.append(c).append(c);
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
