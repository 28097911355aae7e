package org.dlsec.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens the audit page in headless Chromium (Debian {@code chromium}, installed by {@code .ci/run})
 * and checks that it renders whole: every chart and grid decoded, the tables present, no script or
 * console error. The screenshot is kept in {@code target/report-render/}.
 */
class ReportRenderTest {
    static String chromium() {
        for (String c : new String[] {"chromium", "chromium-browser", "google-chrome"}) {
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
                if (Files.isExecutable(Path.of(dir, c))) {
                    return Path.of(dir, c).toString();
                }
            }
        }
        return null;
    }

    static String run(List<String> cmd, Path log) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in 120 s: " + cmd);
        }
        assertEquals(0, p.exitValue(), "chromium failed: " + Files.readString(log));
        return new String(out, java.nio.charset.StandardCharsets.UTF_8);
    }

    static List<String> base(String browser, Path profile) {
        return new ArrayList<>(List.of(browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-extensions", "--user-data-dir=" + profile, "--virtual-time-budget=5000"));
    }

    @Test
    void thePageRendersWithItsChartsAndTablesAndNoErrors(@TempDir Path out) throws Exception {
        String browser = chromium();
        Assumptions.assumeTrue(browser != null, "chromium is not installed and could not be installed (.ci/run installs it)");
        AuditTest.runSmall(out);
        Path page = out.resolve("index.html");
        Path shots = Path.of("target", "report-render");
        Files.createDirectories(shots);

        List<String> dump = base(browser, out.resolve("profile"));
        dump.add("--dump-dom");
        dump.add(page.toUri().toString());
        String dom = run(dump, out.resolve("dump.log"));
        Matcher body = Pattern.compile("<body([^>]*)>").matcher(dom);
        assertTrue(body.find(), "no body in the rendered DOM");
        String attrs = body.group(1);
        assertTrue(attrs.contains("data-rendered=\"ok\""), "the page did not finish loading: " + attrs);
        assertEquals("0", attr(attrs, "data-errors"), "script/console errors: " + errors(dom));
        assertEquals("0", attr(attrs, "data-broken-images"), "undecoded images: " + errors(dom));
        assertTrue(Integer.parseInt(attr(attrs, "data-images")) >= 4, "charts and grids missing: " + attrs);
        assertTrue(Integer.parseInt(attr(attrs, "data-tables")) >= 1, "tables missing: " + attrs);
        assertTrue(dom.contains("id=\"comparison\""));
        assertTrue(dom.contains("id=\"extraction\""), "no model-extraction table");
        assertTrue(dom.contains("id=\"trojans\""), "no hardware-trojan table");
        assertTrue(dom.contains("id=\"scan-cleanse-strip\"") && dom.contains("alt=\"reversed triggers of cleanse-strip\""),
                "no backdoor-scan table and trigger grid");
        assertTrue(dom.contains("id=\"certification-smoothing\"") && dom.contains("id=\"masking-checks\""),
                "no certification or masking-check table");
        assertTrue(dom.contains("id=\"threat-matrix\"") && dom.contains("id=\"gates\""), "no threat matrix or gates");
        // the sorting script ran: every column head of the threat matrix took a click handler and a pointer
        Matcher matrix = Pattern.compile("<table id=\"threat-matrix\"[^>]*>(.*?)</thead>", Pattern.DOTALL).matcher(dom);
        assertTrue(matrix.find());
        assertEquals(8, matrix.group(1).split("cursor: pointer", -1).length - 1, matrix.group(1));

        Path shot = shots.resolve("index.png").toAbsolutePath();
        List<String> screenshot = base(browser, out.resolve("profile2"));
        screenshot.addAll(List.of("--window-size=1280,3000", "--screenshot=" + shot, page.toUri().toString()));
        run(screenshot, out.resolve("shot.log"));
        assertTrue(Files.size(shot) > 10_000, "screenshot is empty");
        String log = Files.readString(out.resolve("shot.log")) + Files.readString(out.resolve("dump.log"));
        assertTrue(!log.contains("Uncaught"), "console reported an uncaught error:\n" + log);
    }

    private static String attr(String attrs, String name) {
        Matcher m = Pattern.compile(name + "=\"([^\"]*)\"").matcher(attrs);
        return m.find() ? m.group(1) : "(missing)";
    }

    private static String errors(String dom) {
        Matcher m = Pattern.compile("<pre id=\"js-errors\">(.*?)</pre>", Pattern.DOTALL).matcher(dom);
        return m.find() ? m.group(1) : "(no error list)";
    }
}
