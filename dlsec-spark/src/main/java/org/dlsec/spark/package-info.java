/**
 * Apache Spark backend of dlsec (the {@code dlsec-spark} module): runs an audit's evasion attacks
 * over partitions of the evaluation set and trains shadow models one per task, giving the same
 * per-sample results as a local run. Found by the core through {@link java.util.ServiceLoader}
 * ({@link org.dlsec.audit.ClusterBackend}). Of Spark it uses the RDD API; it never uses the command line.
 * May import: core, data, model, train, attack, audit.
 */
package org.dlsec.spark;
