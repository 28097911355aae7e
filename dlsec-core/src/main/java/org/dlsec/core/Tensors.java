package org.dlsec.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The only way dlsec turns Java data into NDArrays: every array made here owns its native memory.
 *
 * <p>DJL's PyTorch engine wraps Java data with {@code torch::from_blob} over a direct
 * {@code ByteBuffer} that only the one {@code NDArray} object keeps reachable. Two things go wrong
 * with that: native memory is returned only when the GC collects the buffer (a long run grows its
 * RSS, measured +30 MiB per pass over MNIST), and anything that outlives the array object — a
 * view ({@code reshape}, {@code broadcast}, slices) or a tensor autograd saved for the backward pass
 * (the other operand of {@code mul}/{@code div}) — reads memory that the GC frees and the next
 * allocation reuses. Here the data goes through one reusable direct buffer per thread and is
 * cloned into tensor-owned memory, which {@code close()} frees at once and views keep alive.
 *
 * <p>The same hazard hides in DJL's {@code NDArray.mul(Number)}, {@code div(Number)},
 * {@code pow(Number)}, {@code maximum(Number)} and {@code minimum(Number)}: they wrap the number
 * with {@code from_blob} and close it right away, so on an array that records gradients the saved
 * operand can be freed before the backward pass. Code under autograd multiplies by
 * {@link #scalar} instead. {@code ArchitectureTest} checks that no other code creates arrays from
 * Java data.
 *
 * <p>Writing into an existing array has the mirror hazard: DJL's {@code NDArray.set(Buffer)} (and
 * {@code set(float[])}, {@code copyTo}) makes the tensor's storage a non-owning pointer into a direct
 * buffer that only that one NDArray object keeps reachable. For a model's parameter or its gradient
 * the tensor outlives the object (the module holds it), so once the object is closed and the GC frees
 * the buffer, the model computes with freed memory and the next in-place update (a backward pass
 * adding into a gradient) writes into glibc's heap. {@link #overwrite} and {@link #zero} copy into
 * the array's own memory instead; {@code TensorCreationRuleTest} keeps {@code set(Buffer)} out.
 */
public final class Tensors {
    private static final ThreadLocal<ByteBuffer> STAGING = new ThreadLocal<>();

    private Tensors() {}

    private static ByteBuffer staging(long bytes) {
        int size = Math.toIntExact(bytes);
        ByteBuffer b = STAGING.get();
        if (b == null || b.capacity() < size) {
            b = ByteBuffer.allocateDirect(Math.max(size, 1 << 16)).order(ByteOrder.nativeOrder());
            STAGING.set(b);
        }
        b.clear();
        return b;
    }

    /** Clones the first {@code bytes} of the staging buffer, viewed as {@code shape} of {@code type}, into owned memory. */
    private static NDArray owned(NDManager manager, ByteBuffer b, long bytes, Shape shape, DataType type) {
        b.position(0);
        b.limit(Math.toIntExact(bytes));
        try (NDArray view = manager.create(b, shape, type)) {
            return view.duplicate();
        }
    }

    /**
     * Copies {@code values} (as many as {@code target} has elements, in row-major order) into
     * {@code target}'s own native memory, leaving its storage, shape and gradient state as they are.
     *
     * @param target the array to write into; must have exactly {@code values.length} elements; stays open
     * @param values the new values in row-major order
     * @throws IllegalArgumentException when the sizes differ
     */
    public static void overwrite(NDArray target, float[] values) {
        if (target.size() != values.length) {
            throw new IllegalArgumentException("cannot write " + values.length + " values into an array of shape "
                    + target.getShape());
        }
        try (NDManager scope = target.getManager().newSubManager()) {
            target.set(new NDIndex("..."), floats(scope, values, target.getShape()));
        }
    }

    /**
     * Sets every element of {@code target} to 0 in its own native memory (works on NaN and infinities too).
     *
     * @param target the array to clear; stays open
     */
    public static void zero(NDArray target) {
        target.set(new NDIndex("..."), 0f);
    }

    /**
     * A float32 array of {@code shape} holding {@code data[offset .. offset+shape.size())}.
     *
     * @param manager the manager that owns (and closes) the new array
     * @param data the source values; not kept
     * @param offset the index of the first value copied
     * @param shape the shape of the new array; {@code shape.size()} values are copied
     * @return a new array that owns its native memory; the caller closes it, or its manager does
     * @throws IndexOutOfBoundsException when {@code data} holds fewer than {@code offset + shape.size()} values
     */
    public static NDArray floats(NDManager manager, float[] data, int offset, Shape shape) {
        int n = Math.toIntExact(shape.size());
        ByteBuffer b = staging(n * 4L);
        b.asFloatBuffer().put(data, offset, n);
        return owned(manager, b, n * 4L, shape, DataType.FLOAT32);
    }

    /**
     * A float32 array of {@code shape} holding {@code data} from its start.
     *
     * @param manager the manager that owns (and closes) the new array
     * @param data the source values, at least {@code shape.size()} of them; not kept
     * @param shape the shape of the new array
     * @return a new array that owns its native memory; the caller closes it, or its manager does
     */
    public static NDArray floats(NDManager manager, float[] data, Shape shape) {
        return floats(manager, data, 0, shape);
    }

    /**
     * A float32 vector holding {@code data}.
     *
     * @param manager the manager that owns (and closes) the new array
     * @param data the source values; not kept
     * @return a new array of shape ({@code data.length}) that owns its native memory
     */
    public static NDArray floats(NDManager manager, float[] data) {
        return floats(manager, data, 0, new Shape(data.length));
    }

    /**
     * An int64 vector holding {@code data}.
     *
     * @param manager the manager that owns (and closes) the new array
     * @param data the source values; not kept
     * @return a new array of shape ({@code data.length}) that owns its native memory
     */
    public static NDArray longs(NDManager manager, long[] data) {
        ByteBuffer b = staging(data.length * 8L);
        b.asLongBuffer().put(data);
        return owned(manager, b, data.length * 8L, new Shape(data.length), DataType.INT64);
    }

    /**
     * An int64 vector holding {@code data} widened.
     *
     * @param manager the manager that owns (and closes) the new array
     * @param data the source values; not kept
     * @return a new int64 array of shape ({@code data.length}) that owns its native memory
     */
    public static NDArray longs(NDManager manager, int[] data) {
        ByteBuffer b = staging(data.length * 8L);
        for (int v : data) {
            b.putLong(v);
        }
        return owned(manager, b, data.length * 8L, new Shape(data.length), DataType.INT64);
    }

    /**
     * A boolean vector holding {@code data}.
     *
     * @param manager the manager that owns (and closes) the new array
     * @param data the source values; not kept
     * @return a new array of shape ({@code data.length}) that owns its native memory
     */
    public static NDArray booleans(NDManager manager, boolean[] data) {
        ByteBuffer b = staging(data.length);
        for (boolean v : data) {
            b.put((byte) (v ? 1 : 0));
        }
        return owned(manager, b, data.length, new Shape(data.length), DataType.BOOLEAN);
    }

    /**
     * A float32 scalar (shape ()) that owns its memory; use it for arithmetic on arrays that record gradients.
     *
     * @param manager the manager that owns (and closes) the new array
     * @param value the scalar's value
     * @return a new 0-dimensional array that owns its native memory
     */
    public static NDArray scalar(NDManager manager, float value) {
        ByteBuffer b = staging(4);
        b.putFloat(0, value);
        return owned(manager, b, 4, new Shape(), DataType.FLOAT32);
    }
}
