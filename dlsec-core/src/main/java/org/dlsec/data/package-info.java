/**
 * Datasets: data sources by built-in name or path (image folders streamed from disk, CSV, NumPy
 * .npz/.npy, IDX pairs), the bundled and external benchmark datasets, seeded splits and subsets, input
 * bounds, and conversion of batches to NDArrays. Besides the JDK's ImageIO / java.awt.image it uses
 * only DJL's ndarray API and Jackson's CSV parser. May import: core.
 */
package org.dlsec.data;
