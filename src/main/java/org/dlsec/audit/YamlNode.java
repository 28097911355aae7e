package org.dlsec.audit;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dlsec.core.DlsecException;

/**
 * A YAML document as a tree that remembers where each value stood (Jackson's {@link JsonLocation}),
 * so that a configuration error can name the key and the line. Values are maps (insertion order),
 * lists, strings, numbers, booleans or null.
 *
 * @param value the value
 * @param path the key path from the root, e.g. {@code attacks[1].eps}
 * @param line 1-based line of the value
 * @param source the file name, for messages
 */
record YamlNode(Object value, String path, int line, String source) {

    /** Parses {@code text}; a syntax error becomes a {@link DlsecException} naming the line. */
    static YamlNode parse(String text, String source) {
        try (JsonParser p = new YAMLFactory().createParser(text)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return new YamlNode(Map.of(), "", 1, source);
            }
            YamlNode root = read(p, "", source);
            return root;
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            throw new DlsecException(source + (loc == null ? "" : " line " + loc.getLineNr()) + ": invalid YAML: "
                    + firstLine(e.getOriginalMessage()), e);
        } catch (IOException e) {
            throw new DlsecException("cannot read " + source + ": " + e.getMessage(), e);
        }
    }

    private static YamlNode read(JsonParser p, String path, String source) throws IOException {
        int line = p.currentTokenLocation().getLineNr();
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                Map<String, YamlNode> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    int keyLine = p.currentTokenLocation().getLineNr();
                    String child = path.isEmpty() ? key : path + "." + key;
                    if (m.containsKey(key)) {
                        throw new DlsecException(source + " line " + keyLine + ": " + child + ": duplicate key");
                    }
                    p.nextToken();
                    YamlNode v = read(p, child, source);
                    m.put(key, new YamlNode(v.value, child, v.value instanceof Map || v.value instanceof List ? keyLine
                            : v.line, source));
                }
                return new YamlNode(Collections.unmodifiableMap(m), path, line, source);
            }
            case START_ARRAY -> {
                List<YamlNode> l = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    l.add(read(p, path + "[" + l.size() + "]", source));
                }
                return new YamlNode(Collections.unmodifiableList(l), path, line, source);
            }
            case VALUE_STRING -> {
                return new YamlNode(p.getText(), path, line, source);
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                return new YamlNode(p.getNumberValue(), path, line, source);
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return new YamlNode(p.getBooleanValue(), path, line, source);
            }
            case VALUE_NULL -> {
                return new YamlNode(null, path, line, source);
            }
            default -> throw new DlsecException(source + " line " + line + ": " + path + ": unsupported YAML value " + t);
        }
    }

    /** A configuration error at this value: "{source} line {n}: {path}: {problem}". */
    DlsecException error(String problem) {
        return new DlsecException(source + " line " + line + ": " + (path.isEmpty() ? "" : path + ": ") + problem);
    }

    boolean isList() {
        return value instanceof List<?>;
    }

    boolean isNull() {
        return value == null;
    }

    @SuppressWarnings("unchecked")
    Map<String, YamlNode> map() {
        if (value instanceof Map<?, ?> m) {
            return (Map<String, YamlNode>) m;
        }
        throw error("expected a mapping of keys to values, got " + describe());
    }

    @SuppressWarnings("unchecked")
    List<YamlNode> list() {
        if (value instanceof List<?> l) {
            return (List<YamlNode>) l;
        }
        throw error("expected a list, got " + describe());
    }

    /** Fails on any key of this mapping that is not in {@code allowed}. */
    void onlyKeys(List<String> allowed) {
        for (Map.Entry<String, YamlNode> e : map().entrySet()) {
            if (!allowed.contains(e.getKey())) {
                throw e.getValue().error("unknown key '" + e.getKey() + "' (expected one of " + String.join(", ", allowed)
                        + ")");
            }
        }
    }

    String string() {
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            return String.valueOf(value);
        }
        throw error("expected a single value, got " + describe());
    }

    double number() {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (value instanceof String s) {
            try {
                return Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                throw error("expected a number, got '" + s + "'");
            }
        }
        throw error("expected a number, got " + describe());
    }

    long integer() {
        double d = number();
        if (d != Math.rint(d) || Math.abs(d) > 1e15) {
            throw error("expected an integer, got " + value);
        }
        return (long) d;
    }

    boolean bool() {
        if (value instanceof Boolean b) {
            return b;
        }
        throw error("expected true or false, got " + describe());
    }

    private String describe() {
        if (value == null) {
            return "nothing";
        }
        if (value instanceof Map) {
            return "a mapping";
        }
        if (value instanceof List) {
            return "a list";
        }
        return "'" + value + "'";
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }
}
