package org.dlsec.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Hashing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvDataTest {
    @TempDir
    Path dir;

    private Dataset open(String text, String labelColumn) throws IOException {
        Path f = dir.resolve("data.csv");
        Files.writeString(f, text);
        return DataSource.open(f.toString(), new SourceOptions("test", Optional.empty(), labelColumn, "x", "y", 0, 0, null));
    }

    private String error(String text, String labelColumn) {
        return assertThrows(DlsecException.class, () -> open(text, labelColumn)).getMessage();
    }

    @Test
    void headerLabelColumnAndIntegerLabels() throws IOException {
        Dataset d = open("a,label,b\n1.5,0,-2\n3,2,4e-1\n\n0,1,7\n", null);
        assertEquals(new Shape(2), d.sampleShape());
        assertEquals(3, d.size());
        assertEquals(3, d.numClasses());
        assertArrayEquals(new int[] {0, 2, 1}, d.labels());
        assertArrayEquals(new float[] {1.5f, -2f}, d.image(0));
        assertArrayEquals(new float[] {3f, 0.4f}, d.image(1));
        assertEquals("all", d.split());
        assertEquals("data", d.name());
        // per-feature bounds of the data
        assertArrayEquals(new float[] {0f, -2f}, d.bounds().lower());
        assertArrayEquals(new float[] {3f, 7f}, d.bounds().upper());
        assertTrue(d.origin().contains("sha256=" + Hashing.sha256(dir.resolve("data.csv"))), d.origin());
        assertTrue(d.origin().contains("bounds per feature"), d.origin());
    }

    @Test
    void withoutHeaderTheLastColumnIsTheLabelAndNamesBecomeClasses() throws IOException {
        Dataset d = open("1,2,setosa\n3,4,virginica\n5,6,\"versicolor\"\n7,8,setosa\n", null);
        assertEquals(List.of("setosa", "versicolor", "virginica"), d.classNames());
        assertArrayEquals(new int[] {0, 2, 1, 0}, d.labels());
        assertArrayEquals(new float[] {5, 6}, d.image(2));
        Dataset named = open("y,f1,f2\ncat,1,2\ndog,3,4\n", "y");
        assertArrayEquals(new int[] {0, 1}, named.labels());
        assertArrayEquals(new float[] {3, 4}, named.image(1));
        Dataset byNumber = open("0,1,2\n1,3,4\n", "0");
        assertArrayEquals(new float[] {3, 4}, byNumber.image(1));
        assertArrayEquals(new int[] {0, 1}, byNumber.labels());
    }

    @Test
    void classesTxtNamesIntegerLabelsAndFixesTheirCount() throws IOException {
        Files.writeString(dir.resolve("classes.txt"), "benign\nfraud\nunknown\n");
        Dataset d = open("f,label\n0.5,1\n0.25,0\n", null);
        assertEquals(3, d.numClasses());
        assertEquals(List.of("benign", "fraud", "unknown"), d.classNames());
        assertTrue(error("f,label\n0.5,3\n0.1,0\n", null).contains("row 2 has the label 3, outside the 3 classes"));
    }

    @Test
    void aTestSplitTakesClassesAndBoundsFromTheTrainingFile() throws IOException {
        Files.writeString(dir.resolve("train.csv"), "x1,x2,label\n0,10,cat\n2,20,dog\n1,30,cat\n");
        Files.writeString(dir.resolve("test.csv"), "x1,x2,label\n5,15,dog\n");
        Dataset te = DataSource.open(dir.toString(), SourceOptions.of("test", Optional.empty()));
        assertEquals("test", te.split());
        assertEquals(List.of("cat", "dog"), te.classNames());
        assertArrayEquals(new int[] {1}, te.labels());
        assertArrayEquals(new float[] {0, 10}, te.bounds().lower());
        assertArrayEquals(new float[] {2, 30}, te.bounds().upper());
        assertEquals(3, DataSource.open(dir.toString(), SourceOptions.of("train", Optional.empty())).size());
        Files.writeString(dir.resolve("test.csv"), "x1,x2,label\n5,15,emu\n");
        String m = assertThrows(DlsecException.class,
                () -> DataSource.open(dir.toString(), SourceOptions.of("test", Optional.empty()))).getMessage();
        assertTrue(m.contains("test.csv: row 2 has the label 'emu', which is not one of the classes of")
                && m.contains("train.csv"), m);
        Dataset given = DataSource.open(dir.toString(),
                new SourceOptions("train", Optional.empty(), null, "x", "y", 0, 0, "-100,100"));
        assertEquals(-100f, given.bounds().min());
        assertTrue(given.bounds().isUniform());
    }

    @Test
    void badCsvFilesAreRefusedNamingRowAndColumn() {
        String m = error("a,b,label\n1,2,0\n1,x7,1\n", null);
        assertTrue(m.contains("data.csv: row 3, column 2 ('b'): 'x7' is not a number"), m);
        m = error("a,b,label\n1,2,0\n1,2\n", null);
        assertTrue(m.contains("row 3 has 2 cells, the header has 3"), m);
        m = error("a,b,label\n1,NaN,0\n", null);
        assertTrue(m.contains("row 2, column 2") && m.contains("NaN"), m);
        m = error("a,b,label\n1,2,0\n-inf,2,1\n", null);
        assertTrue(m.contains("row 3, column 1") && m.contains("not a finite number"), m);
        m = error("a,b,label\n1,1e39,0\n", null);
        assertTrue(m.contains("row 2, column 2") && m.contains("infinite"), m);
        m = error("a,b,label\n1,,0\n", null);
        assertTrue(m.contains("row 2, column 2 ('b'): '' is not a number"), m);
        m = error("label\n1\n0\n", null);
        assertTrue(m.contains("no label column"), m);
        m = error("a,b,c\n1,2,0\n", "target");
        assertTrue(m.contains("no label column 'target' (its columns: a, b, c)"), m);
        m = error("1,2,0\n3,4,1\n", "target");
        assertTrue(m.contains("no header row, so no label column 'target'"), m);
        m = error("a,label\n1,-1\n2,0\n", null);
        assertTrue(m.contains("row 2 has the negative label -1"), m);
        m = error("a,label\n1,0\n2,0\n", null);
        assertTrue(m.contains("single class"), m);
        m = error("", null);
        assertTrue(m.contains("is empty"), m);
        m = error("a,b,label\n", null);
        assertTrue(m.contains("no data rows"), m);
        m = error("a,b,label\n1,\"2,0\n", null);
        assertTrue(m.contains("data.csv"), m);
        m = error("a,b,label\n0x10,2,0\n", null);
        assertTrue(m.contains("'0x10' is not a number"), m);
    }
}
