package org.dlsec.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import javax.imageio.ImageIO;
import org.dlsec.TestSupport;
import org.dlsec.core.Json;

/**
 * Test-only readers of the committed "user" fixtures (bench/fixtures/make_user_fixtures.py): the
 * CSV, npz and PNG-folder data as plain arrays, and the PyTorch reference figures. dlsec's own data
 * readers live in org.dlsec.data; these exist so the model-side tests do not depend on them.
 */
public final class UserFixtures {
    /** Samples as one flat array (row-major, sample after sample) with their labels. */
    public record Arrays(float[] x, int[] y, int n, int d) {
        public float[] row(int i) {
            return java.util.Arrays.copyOfRange(x, i * d, (i + 1) * d);
        }
    }

    private UserFixtures() {}

    public static Path dir(String sub) {
        return TestSupport.fixture("user/" + sub);
    }

    public static JsonNode reference() {
        try {
            return Json.MAPPER.readTree(dir("reference.json").toFile());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static float[] floats(JsonNode a) {
        float[] out = new float[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) a.get(i).asDouble();
        }
        return out;
    }

    /** A CSV with a header row and the label in the last column. */
    public static Arrays csv(String name) throws IOException {
        List<String> lines = Files.readAllLines(dir("tabular/" + name), StandardCharsets.UTF_8);
        int n = lines.size() - 1;
        int d = lines.get(0).split(",").length - 1;
        float[] x = new float[n * d];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            String[] cells = lines.get(i + 1).split(",");
            for (int j = 0; j < d; j++) {
                x[i * d + j] = Float.parseFloat(cells[j]);
            }
            y[i] = Integer.parseInt(cells[d].trim());
        }
        return new Arrays(x, y, n, d);
    }

    /** An npz holding x (uint8, N×C×H×W) and y (int64, N); pixels scaled to [0, 1]. */
    public static Arrays npz(String name) throws IOException {
        byte[] xb = null;
        byte[] yb = null;
        try (ZipInputStream z = new ZipInputStream(Files.newInputStream(dir("npz/" + name)))) {
            for (ZipEntry e; (e = z.getNextEntry()) != null;) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                z.transferTo(out);
                if (e.getName().equals("x.npy")) {
                    xb = out.toByteArray();
                } else if (e.getName().equals("y.npy")) {
                    yb = out.toByteArray();
                }
            }
        }
        ByteBuffer xs = npyData(xb);
        ByteBuffer ys = npyData(yb).order(ByteOrder.LITTLE_ENDIAN);
        int n = ys.remaining() / 8;
        int d = xs.remaining() / n;
        float[] x = new float[n * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = (xs.get() & 0xff) / 255f;
        }
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = (int) ys.getLong();
        }
        return new Arrays(x, y, n, d);
    }

    private static ByteBuffer npyData(byte[] npy) {
        ByteBuffer b = ByteBuffer.wrap(npy).order(ByteOrder.LITTLE_ENDIAN);
        int headerLen = b.getShort(8) & 0xffff;
        b.position(10 + headerLen);
        return b.slice();
    }

    /** An image folder split: one sub-folder per class in sorted order, greyscale PNGs to [0, 1]. */
    public static Arrays images(String split) throws IOException {
        List<float[]> rows = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        Path root = dir("images/" + split);
        List<Path> classes;
        try (Stream<Path> s = Files.list(root)) {
            classes = s.filter(Files::isDirectory).sorted().toList();
        }
        for (int c = 0; c < classes.size(); c++) {
            List<Path> files;
            try (Stream<Path> s = Files.list(classes.get(c))) {
                files = s.sorted().toList();
            }
            for (Path f : files) {
                BufferedImage img;
                try (InputStream in = Files.newInputStream(f)) {
                    img = ImageIO.read(in);
                }
                float[] px = new float[img.getHeight() * img.getWidth()];
                for (int r = 0; r < img.getHeight(); r++) {
                    for (int col = 0; col < img.getWidth(); col++) {
                        px[r * img.getWidth() + col] = img.getRaster().getSample(col, r, 0) / 255f;
                    }
                }
                rows.add(px);
                labels.add(c);
            }
        }
        int d = rows.get(0).length;
        float[] x = new float[rows.size() * d];
        int[] y = new int[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, x, i * d, d);
            y[i] = labels.get(i);
        }
        return new Arrays(x, y, rows.size(), d);
    }
}
