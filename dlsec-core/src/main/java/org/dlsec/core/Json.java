package org.dlsec.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;

/** The one Jackson mapper dlsec uses (the same modules on every classpath), and atomic JSON file writes. */
public final class Json {
    /**
     * The shared mapper: indented output, map entries sorted by key, dates as ISO-8601 strings, unknown
     * properties ignored on reading. Thread-safe once configured; do not reconfigure it.
     */
    public static final ObjectMapper MAPPER =
            new ObjectMapper()
                    .enable(SerializationFeature.INDENT_OUTPUT)
                    .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                    .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                    // only the module dlsec needs: findAndRegisterModules() also picked up Spark's Scala module
                    // under `--spark`, and model cards then lost their training record
                    .registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule());

    private Json() {}

    /**
     * Writes {@code value} as JSON to {@code file} atomically; only a regular file or a new path is
     * replaced (see {@link AtomicFiles}).
     *
     * @param file the output path; an existing regular file is replaced
     * @param value the object to serialise with {@link #MAPPER}
     * @throws DlsecException when the file cannot be written or {@code value} cannot be serialised
     */
    public static void write(Path file, Object value) {
        AtomicFiles.write(file, out -> MAPPER.writeValue(out, value));
    }

    /**
     * Serialises {@code value} with {@link #MAPPER} (indented, keys sorted).
     *
     * @param value the object to serialise
     * @return the JSON text
     * @throws IllegalStateException when {@code value} cannot be serialised (a programming error)
     */
    public static String toString(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getName(), e);
        }
    }

    /**
     * Reads {@code file} as JSON into a {@code type}; unknown properties are ignored.
     *
     * @param <T> the type read
     * @param file the JSON file
     * @param type the class to bind to
     * @return the object read
     * @throws DlsecException when the file cannot be read or does not match {@code type}; the message names the
     *         file and the type
     */
    public static <T> T read(Path file, Class<T> type) {
        try {
            return MAPPER.readValue(file.toFile(), type);
        } catch (IOException e) {
            throw new DlsecException("cannot read " + file + " as " + type.getSimpleName() + ": "
                    + firstLine(e.getMessage()), e);
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
