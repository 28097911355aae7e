package org.dlsec.serve;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.util.Arrays;
import org.dlsec.core.DlsecException;

/**
 * Decodes the parts of a prediction request that come from the client — the {@code Content-Length}
 * header and the JSON body {@code {"inputs": [[v, ...], ...]}} — into a flat array of validated
 * values, without touching the model. Everything it refuses is a {@link BadRequest} carrying the
 * 4xx status to answer; it never throws anything else (the fuzz tests hold it to that).
 *
 * <p>The body is read by a streaming parser: one input may be a flat array or nested up to four
 * levels, must hold exactly {@code sampleSize} finite numbers inside {@code [min, max]}, and there
 * may be at most {@code maxBatch} inputs; the output array grows with what was actually sent, so a
 * body cannot make the server allocate more than a small multiple of its own size.
 */
public final class RequestDecoder {
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).maxNumberLength(64)
                    .maxStringLength(1 << 16).build())
            .build();

    /** A request refused with a 4xx status; the message is safe to send back to the client. */
    public static final class BadRequest extends DlsecException {
        private static final long serialVersionUID = 1L;
        private final int status;

        public BadRequest(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private final int sampleSize;
    private final float min;
    private final float max;
    private final int maxBatch;
    private final String shapeText;

    /**
     * @param sampleSize values per input (C·H·W)
     * @param min smallest value allowed
     * @param max largest value allowed
     * @param maxBatch inputs allowed per request
     * @param shapeText the input shape, for messages
     */
    public RequestDecoder(int sampleSize, float min, float max, int maxBatch, String shapeText) {
        DlsecException.require(sampleSize >= 1, "sample size", "must be positive, got " + sampleSize);
        DlsecException.require(Float.isFinite(min) && Float.isFinite(max) && min < max, "bounds",
                "must be finite with min < max, got [" + min + ", " + max + "]");
        DlsecException.require(maxBatch >= 1, "max batch", "must be positive, got " + maxBatch);
        this.sampleSize = sampleSize;
        this.min = min;
        this.max = max;
        this.maxBatch = maxBatch;
        this.shapeText = shapeText;
    }

    public int sampleSize() {
        return sampleSize;
    }

    /**
     * The declared body length from a {@code Content-Length} header value, or -1 when there is none;
     * 400 when it is not a non-negative integer, 413 when it exceeds {@code limit}.
     */
    public static long contentLength(String header, long limit) {
        long declared = contentLength(header);
        if (declared > limit) {
            throw new BadRequest(413, tooLarge(declared, limit));
        }
        return declared;
    }

    /**
     * The declared body length from a {@code Content-Length} header value, -1 when there is none,
     * {@link Long#MAX_VALUE} for more than 18 digits; 400 when it is not a non-negative integer.
     */
    public static long contentLength(String header) {
        if (header == null) {
            return -1;
        }
        String t = header.strip();
        if (t.isEmpty() || !t.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new BadRequest(400, "bad Content-Length");
        }
        // more than 18 digits cannot be a size the server accepts (and may not fit a long)
        return t.length() > 18 ? Long.MAX_VALUE : Long.parseLong(t);
    }

    /** The 413 message for a declared length over the limit. */
    public static String tooLarge(long declared, long limit) {
        return "body of " + (declared == Long.MAX_VALUE ? "more than 10^18" : Long.toString(declared))
                + " bytes exceeds the limit of " + limit;
    }

    /** Parses {@code {"inputs": [...]}} into a flat array of n·sampleSize validated values. */
    public float[] decode(byte[] body) {
        if (body.length == 0) {
            throw new BadRequest(400, "empty body: send {\"inputs\": [[...], ...]}");
        }
        float tol = 1e-6f * (max - min);
        float[] x = new float[Math.min(sampleSize, 1 << 16) * 4];
        int count = 0;
        int samples = 0;
        boolean seen = false;
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new BadRequest(400, "the body must be a JSON object {\"inputs\": [[...], ...]}");
            }
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_OBJECT) {
                if (t != JsonToken.FIELD_NAME) {
                    throw new BadRequest(400, t == null ? "truncated JSON" : "malformed JSON object");
                }
                String field = p.currentName();
                if (!"inputs".equals(field)) {
                    throw new BadRequest(400, "unknown field '" + shorten(field) + "': the body holds only 'inputs'");
                }
                if (seen) {
                    throw new BadRequest(400, "duplicate field 'inputs'");
                }
                seen = true;
                if (p.nextToken() != JsonToken.START_ARRAY) {
                    throw new BadRequest(400, "'inputs' must be an array of inputs");
                }
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (t != JsonToken.START_ARRAY) {
                        throw new BadRequest(400, t == null ? "truncated JSON"
                                : "input " + samples + " is not an array of numbers");
                    }
                    if (samples >= maxBatch) {
                        throw new BadRequest(413, "batch exceeds the limit of " + maxBatch + " inputs");
                    }
                    int start = count;
                    int depth = 1;
                    while (depth > 0) {
                        t = p.nextToken();
                        if (t == null) {
                            throw new BadRequest(400, "truncated JSON");
                        }
                        switch (t) {
                            case START_ARRAY -> {
                                if (++depth > 4) {
                                    throw new BadRequest(400, "input " + samples + " is nested too deeply");
                                }
                            }
                            case END_ARRAY -> depth--;
                            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                                if (count - start >= sampleSize) {
                                    throw new BadRequest(400, "input " + samples + " has more than the " + sampleSize
                                            + " values of shape " + shapeText);
                                }
                                float v = p.getFloatValue();
                                if (!Float.isFinite(v) || v < min - tol || v > max + tol) {
                                    throw new BadRequest(400, "input " + samples + " has a value outside [" + min + ", "
                                            + max + "]");
                                }
                                if (count == x.length) {
                                    x = Arrays.copyOf(x, x.length * 2);
                                }
                                x[count++] = Math.min(max, Math.max(min, v));
                            }
                            default -> throw new BadRequest(400, "input " + samples + " holds a non-number");
                        }
                    }
                    if (count - start != sampleSize) {
                        throw new BadRequest(400, "input " + samples + " has " + (count - start) + " values; the model"
                                + " takes " + sampleSize + " (shape " + shapeText + ")");
                    }
                    samples++;
                }
            }
            if (p.nextToken() != null) {
                throw new BadRequest(400, "trailing content after the JSON object");
            }
        } catch (JsonProcessingException e) {
            throw new BadRequest(400, "malformed JSON: " + shorten(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new BadRequest(400, "unreadable body: " + shorten(e.getMessage()));
        }
        if (!seen || samples == 0) {
            throw new BadRequest(400, "no inputs: send {\"inputs\": [[...], ...]} with at least one input");
        }
        return count == x.length ? x : Arrays.copyOf(x, count);
    }

    static String shorten(String s) {
        if (s == null) {
            return "";
        }
        String one = s.length() > 4096 ? s.substring(0, 4096) : s;
        one = org.dlsec.core.Text.escape(one.replaceAll("\\s+", " ").strip());
        return one.length() > 160 ? one.substring(0, 160) + "..." : one;
    }
}
