package org.dlsec.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.dlsec.core.DlsecException;

/** Opening Spark contexts, and turning failed jobs into one clear line. */
final class Contexts {
    private Contexts() {}

    /**
     * A Spark context at {@code master} (Spark settings also come from {@code spark.*} system
     * properties, as under spark-submit); the one already running in this JVM when there is one.
     */
    static Owned open(String master, String appName) {
        DlsecException.require(master != null && !master.isBlank(), "--spark", "needs a master URL, e.g. local[2]");
        SparkConf conf = new SparkConf().setAppName(appName).setMaster(master);
        conf.setIfMissing("spark.ui.enabled", "false");
        if (conf.get("spark.master").startsWith("local")) {
            // local mode needs no network: keep the driver's sockets on loopback
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
        }
        try {
            SparkContext sc = SparkContext.getOrCreate(conf);
            return new Owned(JavaSparkContext.fromSparkContext(sc), true);
        } catch (RuntimeException e) {
            throw new DlsecException("cannot start Spark at '" + master + "': " + e.getMessage(), e);
        }
    }

    /** A context and whether closing this owner stops it. */
    record Owned(JavaSparkContext sc, boolean stopOnClose) implements AutoCloseable {
        @Override
        public void close() {
            if (stopOnClose) {
                sc.stop();
            }
        }
    }

    /** A failed job as one clear line (the task's own error, without Spark's stack dump); other errors unchanged. */
    static RuntimeException failed(String what, Exception e) {
        Throwable t = e;
        while (t != null && !(t instanceof SparkException)) {
            t = t.getCause();
        }
        if (t == null) {
            return e instanceof RuntimeException r ? r : new DlsecException(what + " failed: " + e, e);
        }
        String m = String.valueOf(t.getMessage());
        int at = m.indexOf("DlsecException: ");
        String reason = at >= 0 ? m.substring(at + "DlsecException: ".length()) : m;
        int nl = reason.indexOf('\n');
        reason = nl >= 0 ? reason.substring(0, nl) : reason;
        return new DlsecException(what + " failed on Spark: " + reason.trim(), e);
    }
}
