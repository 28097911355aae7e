package org.dlsec.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.dlsec.model.Engines;
import org.junit.jupiter.api.Test;

/**
 * Arrays from {@link Tensors} own their memory: a view and an autograd-saved operand stay valid
 * after the array that made them is closed and the GC has run, while the staging buffer is reused
 * for other data.
 */
class TensorsTest {
    @Test
    void viewsAndSavedOperandsOutliveTheirArray() {
        try (NDManager m = Engines.newManager()) {
            NDArray a = Tensors.floats(m, new float[] {1, 2, 3, 4, 5, 6}, new Shape(2, 3));
            NDArray view = a.reshape(3, 2);
            a.close();
            NDArray factor = Tensors.scalar(m, 3f);
            NDArray x = Tensors.floats(m, new float[] {1, -2});
            x.setRequiresGradient(true);
            NDArray g;
            try (GradientCollector gc = Engines.engine().newGradientCollector()) {
                NDArray y = x.mul(factor).sum();
                factor.close();
                for (int i = 0; i < 5; i++) {
                    System.gc();
                    // reuse the staging buffer and the allocator with other values
                    Tensors.floats(m, new float[] {-9, -9, -9, -9, -9, -9}, new Shape(6)).close();
                    Tensors.scalar(m, -7f).close();
                }
                gc.backward(y);
                g = x.getGradient();
            }
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, view.toFloatArray());
            assertArrayEquals(new float[] {3, 3}, g.toFloatArray());
        }
    }

    @Test
    void everyKindHasItsTypeShapeAndValues() {
        try (NDManager m = Engines.newManager()) {
            NDArray l = Tensors.longs(m, new int[] {3, -1, 7});
            assertEquals(DataType.INT64, l.getDataType());
            assertArrayEquals(new long[] {3, -1, 7}, l.toLongArray());
            assertArrayEquals(new long[] {5, 6}, Tensors.longs(m, new long[] {5, 6}).toLongArray());
            NDArray b = Tensors.booleans(m, new boolean[] {true, false, true});
            assertEquals(DataType.BOOLEAN, b.getDataType());
            assertArrayEquals(new boolean[] {true, false, true}, b.toBooleanArray());
            NDArray s = Tensors.scalar(m, 2.5f);
            assertEquals(new Shape(), s.getShape());
            assertEquals(2.5f, s.getFloat());
            NDArray f = Tensors.floats(m, new float[] {0, 1, 2, 3, 4}, 1, new Shape(2, 2));
            assertArrayEquals(new float[] {1, 2, 3, 4}, f.toFloatArray());
        }
    }
}
