package org.dlsec.spark;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.dlsec.attack.evasion.AttackResult;
import org.dlsec.attack.evasion.Knowledge;
import org.dlsec.core.Json;

/**
 * An {@link AttackResult} as bytes, to travel from a task back to the driver (the record is not
 * serialisable, and Spark's serialisers cannot build records). Every per-sample array, including
 * the adversarial examples, round-trips bit for bit; the parameters travel as JSON.
 */
final class ResultCodec {
    private ResultCodec() {}

    static byte[] encode(AttackResult r) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream o = new DataOutputStream(bytes)) {
            o.writeUTF(r.attack());
            o.writeUTF(r.knowledge().name());
            o.writeBoolean(r.targeted());
            byte[] params = Json.MAPPER.writeValueAsBytes(r.parameters());
            o.writeInt(params.length);
            o.write(params);
            longs(o, r.sampleShape());
            longs(o, r.sampleIds());
            ints(o, r.labels());
            o.writeBoolean(r.targets() != null);
            if (r.targets() != null) {
                ints(o, r.targets());
            }
            ints(o, r.cleanPredictions());
            ints(o, r.adversarialPredictions());
            bools(o, r.success());
            bools(o, r.failed());
            doubles(o, r.l0());
            doubles(o, r.l2());
            doubles(o, r.linf());
            longs(o, r.queries());
            longs(o, r.gradients());
            doubles(o, r.seconds());
            o.writeInt(r.adversarial().length);
            for (float f : r.adversarial()) {
                o.writeFloat(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static AttackResult decode(byte[] b) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(b))) {
            String attack = in.readUTF();
            Knowledge knowledge = Knowledge.valueOf(in.readUTF());
            boolean targeted = in.readBoolean();
            byte[] params = new byte[in.readInt()];
            in.readFully(params);
            @SuppressWarnings("unchecked")
            Map<String, Object> parameters = Json.MAPPER.readValue(params, Map.class);
            long[] shape = longs(in);
            long[] ids = longs(in);
            int[] labels = ints(in);
            int[] targets = in.readBoolean() ? ints(in) : null;
            int[] clean = ints(in);
            int[] adv = ints(in);
            boolean[] success = bools(in);
            boolean[] failed = bools(in);
            double[] l0 = doubles(in);
            double[] l2 = doubles(in);
            double[] linf = doubles(in);
            long[] queries = longs(in);
            long[] gradients = longs(in);
            double[] seconds = doubles(in);
            float[] x = new float[in.readInt()];
            for (int i = 0; i < x.length; i++) {
                x[i] = in.readFloat();
            }
            return new AttackResult(attack, knowledge, targeted, parameters, shape, ids, labels, targets, clean, adv, success,
                    failed, l0, l2, linf, queries, gradients, seconds, x);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void longs(DataOutputStream o, long[] v) throws IOException {
        o.writeInt(v.length);
        for (long x : v) {
            o.writeLong(x);
        }
    }

    private static void ints(DataOutputStream o, int[] v) throws IOException {
        o.writeInt(v.length);
        for (int x : v) {
            o.writeInt(x);
        }
    }

    private static void doubles(DataOutputStream o, double[] v) throws IOException {
        o.writeInt(v.length);
        for (double x : v) {
            o.writeDouble(x);
        }
    }

    private static void bools(DataOutputStream o, boolean[] v) throws IOException {
        o.writeInt(v.length);
        for (boolean x : v) {
            o.writeBoolean(x);
        }
    }

    private static long[] longs(DataInputStream in) throws IOException {
        long[] v = new long[in.readInt()];
        for (int i = 0; i < v.length; i++) {
            v[i] = in.readLong();
        }
        return v;
    }

    private static int[] ints(DataInputStream in) throws IOException {
        int[] v = new int[in.readInt()];
        for (int i = 0; i < v.length; i++) {
            v[i] = in.readInt();
        }
        return v;
    }

    private static double[] doubles(DataInputStream in) throws IOException {
        double[] v = new double[in.readInt()];
        for (int i = 0; i < v.length; i++) {
            v[i] = in.readDouble();
        }
        return v;
    }

    private static boolean[] bools(DataInputStream in) throws IOException {
        boolean[] v = new boolean[in.readInt()];
        for (int i = 0; i < v.length; i++) {
            v[i] = in.readBoolean();
        }
        return v;
    }
}
