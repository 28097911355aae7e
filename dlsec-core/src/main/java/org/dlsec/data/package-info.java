/**
 * Datasets: data sources by built-in name or path (image folders streamed from disk, CSV, NumPy
 * .npz/.npy, IDX pairs), the bundled and external benchmark datasets, seeded splits and subsets, input
 * bounds, and conversion of batches to NDArrays. Besides the JDK's ImageIO / java.awt.image it uses
 * only DJL's ndarray API and Jackson's CSV parser. May import: core.
 *
 * <p>Example: the MNIST training split with a seeded validation part, a CSV file, and one batch as
 * NDArrays. Datasets are immutable and hold no native memory; the arrays belong to the manager given.
 * <pre>{@code
 * Dataset train = Datasets.load("mnist", "train", Optional.empty());
 * Dataset[] parts = train.splitValidation(0.1, 42L);           // {train, validation}
 * Dataset iris = DataSource.open("iris.csv", SourceOptions.of("train", Optional.empty()));
 * try (NDManager manager = NDManager.newBaseManager()) {
 *     NDArray x = parts[0].images(manager, 0, 64);             // (64, 1, 28, 28), values in [0, 1]
 *     NDArray y = parts[0].labels(manager, 0, 64);             // (64) int64
 * }
 * }</pre>
 */
package org.dlsec.data;
