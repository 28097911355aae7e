package org.dlsec.model;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.dlsec.core.DlsecException;

/**
 * A restricted reader of the pickles inside a TorchScript archive ({@code data.pkl},
 * {@code constants.pkl}, {@code code/*.debug_pkl}). It is not a general unpickler: nothing is ever
 * imported, called or instantiated. It accepts only the opcodes PyTorch's TorchScript pickler writes
 * (protocol 2: marks, tuples, lists, dicts, ints, floats, strings, booleans, None, the memo,
 * {@code GLOBAL}, {@code NEWOBJ}, {@code BUILD}, {@code REDUCE}, {@code BINPERSID}) and only the globals
 * it writes ({@code __torch__.*} module classes, {@code torch.*Storage} types, the tensor rebuilders of
 * {@code torch._utils}, {@code collections.OrderedDict}, the list builders of {@code torch.jit._pickle},
 * {@code torch.device}); everything else is refused with the byte position. Every tensor record is
 * checked against its storage: a known element type, non-negative offset, sizes and strides, and
 * {@code offset + Σ (size_i − 1)·stride_i < storage elements} (so libtorch never reads outside a
 * storage); the caller checks each storage's record size ({@link #storages()}).
 */
final class TorchPickle {
    /** Element size in bytes of each storage type TorchScript archives name (torch.&lt;Type&gt;Storage). */
    static final Map<String, Integer> STORAGE_TYPES = Map.ofEntries(
            Map.entry("FloatStorage", 4), Map.entry("DoubleStorage", 8), Map.entry("HalfStorage", 2),
            Map.entry("BFloat16Storage", 2), Map.entry("LongStorage", 8), Map.entry("IntStorage", 4),
            Map.entry("ShortStorage", 2), Map.entry("CharStorage", 1), Map.entry("ByteStorage", 1),
            Map.entry("BoolStorage", 1), Map.entry("ComplexFloatStorage", 8), Map.entry("ComplexDoubleStorage", 16),
            Map.entry("QInt8Storage", 1), Map.entry("QUInt8Storage", 1), Map.entry("QInt32Storage", 4),
            Map.entry("QUInt4x2Storage", 1), Map.entry("QUInt2x4Storage", 1), Map.entry("Float8_e5m2Storage", 1),
            Map.entry("Float8_e4m3fnStorage", 1), Map.entry("UInt16Storage", 2), Map.entry("UInt32Storage", 4),
            Map.entry("UInt64Storage", 8));
    /** Largest tensor rank accepted (libtorch's own limit is 64). */
    static final int MAX_RANK = 64;
    private static final int MAX_MEMO = 1 << 24;
    private static final Pattern CLASS_PART = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern STORAGE_KEY = Pattern.compile("[A-Za-z0-9_]{1,64}");
    private static final Pattern LOCATION = Pattern.compile("cpu|cuda(:[0-9]{1,3})?|mps");

    /** A global named by GLOBAL; never resolved. */
    record Global(String module, String name) {
        String qualified() {
            return module + "." + name;
        }
    }

    /** An instance of a {@code __torch__} class (a scripted module or class), with the state BUILD gave it. */
    static final class Obj {
        final Global type;
        Object state;

        Obj(Global type) {
            this.type = type;
        }
    }

    /** A Python tuple. */
    record Tup(Object[] items) {}

    /** A Python dict (keys are not hashed: nothing here needs lookups). */
    static final class Dict {
        final List<Object> keys = new ArrayList<>();
        final List<Object> values = new ArrayList<>();
    }

    /** A storage named by a persistent id: its record key, element type and element count. */
    record Storage(String type, int elementSize, String key, String location, long numel) {}

    /** A tensor record: a view of a storage. */
    record Tensor(Storage storage, long offset, long[] sizes, long[] strides) {}

    private static final Object MARK = new Object() {
        @Override
        public String toString() {
            return "MARK";
        }
    };

    private final byte[] b;
    private final String source;
    private int pos;
    private final ArrayList<Object> stack = new ArrayList<>();
    private final ArrayList<Integer> marks = new ArrayList<>();
    private final HashMap<Long, Object> memo = new HashMap<>();
    private final Map<String, Storage> storages = new HashMap<>();
    private final List<Tensor> tensors = new ArrayList<>();
    private final boolean allowTensors;

    private TorchPickle(byte[] bytes, String source, boolean allowTensors) {
        this.b = bytes;
        this.source = source;
        this.allowTensors = allowTensors;
    }

    /**
     * Reads {@code bytes} ({@code source} names it in messages); {@code allowTensors} is false for
     * the debug pickles, which hold only source ranges.
     */
    static TorchPickle read(byte[] bytes, String source, boolean allowTensors) {
        TorchPickle p = new TorchPickle(bytes, source, allowTensors);
        p.run();
        return p;
    }

    /** The storages the pickle's tensors refer to, by record key. */
    Map<String, Storage> storages() {
        return storages;
    }

    /** Every tensor record, checked against its storage. */
    List<Tensor> tensors() {
        return tensors;
    }

    /** The unpickled root object (an {@link Obj}, a {@link Tup}, ...). */
    Object root() {
        return stack.get(0);
    }

    private DlsecException bad(int at, String what) {
        return new DlsecException(source + ": byte " + at + ": " + what
                + " (dlsec reads only what PyTorch's TorchScript pickler writes)");
    }

    private int u8() {
        if (pos >= b.length) {
            throw bad(pos, "truncated pickle");
        }
        return b[pos++] & 0xff;
    }

    private long le(int n) {
        if (b.length - pos < n) {
            throw bad(pos, "truncated pickle");
        }
        long v = 0;
        for (int i = 0; i < n; i++) {
            v |= (long) (b[pos + i] & 0xff) << (8 * i);
        }
        pos += n;
        return v;
    }

    private String utf8(int at, long len) {
        if (len < 0 || len > b.length - pos) {
            throw bad(at, "a string of " + len + " bytes runs past the end");
        }
        try {
            String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(b, pos, (int) len)).toString();
            pos += (int) len;
            return s;
        } catch (CharacterCodingException e) {
            throw bad(at, "a string that is not UTF-8");
        }
    }

    private String line(int at) {
        int start = pos;
        while (pos < b.length && b[pos] != '\n') {
            if (pos - start > 256) {
                throw bad(at, "a GLOBAL name longer than 256 bytes");
            }
            pos++;
        }
        if (pos >= b.length) {
            throw bad(at, "truncated GLOBAL");
        }
        String s = new String(b, start, pos - start, StandardCharsets.US_ASCII);
        pos++;
        return s;
    }

    private Object pop(int at) {
        int floor = marks.isEmpty() ? 0 : marks.get(marks.size() - 1) + 1;
        if (stack.size() <= floor) {
            throw bad(at, "stack underflow");
        }
        return stack.remove(stack.size() - 1);
    }

    private Object top(int at) {
        int floor = marks.isEmpty() ? 0 : marks.get(marks.size() - 1) + 1;
        if (stack.size() <= floor) {
            throw bad(at, "stack underflow");
        }
        return stack.get(stack.size() - 1);
    }

    /** The items since the last MARK, which is removed. */
    private List<Object> popMark(int at) {
        if (marks.isEmpty()) {
            throw bad(at, "no MARK to close");
        }
        int m = marks.remove(marks.size() - 1);
        List<Object> items = new ArrayList<>(stack.subList(m + 1, stack.size()));
        stack.subList(m, stack.size()).clear();
        return items;
    }

    private void memoPut(int at, long key) {
        if (key < 0 || key >= MAX_MEMO) {
            throw bad(at, "memo index " + key + " out of range");
        }
        memo.put(key, top(at));
    }

    private Object memoGet(int at, long key) {
        Object v = memo.get(key);
        if (v == null && !memo.containsKey(key)) {
            throw bad(at, "memo index " + key + " was never stored");
        }
        return v;
    }

    private void run() {
        if (b.length < 2 || (b[0] & 0xff) != 0x80) {
            throw bad(0, "not a protocol 2+ pickle");
        }
        while (true) {
            int at = pos;
            int op = u8();
            switch (op) {
                case 0x80 -> { // PROTO
                    int v = u8();
                    if (at != 0 || v < 2 || v > 5) {
                        throw bad(at, "PROTO " + v);
                    }
                }
                case 0x95 -> le(8); // FRAME (protocol 4): a hint only
                case '.' -> { // STOP
                    if (stack.size() != 1 || !marks.isEmpty()) {
                        throw bad(at, "STOP with " + stack.size() + " values on the stack");
                    }
                    if (pos != b.length) {
                        throw bad(pos, (b.length - pos) + " bytes after STOP");
                    }
                    if (stack.get(0) == MARK) {
                        throw bad(at, "STOP on a MARK");
                    }
                    return;
                }
                case '(' -> { // MARK
                    marks.add(stack.size()); // the MARK's own index: popMark removes it with the items above it
                    stack.add(MARK);
                }
                case 'N' -> stack.add(null);
                case 0x88 -> stack.add(Boolean.TRUE);
                case 0x89 -> stack.add(Boolean.FALSE);
                case 'J' -> stack.add((long) (int) le(4));
                case 'K' -> stack.add((long) u8());
                case 'M' -> stack.add(le(2));
                case 0x8a -> { // LONG1
                    int n = u8();
                    if (n > 8) {
                        throw bad(at, "an integer of " + n + " bytes");
                    }
                    long v = le(n);
                    if (n > 0 && n < 8 && (v & (1L << (8 * n - 1))) != 0) {
                        v |= -1L << (8 * n); // sign-extend
                    }
                    stack.add(v);
                }
                case 'G' -> { // BINFLOAT, big-endian
                    long bits = Long.reverseBytes(le(8));
                    stack.add(Double.longBitsToDouble(bits));
                }
                case 'X' -> stack.add(utf8(at, le(4)));
                case 0x8c -> stack.add(utf8(at, u8())); // SHORT_BINUNICODE
                case ')' -> stack.add(new Tup(new Object[0]));
                case 't' -> stack.add(new Tup(popMark(at).toArray()));
                case 0x85 -> stack.add(new Tup(new Object[] {pop(at)}));
                case 0x86 -> {
                    Object y = pop(at);
                    Object x = pop(at);
                    stack.add(new Tup(new Object[] {x, y}));
                }
                case 0x87 -> {
                    Object z = pop(at);
                    Object y = pop(at);
                    Object x = pop(at);
                    stack.add(new Tup(new Object[] {x, y, z}));
                }
                case ']' -> stack.add(new ArrayList<>());
                case 'l' -> stack.add(new ArrayList<>(popMark(at)));
                case 'a' -> {
                    Object v = pop(at);
                    list(at, top(at)).add(v);
                }
                case 'e' -> {
                    List<Object> items = popMark(at);
                    list(at, top(at)).addAll(items);
                }
                case '}' -> stack.add(new Dict());
                case 'd' -> {
                    List<Object> items = popMark(at);
                    Dict d = new Dict();
                    addPairs(at, d, items);
                    stack.add(d);
                }
                case 's' -> {
                    Object v = pop(at);
                    Object k = pop(at);
                    addPairs(at, dict(at, top(at)), java.util.Arrays.asList(k, v));
                }
                case 'u' -> {
                    List<Object> items = popMark(at);
                    addPairs(at, dict(at, top(at)), items);
                }
                case 'q' -> memoPut(at, u8());
                case 'r' -> memoPut(at, le(4));
                case 0x94 -> memoPut(at, memo.size()); // MEMOIZE
                case 'h' -> stack.add(memoGet(at, u8()));
                case 'j' -> stack.add(memoGet(at, le(4)));
                case 'c' -> stack.add(global(at, line(at), line(at)));
                case 0x81 -> { // NEWOBJ
                    Object args = pop(at);
                    Object cls = pop(at);
                    if (!(cls instanceof Global g) || !g.module().startsWith("__torch__")) {
                        throw bad(at, "NEWOBJ of " + describe(cls) + "; only __torch__ classes may be created");
                    }
                    if (!(args instanceof Tup t) || t.items().length != 0) {
                        throw bad(at, "NEWOBJ with arguments");
                    }
                    stack.add(new Obj(g));
                }
                case 'b' -> { // BUILD
                    Object state = pop(at);
                    Object target = top(at);
                    if (!(target instanceof Obj o)) {
                        throw bad(at, "BUILD on " + describe(target) + "; only __torch__ objects take a state");
                    }
                    if (state == MARK) {
                        throw bad(at, "BUILD with a MARK as state");
                    }
                    o.state = state;
                }
                case 'R' -> { // REDUCE
                    Object args = pop(at);
                    Object fn = pop(at);
                    stack.add(reduce(at, fn, args));
                }
                case 'Q' -> stack.add(persistent(at, pop(at)));
                default -> throw bad(at, String.format("opcode 0x%02x is not one TorchScript archives use", op));
            }
        }
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(int at, Object o) {
        if (o instanceof ArrayList<?> l) {
            return (List<Object>) l;
        }
        throw bad(at, "APPEND to " + describe(o));
    }

    private Dict dict(int at, Object o) {
        if (o instanceof Dict d) {
            return d;
        }
        throw bad(at, "SETITEM on " + describe(o));
    }

    private void addPairs(int at, Dict d, List<Object> items) {
        if (items.size() % 2 != 0) {
            throw bad(at, "an odd number of dict items");
        }
        for (int i = 0; i < items.size(); i += 2) {
            if (items.get(i) == MARK || items.get(i + 1) == MARK) {
                throw bad(at, "a MARK inside a dict");
            }
            d.keys.add(items.get(i));
            d.values.add(items.get(i + 1));
        }
    }

    private Global global(int at, String module, String name) {
        boolean ok;
        if (module.equals("__torch__") || module.startsWith("__torch__.")) {
            ok = dotted(module) && CLASS_PART.matcher(name).matches();
        } else {
            ok = switch (module) {
                case "torch" -> STORAGE_TYPES.containsKey(name) || name.equals("device");
                case "torch._utils" -> name.equals("_rebuild_tensor_v2") || name.equals("_rebuild_qtensor");
                case "collections" -> name.equals("OrderedDict");
                case "torch.jit._pickle" -> switch (name) {
                    case "build_intlist", "build_doublelist", "build_boollist", "build_tensorlist", "restore_type_tag" -> true;
                    default -> false;
                };
                default -> false;
            };
        }
        if (!ok) {
            throw bad(at, "GLOBAL " + printable(module) + " " + printable(name) + " is not allowed");
        }
        if (!allowTensors && !module.equals("torch.jit._pickle")) {
            throw bad(at, "GLOBAL " + module + " " + name + " in a debug pickle");
        }
        return new Global(module, name);
    }

    private static boolean dotted(String module) {
        for (String part : module.split("\\.", -1)) {
            if (!CLASS_PART.matcher(part).matches()) {
                return false;
            }
        }
        return true;
    }

    private Object reduce(int at, Object fn, Object argsObj) {
        if (!(fn instanceof Global g)) {
            throw bad(at, "REDUCE of " + describe(fn));
        }
        if (!(argsObj instanceof Tup t)) {
            throw bad(at, "REDUCE of " + g.qualified() + " without an argument tuple");
        }
        Object[] a = t.items();
        switch (g.qualified()) {
            case "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_qtensor" -> {
                boolean q = g.name().equals("_rebuild_qtensor");
                if (a.length < (q ? 7 : 6) || a.length > (q ? 7 : 7)) {
                    throw bad(at, g.name() + " with " + a.length + " arguments");
                }
                int hooks = q ? 6 : 5;
                if (!(a[hooks] instanceof Dict d) || !d.keys.isEmpty()) {
                    throw bad(at, g.name() + " with backward hooks");
                }
                if (!(a[q ? 5 : 4] instanceof Boolean)) {
                    throw bad(at, g.name() + ": requires_grad is not a boolean");
                }
                if (q) {
                    quantizer(at, a[4]);
                }
                return tensor(at, a[0], a[1], a[2], a[3]);
            }
            case "collections.OrderedDict" -> {
                if (a.length != 0) {
                    throw bad(at, "OrderedDict with arguments");
                }
                return new Dict();
            }
            case "torch.jit._pickle.build_intlist", "torch.jit._pickle.build_doublelist",
                    "torch.jit._pickle.build_boollist", "torch.jit._pickle.build_tensorlist" -> {
                if (a.length != 1 || !(a[0] instanceof ArrayList<?> l)) {
                    throw bad(at, g.name() + " without a list");
                }
                Class<?> want = switch (g.name()) {
                    case "build_intlist" -> Long.class;
                    case "build_doublelist" -> Double.class;
                    case "build_boollist" -> Boolean.class;
                    default -> Tensor.class;
                };
                for (Object o : l) {
                    if (o == null || !want.isInstance(o)) {
                        throw bad(at, g.name() + " with " + describe(o));
                    }
                }
                return l;
            }
            case "torch.jit._pickle.restore_type_tag" -> {
                if (a.length != 2 || !(a[1] instanceof String)) {
                    throw bad(at, "restore_type_tag without a type name");
                }
                if (a[0] == MARK) {
                    throw bad(at, "restore_type_tag of a MARK");
                }
                return a[0];
            }
            case "torch.device" -> {
                if (a.length != 1 || !(a[0] instanceof String s) || !LOCATION.matcher(s).matches()) {
                    throw bad(at, "torch.device of " + (a.length == 1 ? describe(a[0]) : a.length + " arguments"));
                }
                return s;
            }
            default -> throw bad(at, "REDUCE of " + g.qualified() + " is not allowed");
        }
    }

    private void quantizer(int at, Object params) {
        if (!(params instanceof Tup t) || t.items().length < 1 || t.items().length > 4) {
            throw bad(at, "_rebuild_qtensor with bad quantizer parameters");
        }
        for (Object o : t.items()) {
            if (!(o instanceof Long || o instanceof Double || o instanceof Tensor)) {
                throw bad(at, "_rebuild_qtensor with a quantizer parameter of " + describe(o));
            }
        }
    }

    private Storage persistent(int at, Object pid) {
        if (!allowTensors) {
            throw bad(at, "a persistent id in a debug pickle");
        }
        if (!(pid instanceof Tup t) || t.items().length != 5) {
            throw bad(at, "a persistent id that is not ('storage', type, key, location, size)");
        }
        Object[] a = t.items();
        if (!"storage".equals(a[0]) || !(a[1] instanceof Global g) || !g.module().equals("torch")
                || !STORAGE_TYPES.containsKey(g.name())) {
            throw bad(at, "a persistent id that is not ('storage', torch.<Type>Storage, ...)");
        }
        if (!(a[2] instanceof String key) || !STORAGE_KEY.matcher(key).matches()) {
            throw bad(at, "a storage key that is not a plain name: " + describe(a[2]));
        }
        if (!(a[3] instanceof String loc) || !LOCATION.matcher(loc).matches()) {
            throw bad(at, "storage " + key + " on an unknown device: " + describe(a[3]));
        }
        if (!(a[4] instanceof Long n) || n < 0) {
            throw bad(at, "storage " + key + " with a size of " + describe(a[4]));
        }
        int es = STORAGE_TYPES.get(g.name());
        if (n > Long.MAX_VALUE / es) {
            throw bad(at, "storage " + key + " of " + n + " elements");
        }
        Storage s = new Storage(g.name(), es, key, loc, n);
        Storage seen = storages.putIfAbsent(key, s);
        if (seen != null && (!seen.type().equals(s.type()) || seen.numel() != s.numel())) {
            throw bad(at, "storage " + key + " declared twice, as " + seen.numel() + " " + seen.type() + " and as "
                    + s.numel() + " " + s.type());
        }
        return seen != null ? seen : s;
    }

    private Tensor tensor(int at, Object storage, Object offset, Object sizes, Object strides) {
        if (!(storage instanceof Storage s)) {
            throw bad(at, "a tensor without a storage");
        }
        if (!(offset instanceof Long off) || off < 0) {
            throw bad(at, "tensor on storage " + s.key() + " with a storage offset of " + describe(offset));
        }
        long[] size = longs(at, sizes, "sizes");
        long[] stride = longs(at, strides, "strides");
        if (size.length != stride.length) {
            throw bad(at, "tensor on storage " + s.key() + " with " + size.length + " sizes and " + stride.length
                    + " strides");
        }
        long numel = 1;
        long last = off; // index of the last element the view reads
        try {
            for (int i = 0; i < size.length; i++) {
                numel = Math.multiplyExact(numel, size[i]);
            }
            if (numel > 0) {
                for (int i = 0; i < size.length; i++) {
                    last = Math.addExact(last, Math.multiplyExact(size[i] - 1, stride[i]));
                }
            }
        } catch (ArithmeticException e) {
            throw bad(at, "tensor on storage " + s.key() + " whose extent overflows (sizes " + Arrays.toString(size)
                    + ", strides " + Arrays.toString(stride) + ")");
        }
        if (numel > 0 && last >= s.numel()) {
            throw bad(at, "tensor on storage " + s.key() + " reads element " + last + " (offset " + off + ", sizes "
                    + Arrays.toString(size) + ", strides " + Arrays.toString(stride) + ") but the storage holds "
                    + s.numel());
        }
        if (numel > Math.max(1, s.numel())) {
            throw bad(at, "tensor on storage " + s.key() + " has " + numel + " elements, more than its storage's "
                    + s.numel() + " (a stride-0 expansion)");
        }
        Tensor t = new Tensor(s, off, size, stride);
        tensors.add(t);
        return t;
    }

    private long[] longs(int at, Object o, String what) {
        if (!(o instanceof Tup t)) {
            throw bad(at, "tensor " + what + " that are not a tuple");
        }
        if (t.items().length > MAX_RANK) {
            throw bad(at, "a tensor of rank " + t.items().length + " (at most " + MAX_RANK + ")");
        }
        long[] r = new long[t.items().length];
        for (int i = 0; i < r.length; i++) {
            if (!(t.items()[i] instanceof Long v) || v < 0) {
                throw bad(at, "tensor " + what + " with " + describe(t.items()[i]));
            }
            r[i] = v;
        }
        return r;
    }

    private static String describe(Object o) {
        if (o == null) {
            return "None";
        }
        if (o instanceof Global g) {
            return printable(g.qualified());
        }
        if (o instanceof Long || o instanceof Double || o instanceof Boolean) {
            return o.toString();
        }
        if (o instanceof String s) {
            return "'" + printable(s) + "'";
        }
        if (o == MARK) {
            return "a MARK";
        }
        return "a " + o.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    }

    /** At most 60 characters, control characters escaped: safe to put in a one-line message. */
    static String printable(String s) {
        StringBuilder r = new StringBuilder();
        for (int i = 0; i < s.length() && r.length() < 60; i++) {
            char c = s.charAt(i);
            r.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return s.length() > 60 ? r + "..." : r.toString();
    }
}
