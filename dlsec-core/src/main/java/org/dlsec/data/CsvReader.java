package org.dlsec.data;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Hashing;
import org.dlsec.core.Memory;

/**
 * Reads a CSV file of numeric feature columns and one label column (Jackson's CSV parser does the
 * quoting). A header row is detected: the first row is a header when it has more non-numeric cells
 * than the second. The label column is {@code --label-column} (a header name, or a 0-based number
 * without a header), else "label" if the header has it, else the last column. Labels that are all
 * integers stay integers; otherwise they are class names.
 *
 * <p>Every feature cell must be a decimal number (no hex, no NaN or infinity, no empty cell); every
 * row must have as many cells as the first; a failure names the file, the row (1-based, the header
 * included) and the column.
 */
final class CsvReader {
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern NON_FINITE = Pattern.compile("(?i)[+-]?(nan|inf|infinity|∞)");
    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d{1,9}");

    private CsvReader() {}

    static RawData read(Path file, String labelColumn) {
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new DlsecException("data file not found: " + file);
        } catch (IOException e) {
            throw new DlsecException("cannot read CSV file " + file + ": " + e.getMessage(), e);
        }
        // every value takes at least two characters ("0,"): at most size/2 floats, plus the label strings
        Memory.require(4 * size, "CSV file " + file);
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString(), labelColumn);
        } catch (IOException e) {
            throw new DlsecException("cannot read CSV file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads CSV text from {@code raw}; {@code name} is used in messages only. */
    static RawData read(InputStream raw, String name, String labelColumn) {
        MessageDigest md = Hashing.sha256();
        List<String[]> head = new ArrayList<>(2);
        try (Reader r = new InputStreamReader(new DigestInputStream(raw, md), StandardCharsets.UTF_8)) {
            CsvMapper mapper = new CsvMapper();
            mapper.enable(CsvParser.Feature.WRAP_AS_ARRAY);
            mapper.enable(CsvParser.Feature.SKIP_EMPTY_LINES);
            mapper.enable(CsvParser.Feature.TRIM_SPACES);
            try (MappingIterator<String[]> it = mapper.readerFor(String[].class).with(CsvSchema.emptySchema())
                    .readValues(r)) {
                return parse(it, name, labelColumn, md, head);
            }
        } catch (JacksonException e) {
            throw new DlsecException("malformed CSV file " + name + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new DlsecException("cannot read CSV file " + name + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (e instanceof DlsecException d) {
                throw d;
            }
            // Jackson wraps parse errors met while iterating in RuntimeJsonMappingException
            Throwable c = e.getCause() != null ? e.getCause() : e;
            String msg = c instanceof JacksonException j ? j.getOriginalMessage() : String.valueOf(c.getMessage());
            throw new DlsecException("malformed CSV file " + name + ": " + msg, e);
        }
    }

    private static RawData parse(MappingIterator<String[]> it, String name, String labelColumn, MessageDigest md,
            List<String[]> head) throws IOException {
        while (head.size() < 2 && it.hasNextValue()) {
            head.add(it.nextValue());
        }
        if (head.isEmpty()) {
            throw new DlsecException("CSV file " + name + " is empty");
        }
        String[] first = head.get(0);
        boolean header = head.size() == 1 ? nonNumeric(first) == first.length
                : nonNumeric(first) > nonNumeric(head.get(1));
        int cols = first.length;
        int labelCol = labelIndex(name, header ? first : null, cols, labelColumn);
        int d = cols - 1;
        float[] x = new float[Math.max(16, d * 64)];
        List<String> labels = new ArrayList<>();
        int[] rows = new int[64];
        int n = 0;
        int row = 0;
        java.util.Iterator<String[]> pending = head.iterator();
        while (true) {
            String[] cells;
            if (pending.hasNext()) {
                cells = pending.next();
            } else if (it.hasNextValue()) {
                cells = it.nextValue();
            } else {
                break;
            }
            row++;
            if (row == 1 && header) {
                continue;
            }
            if (cells.length != cols) {
                throw new DlsecException("CSV file " + name + ": row " + row + " has " + cells.length + " cells, "
                        + (header ? "the header has " : "the first row has ") + cols);
            }
            if ((long) (n + 1) * d > Integer.MAX_VALUE - 8) {
                throw new DlsecException("CSV file " + name + " has more values than dlsec can hold in one array");
            }
            if ((n + 1) * d > x.length) {
                long grow = Math.min(Integer.MAX_VALUE - 8L, Math.max((long) x.length * 2, (long) (n + 1) * d));
                Memory.require(4 * grow, "CSV file " + name);
                x = Arrays.copyOf(x, (int) grow);
            }
            if (n == rows.length) {
                rows = Arrays.copyOf(rows, rows.length * 2);
            }
            for (int c = 0, k = 0; c < cols; c++) {
                if (c == labelCol) {
                    continue;
                }
                x[n * d + k] = number(cells[c], name, row, c, header ? first[c] : null);
                k++;
            }
            String label = cells[labelCol];
            if (label.isEmpty()) {
                throw new DlsecException("CSV file " + name + ": row " + row + " has an empty label (column "
                        + describeColumn(labelCol, header ? first[labelCol] : null) + ")");
            }
            labels.add(label);
            rows[n] = row;
            n++;
        }
        if (n == 0) {
            throw new DlsecException("CSV file " + name + " has no data rows");
        }
        boolean integers = labels.stream().allMatch(s -> INTEGER.matcher(s).matches());
        int[] y = null;
        String[] names = null;
        if (integers) {
            y = new int[n];
            for (int i = 0; i < n; i++) {
                y[i] = Integer.parseInt(labels.get(i));
                if (y[i] < 0) {
                    throw new DlsecException("CSV file " + name + ": row " + rows[i] + " has the negative label " + y[i]);
                }
            }
        } else {
            names = labels.toArray(new String[0]);
        }
        String labelName = header ? first[labelCol] : "column " + (labelCol + 1);
        String prov = "csv " + name + " sha256=" + Hashing.hex(md) + " (" + n + " rows, " + d + " features, label "
                + labelName + (header ? ", header row" : ", no header") + ")";
        List<String> featureNames = null;
        if (header) {
            featureNames = new ArrayList<>();
            for (int c = 0; c < cols; c++) {
                if (c != labelCol) {
                    featureNames.add(first[c]);
                }
            }
        }
        return new RawData(Arrays.copyOf(x, n * d), new long[] {d}, y, names, false, Arrays.copyOf(rows, n), name, prov,
                featureNames);
    }

    private static int nonNumeric(String[] row) {
        int k = 0;
        for (String s : row) {
            if (!NUMBER.matcher(s).matches()) {
                k++;
            }
        }
        return k;
    }

    private static int labelIndex(String name, String[] header, int cols, String labelColumn) {
        if (cols < 2) {
            throw new DlsecException("CSV file " + name + " has no label column: it needs at least one feature column"
                    + " and a label column, found " + cols + " column");
        }
        if (header != null) {
            String want = labelColumn == null ? "label" : labelColumn;
            int at = Arrays.asList(header).indexOf(want);
            if (at >= 0) {
                return at;
            }
            if (labelColumn != null) {
                throw new DlsecException("CSV file " + name + " has no label column '" + labelColumn
                        + "' (its columns: " + String.join(", ", header) + ")");
            }
            return cols - 1;
        }
        if (labelColumn == null) {
            return cols - 1;
        }
        if (labelColumn.matches("\\d{1,6}") && Integer.parseInt(labelColumn) < cols) {
            return Integer.parseInt(labelColumn);
        }
        throw new DlsecException("CSV file " + name + " has no header row, so no label column '" + labelColumn
                + "': give --label-column as a 0-based column number below " + cols);
    }

    private static float number(String cell, String file, int row, int col, String colName) {
        if (NUMBER.matcher(cell).matches()) {
            float v = Float.parseFloat(cell);
            if (Float.isFinite(v)) {
                return v;
            }
            throw new DlsecException("CSV file " + file + ": row " + row + ", column " + describeColumn(col, colName)
                    + ": " + cell + " is out of the float range (infinite)");
        }
        if (NON_FINITE.matcher(cell).matches()) {
            throw new DlsecException("CSV file " + file + ": row " + row + ", column " + describeColumn(col, colName)
                    + ": '" + cell + "' is not a finite number (NaN and infinity are not allowed in features)");
        }
        throw new DlsecException("CSV file " + file + ": row " + row + ", column " + describeColumn(col, colName)
                + ": '" + abbreviate(cell) + "' is not a number");
    }

    private static String describeColumn(int col, String colName) {
        return (col + 1) + (colName == null ? "" : " ('" + abbreviate(colName) + "')");
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}
