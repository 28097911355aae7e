package org.dlsec.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.dlsec.core.DlsecException;
import org.dlsec.model.Engines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderTest {
    @TempDir
    Path dir;

    /** A grey h×w PNG whose pixel (x, y) is (seed + 3x + 5y) mod 256. */
    static void grey(Path file, int h, int w, int seed, String format) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.getRaster().setSample(x, y, 0, (seed + 3 * x + 5 * y) % 256);
            }
        }
        Files.createDirectories(file.getParent());
        assertTrue(ImageIO.write(img, format, file.toFile()));
    }

    /** An RGB h×w image whose pixel (x, y) is (seed + x, seed + y, seed + x + y) mod 256. */
    static void rgb(Path file, int h, int w, int seed, String format) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = (seed + x) % 256;
                int g = (seed + y) % 256;
                int b = (seed + x + y) % 256;
                img.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        Files.createDirectories(file.getParent());
        assertTrue(ImageIO.write(img, format, file.toFile()));
    }

    private static SourceOptions test() {
        return SourceOptions.of("test", Optional.empty());
    }

    @Test
    void classesAreTheSortedFolderNamesAndPixelsAreScaledToTheUnitRange() throws IOException {
        grey(dir.resolve("zebra/b.png"), 4, 6, 10, "png");
        grey(dir.resolve("zebra/a.png"), 4, 6, 20, "png");
        grey(dir.resolve("apple/x.png"), 4, 6, 30, "png");
        grey(dir.resolve("apple/sub/y.png"), 4, 6, 40, "png");
        Files.writeString(dir.resolve("apple/notes.txt"), "not an image");
        Dataset d = DataSource.open(dir.toString(), test());
        assertEquals(List.of("apple", "zebra"), d.classNames());
        assertEquals(2, d.numClasses());
        assertEquals(new Shape(1, 4, 6), d.sampleShape());
        assertArrayEquals(new int[] {0, 0, 1, 1}, d.labels());
        assertEquals("all", d.split());
        assertEquals(DataBounds.UNIT, d.bounds());
        // torchvision's order: apple/x.png before apple/sub/y.png (sorted walk), zebra/a before zebra/b
        float[] first = d.image(0);
        assertEquals(30 / 255f, first[0], 1e-7);
        assertEquals(((30 + 3 * 2 + 5 * 1) % 256) / 255f, first[6 + 2], 1e-7);
        assertEquals(40 / 255f, d.image(1)[0], 1e-7);
        assertEquals(20 / 255f, d.image(2)[0], 1e-7);
        assertEquals(10 / 255f, d.image(3)[0], 1e-7);
    }

    @Test
    void colourImagesAreChwAndGreyOnesAreRepeatedOverTheChannels() throws IOException {
        rgb(dir.resolve("a/1.png"), 3, 5, 7, "png");
        grey(dir.resolve("b/2.bmp"), 3, 5, 50, "bmp");
        rgb(dir.resolve("b/3.jpg"), 3, 5, 0, "jpg");
        Dataset d = DataSource.open(dir.toString(), test());
        assertEquals(new Shape(3, 3, 5), d.sampleShape());
        float[] a = d.image(0);
        int plane = 15;
        // pixel (x=4, y=2): r = 11, g = 9, b = 13
        int p = 2 * 5 + 4;
        assertEquals(11 / 255f, a[p], 1e-7);
        assertEquals(9 / 255f, a[plane + p], 1e-7);
        assertEquals(13 / 255f, a[2 * plane + p], 1e-7);
        float[] g = d.image(1);
        for (int k = 0; k < 3; k++) {
            assertEquals(((50 + 3 * 4 + 5 * 2) % 256) / 255f, g[k * plane + p], 1e-7);
        }
    }

    @Test
    void onlyTheSamplesAskedForAreDecoded() throws IOException {
        for (int i = 0; i < 30; i++) {
            grey(dir.resolve((i % 3 == 0 ? "c0" : i % 3 == 1 ? "c1" : "c2") + "/img" + i + ".png"), 8, 8, i, "png");
        }
        Dataset all = DataSource.open(dir.toString(), test());
        ImageFolderStore store = (ImageFolderStore) all.store();
        assertEquals(0, store.decodes(), "indexing decodes nothing");
        Dataset five = all.sample(5, 42).first(5);
        Dataset shuffled = five.subset(five.permutation(3), "shuffle");
        assertEquals(0, store.decodes(), "subsets, samples and shuffles decode nothing");
        try (NDManager m = Engines.newManager()) {
            NDArray x = shuffled.images(m, 0, 5);
            assertEquals(new Shape(5, 1, 8, 8), x.getShape());
            assertEquals(5, store.decodes(), "a batch of 5 decodes 5 images");
            NDArray g = all.gather(m, new int[] {29, 0});
            assertEquals(7, store.decodes());
            assertArrayEquals(all.image(29), g.get(0).toFloatArray());
        }
        // the samples are the ones the seeded permutation picked, with their labels
        int[] pick = Arrays.copyOf(all.permutation(42), 5);
        for (int k = 0; k < 5; k++) {
            assertEquals(all.label(pick[k]), five.label(k));
            assertArrayEquals(all.image(pick[k]), five.image(k));
        }
    }

    @Test
    void provenanceHashesTheFilesOfExactlyTheseSamples() throws IOException {
        grey(dir.resolve("a/1.png"), 4, 4, 1, "png");
        grey(dir.resolve("a/2.png"), 4, 4, 2, "png");
        grey(dir.resolve("b/3.png"), 4, 4, 3, "png");
        Dataset d = DataSource.open(dir.toString(), test());
        String o = d.origin();
        assertTrue(o.contains("image folder " + dir), o);
        assertTrue(o.matches(".*files of these 3 samples sha256=[0-9a-f]{64}.*"), o);
        String sub = d.first(2).origin();
        assertTrue(sub.contains("first 2") && sub.contains("files of these 2 samples"), sub);
        assertNotEquals(o.substring(o.indexOf("sha256=")), sub.substring(sub.indexOf("sha256=")));
        grey(dir.resolve("b/3.png"), 4, 4, 99, "png");
        assertNotEquals(o, DataSource.open(dir.toString(), test()).origin(), "changing a file changes the hash");
        assertEquals(sub, DataSource.open(dir.toString(), test()).first(2).origin(), "other files do not");
    }

    @Test
    void trainAndTestFoldersShareTheTrainingClassList() throws IOException {
        grey(dir.resolve("train/cat/1.png"), 4, 4, 1, "png");
        grey(dir.resolve("train/dog/1.png"), 4, 4, 2, "png");
        grey(dir.resolve("train/emu/1.png"), 4, 4, 3, "png");
        grey(dir.resolve("test/dog/1.png"), 4, 4, 4, "png");
        grey(dir.resolve("test/emu/1.png"), 4, 4, 5, "png");
        Dataset te = DataSource.open(dir.toString(), test());
        assertEquals("test", te.split());
        assertEquals(3, te.numClasses());
        assertArrayEquals(new int[] {1, 2}, te.labels());
        Dataset tr = DataSource.open(dir.toString(), SourceOptions.of("train", Optional.empty()));
        assertEquals("train", tr.split());
        assertArrayEquals(new int[] {0, 1, 2}, tr.labels());
        Files.writeString(dir.resolve("classes.txt"), "Cat\nDog\nEmu\n");
        assertEquals(List.of("Cat", "Dog", "Emu"), DataSource.open(dir.toString(), test()).classNames());
        grey(dir.resolve("test/fox/1.png"), 4, 4, 5, "png");
        DlsecException e = assertThrows(DlsecException.class, () -> DataSource.open(dir.toString(), test()));
        assertTrue(e.getMessage().contains("fox") && e.getMessage().contains("not a class"), e.getMessage());
    }

    @Test
    void mixedSizesAreAnErrorNamingBothFilesUnlessResized() throws IOException {
        grey(dir.resolve("a/1.png"), 4, 6, 1, "png");
        grey(dir.resolve("b/2.png"), 5, 3, 2, "png");
        DlsecException e = assertThrows(DlsecException.class, () -> DataSource.open(dir.toString(), test()));
        assertTrue(e.getMessage().contains("1.png is 4x6") && e.getMessage().contains("2.png is 5x3")
                && e.getMessage().contains("--resize"), e.getMessage());
        Dataset d = DataSource.open(dir.toString(), new SourceOptions("test", Optional.empty(), null, "x", "y", 8, 8, null));
        assertEquals(new Shape(1, 8, 8), d.sampleShape());
        float[] x = d.image(1);
        assertEquals(64, x.length);
        assertEquals(2 / 255f, x[0], 1e-6, "the corner pixel survives bilinear upscaling");
        assertTrue(d.origin().contains("resized bilinearly"), d.origin());
    }

    @Test
    void badFoldersAndImagesAreRefusedNamingTheFile() throws IOException {
        Files.createDirectories(dir.resolve("empty-root"));
        assertMessage(dir.resolve("empty-root"), "no class sub-folders");
        grey(dir.resolve("r1/a/1.png"), 4, 4, 1, "png");
        Files.createDirectories(dir.resolve("r1/b"));
        Files.writeString(dir.resolve("r1/b/readme.txt"), "x");
        assertMessage(dir.resolve("r1"), "class folder " + dir.resolve("r1/b") + " holds no PNG, JPEG or BMP images");
        grey(dir.resolve("r2/a/1.png"), 4, 4, 1, "png");
        assertMessage(dir.resolve("r2"), "single class folder");
        // a truncated PNG: the header reads, the pixels do not
        grey(dir.resolve("r3/a/1.png"), 16, 16, 1, "png");
        grey(dir.resolve("r3/b/2.png"), 16, 16, 2, "png");
        byte[] png = Files.readAllBytes(dir.resolve("r3/b/2.png"));
        Files.write(dir.resolve("r3/b/2.png"), Arrays.copyOf(png, png.length - 30));
        Dataset d = DataSource.open(dir.resolve("r3").toString(), test());
        d.image(0);
        DlsecException e = assertThrows(DlsecException.class, () -> d.image(1));
        assertTrue(e.getMessage().contains(dir.resolve("r3/b/2.png").toString()), e.getMessage());
        // a truncated JPEG: ImageIO would fill the rest with grey and only warn
        rgb(dir.resolve("r4/a/1.jpg"), 96, 96, 1, "jpg");
        rgb(dir.resolve("r4/b/2.jpg"), 96, 96, 2, "jpg");
        byte[] jpg = Files.readAllBytes(dir.resolve("r4/b/2.jpg"));
        Files.write(dir.resolve("r4/b/2.jpg"), Arrays.copyOf(jpg, jpg.length - 200));
        Dataset j = DataSource.open(dir.resolve("r4").toString(), test());
        e = assertThrows(DlsecException.class, () -> j.image(1));
        assertTrue(e.getMessage().contains("2.jpg"), e.getMessage());
        // not an image at all, with an image's name: refused while indexing
        grey(dir.resolve("r5/a/1.png"), 4, 4, 1, "png");
        Files.createDirectories(dir.resolve("r5/b"));
        Files.writeString(dir.resolve("r5/b/2.png"), "this is text");
        assertMessage(dir.resolve("r5"), dir.resolve("r5/b/2.png").toString());
    }

    @Test
    void boundsOfAnImageFolderMustContainTheUnitRange() throws IOException {
        grey(dir.resolve("a/1.png"), 4, 4, 1, "png");
        grey(dir.resolve("b/1.png"), 4, 4, 1, "png");
        DlsecException e = assertThrows(DlsecException.class, () -> DataSource.open(dir.toString(),
                new SourceOptions("test", Optional.empty(), null, "x", "y", 0, 0, "0.2,1")));
        assertTrue(e.getMessage().contains("must contain [0,1]"), e.getMessage());
        Dataset d = DataSource.open(dir.toString(), new SourceOptions("test", Optional.empty(), null, "x", "y", 0, 0, "-1,1"));
        assertEquals(-1f, d.bounds().min());
    }

    private static void assertMessage(Path p, String part) {
        DlsecException e = assertThrows(DlsecException.class, () -> DataSource.open(p.toString(), test()));
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
