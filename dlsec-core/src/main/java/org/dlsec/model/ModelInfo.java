package org.dlsec.model;

/**
 * What a classifier is, for provenance: its kind ({@code dlsec}, {@code torchscript}, {@code onnx},
 * {@code function}, ...), where it came from, the SHA-256 of its weights, and its architecture when
 * known.
 */
public record ModelInfo(String kind, String source, String sha256, String architecture) {
    /**
     * A one-line description for logs and reports.
     *
     * @return {@code kind:source}, followed by the architecture in parentheses when known
     */
    public String describe() {
        return kind + ":" + source + (architecture == null ? "" : " (" + architecture + ")");
    }
}
