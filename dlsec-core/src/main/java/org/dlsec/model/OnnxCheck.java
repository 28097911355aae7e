package org.dlsec.model;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import org.dlsec.core.DlsecException;

/**
 * Checks an ONNX model's tensors before ONNX Runtime sees them, reading the protobuf wire format of
 * {@code ModelProto} with protobuf-java (only the fields that hold tensors are decoded; everything
 * else is skipped): every initialiser, every tensor attribute (e.g. of {@code Constant}) in the main
 * graph, in subgraphs (If/Loop/Scan bodies, nested at most {@value #MAX_DEPTH} deep), in functions and
 * in training-info graphs must have a known data type, non-negative dimensions of at most
 * {@value #MAX_NUMEL} elements in all, and exactly the data its dimensions and type call for
 * ({@code raw_data} bytes, or the count of typed values). External data ({@code data_location =
 * EXTERNAL}, {@code external_data}), segmented tensors and sparse tensors are refused: dlsec loads
 * a model from its own bytes and never lets a model name other files.
 */
final class OnnxCheck {
    static final int MAX_DEPTH = 16;
    static final long MAX_NUMEL = 1L << 31;
    static final int MAX_RANK = 32;

    private final String source;
    private int tensors;

    private OnnxCheck(String source) {
        this.source = source;
    }

    /** Checks {@code bytes}, an ONNX ModelProto; returns the number of tensors checked. */
    static int check(byte[] bytes, String source) {
        OnnxCheck c = new OnnxCheck(source);
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            boolean graph = false;
            for (int tag; (tag = in.readTag()) != 0; ) {
                switch (WireFormat.getTagFieldNumber(tag)) {
                    case 7 -> {
                        c.message(in, tag, "graph", () -> c.graph(in, 0));
                        graph = true;
                    }
                    case 20 -> c.message(in, tag, "training_info", () -> c.trainingInfo(in));
                    case 25 -> c.message(in, tag, "function", () -> c.function(in, 0));
                    default -> skip(in, tag);
                }
            }
            if (!graph) {
                throw c.bad("no graph (not an ONNX model?)");
            }
        } catch (IOException e) {
            throw c.bad("not a readable ONNX protobuf (" + TorchPickle.printable(Models.firstLine(e.getMessage())) + ")");
        }
        return c.tensors;
    }

    private DlsecException bad(String what) {
        return new DlsecException("not a loadable ONNX model: " + source + ": " + what);
    }

    private interface Body {
        void read() throws IOException;
    }

    /** Reads a length-delimited sub-message with {@code body}. */
    private void message(CodedInputStream in, int tag, String what, Body body) throws IOException {
        if (WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            throw bad(what + " is not a message");
        }
        int len = in.readRawVarint32();
        if (len < 0) {
            throw bad("negative length of " + what);
        }
        int old = in.pushLimit(len);
        body.read();
        if (!in.isAtEnd()) {
            throw bad("malformed " + what);
        }
        in.popLimit(old);
    }

    private static void skip(CodedInputStream in, int tag) throws IOException {
        int type = WireFormat.getTagWireType(tag);
        if (type == WireFormat.WIRETYPE_START_GROUP || type == WireFormat.WIRETYPE_END_GROUP || type > 5) {
            throw new com.google.protobuf.InvalidProtocolBufferException("group or invalid wire type " + type);
        }
        in.skipField(tag);
    }

    private void depth(int depth) {
        if (depth > MAX_DEPTH) {
            throw bad("subgraphs nested more than " + MAX_DEPTH + " deep");
        }
    }

    private void graph(CodedInputStream in, int depth) throws IOException {
        depth(depth);
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> message(in, tag, "node", () -> node(in, depth));
                case 5 -> message(in, tag, "initializer", () -> tensor(in));
                case 15 -> throw bad("a sparse initializer (not supported by dlsec)");
                default -> skip(in, tag);
            }
        }
    }

    private void function(CodedInputStream in, int depth) throws IOException {
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 7 -> message(in, tag, "function node", () -> node(in, depth));
                case 11 -> message(in, tag, "function attribute", () -> attribute(in, depth));
                default -> skip(in, tag);
            }
        }
    }

    private void trainingInfo(CodedInputStream in) throws IOException {
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1, 2 -> message(in, tag, "training graph", () -> graph(in, 1));
                default -> skip(in, tag);
            }
        }
    }

    private void node(CodedInputStream in, int depth) throws IOException {
        for (int tag; (tag = in.readTag()) != 0; ) {
            if (WireFormat.getTagFieldNumber(tag) == 5) {
                message(in, tag, "attribute", () -> attribute(in, depth));
            } else {
                skip(in, tag);
            }
        }
    }

    private void attribute(CodedInputStream in, int depth) throws IOException {
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 5, 10 -> message(in, tag, "tensor attribute", () -> tensor(in));
                case 6, 11 -> message(in, tag, "subgraph", () -> graph(in, depth + 1));
                case 22, 23 -> throw bad("a sparse tensor attribute (not supported by dlsec)");
                default -> skip(in, tag);
            }
        }
    }

    /** Counts the values of a repeated scalar field, packed or not ({@code fixed}: bytes per value, 0 for varints). */
    private long values(CodedInputStream in, int tag, int fixed) throws IOException {
        int type = WireFormat.getTagWireType(tag);
        if (type == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            int len = in.readRawVarint32();
            if (len < 0) {
                throw bad("negative length");
            }
            if (fixed > 0) {
                if (len % fixed != 0) {
                    throw bad("a packed field of " + len + " bytes is not a whole number of " + fixed + "-byte values");
                }
                in.skipRawBytes(len);
                return len / fixed;
            }
            int old = in.pushLimit(len);
            long n = 0;
            while (!in.isAtEnd()) {
                in.readRawVarint64();
                n++;
            }
            in.popLimit(old);
            return n;
        }
        int want = fixed == 4 ? WireFormat.WIRETYPE_FIXED32 : fixed == 8 ? WireFormat.WIRETYPE_FIXED64
                : WireFormat.WIRETYPE_VARINT;
        if (type != want) {
            throw bad("a tensor field of the wrong wire type");
        }
        in.skipField(tag);
        return 1;
    }

    /** Bits per element of an ONNX TensorProto.DataType, 0 for STRING, -1 if unknown. */
    static int bits(int dataType) {
        return switch (dataType) {
            case 1, 6, 12 -> 32; // FLOAT, INT32, UINT32
            case 2, 3, 9, 17, 18, 19, 20 -> 8; // UINT8, INT8, BOOL, FLOAT8 variants
            case 4, 5, 10, 16 -> 16; // UINT16, INT16, FLOAT16, BFLOAT16
            case 7, 11, 13, 14 -> 64; // INT64, DOUBLE, UINT64, COMPLEX64
            case 15 -> 128; // COMPLEX128
            case 21, 22, 23 -> 4; // UINT4, INT4, FLOAT4E2M1
            case 8 -> 0; // STRING
            default -> -1;
        };
    }

    private void tensor(CodedInputStream in) throws IOException {
        tensors++;
        long[] dims = new long[MAX_RANK];
        int rank = 0;
        int dataType = 0;
        long raw = -1;
        long floats = 0;
        long int32s = 0;
        long strings = 0;
        long int64s = 0;
        long doubles = 0;
        long uint64s = 0;
        for (int tag; (tag = in.readTag()) != 0; ) {
            int field = WireFormat.getTagFieldNumber(tag);
            switch (field) {
                case 1 -> {
                    if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                        int len = in.readRawVarint32();
                        if (len < 0) {
                            throw bad("negative length");
                        }
                        int old = in.pushLimit(len);
                        while (!in.isAtEnd()) {
                            rank = dim(dims, rank, in.readInt64());
                        }
                        in.popLimit(old);
                    } else if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_VARINT) {
                        rank = dim(dims, rank, in.readInt64());
                    } else {
                        throw bad("tensor dims of the wrong wire type");
                    }
                }
                case 2 -> {
                    if (WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_VARINT) {
                        throw bad("tensor data_type of the wrong wire type");
                    }
                    dataType = in.readInt32();
                }
                case 3 -> throw bad("a segmented tensor (not supported by dlsec)");
                case 4 -> floats += values(in, tag, 4);
                case 5 -> int32s += values(in, tag, 0);
                case 6 -> {
                    if (WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                        throw bad("tensor string_data of the wrong wire type");
                    }
                    in.skipField(tag);
                    strings++;
                }
                case 7 -> int64s += values(in, tag, 0);
                case 9 -> {
                    if (WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                        throw bad("tensor raw_data of the wrong wire type");
                    }
                    int len = in.readRawVarint32();
                    if (len < 0) {
                        throw bad("negative length of raw_data");
                    }
                    in.skipRawBytes(len);
                    raw = (raw < 0 ? 0 : raw) + len;
                }
                case 10 -> doubles += values(in, tag, 8);
                case 11 -> uint64s += values(in, tag, 0);
                case 13 -> throw bad("a tensor with external data (dlsec loads a model from its own file only)");
                case 14 -> {
                    if (in.readInt32() != 0) {
                        throw bad("a tensor with external data (dlsec loads a model from its own file only)");
                    }
                }
                default -> skip(in, tag);
            }
        }
        int bits = bits(dataType);
        if (bits < 0) {
            throw bad("a tensor of unknown data type " + dataType);
        }
        long numel = 1;
        for (int i = 0; i < rank; i++) {
            numel *= dims[i]; // each ≤ MAX_NUMEL and the product checked at every step: no overflow
            if (numel > MAX_NUMEL) {
                throw bad("a tensor of more than " + MAX_NUMEL + " elements (dims " + dimsText(dims, rank) + ")");
            }
        }
        long typedTotal = floats + int32s + strings + int64s + doubles + uint64s;
        if (raw >= 0) {
            if (typedTotal > 0 || dataType == 8) {
                throw bad("a tensor with both raw_data and typed values, or raw strings");
            }
            long want = (numel * bits + 7) / 8;
            if (raw != want) {
                throw bad("a tensor of dims " + dimsText(dims, rank) + " and type " + dataType + " needs " + want
                        + " bytes of raw_data, has " + raw);
            }
            return;
        }
        long have;
        long want;
        switch (dataType) {
            case 1, 14 -> {
                have = floats;
                want = dataType == 14 ? 2 * numel : numel;
            }
            case 11, 15 -> {
                have = doubles;
                want = dataType == 15 ? 2 * numel : numel;
            }
            case 7 -> {
                have = int64s;
                want = numel;
            }
            case 12, 13 -> {
                have = uint64s;
                want = numel;
            }
            case 8 -> {
                have = strings;
                want = numel;
            }
            case 21, 22, 23 -> {
                have = int32s;
                want = (numel + 1) / 2;
            }
            default -> {
                have = int32s;
                want = numel;
            }
        }
        if (have != typedTotal) {
            throw bad("a tensor of type " + dataType + " with values in a field of another type");
        }
        if (have != want) {
            throw bad("a tensor of dims " + dimsText(dims, rank) + " and type " + dataType + " needs " + want
                    + " values, has " + have);
        }
    }

    private int dim(long[] dims, int rank, long d) {
        if (rank >= MAX_RANK) {
            throw bad("a tensor of rank above " + MAX_RANK);
        }
        if (d < 0 || d > MAX_NUMEL) {
            throw bad("a tensor dimension of " + d);
        }
        dims[rank] = d;
        return rank + 1;
    }

    private static String dimsText(long[] dims, int rank) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < rank; i++) {
            s.append(i > 0 ? ", " : "").append(dims[i]);
        }
        return s.append(']').toString();
    }
}
