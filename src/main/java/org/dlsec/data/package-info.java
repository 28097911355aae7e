/**
 * Datasets: the IDX reader, the bundled and external benchmark datasets, seeded splits and subsets,
 * and conversion of batches to NDArrays. May import {@code org.dlsec.core} and DJL's ndarray API only.
 */
package org.dlsec.data;
