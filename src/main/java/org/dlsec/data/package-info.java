/**
 * Datasets: data sources by built-in name or path (image folders streamed from disk, CSV, NumPy
 * .npz/.npy, IDX pairs), the bundled and external benchmark datasets, seeded splits and subsets, input
 * bounds, and conversion of batches to NDArrays. May import {@code org.dlsec.core}, DJL's ndarray API,
 * Jackson's CSV parser, and the JDK's ImageIO / java.awt.image only.
 */
package org.dlsec.data;
