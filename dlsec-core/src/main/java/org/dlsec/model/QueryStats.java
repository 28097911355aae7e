package org.dlsec.model;

/**
 * What a classifier has been asked since its last reset: samples predicted (queries), prediction
 * calls, samples whose gradient was taken, and gradient calls.
 */
public record QueryStats(long queries, long predictCalls, long gradientSamples, long gradientCalls) {
    /**
     * The counts since an earlier snapshot of the same classifier.
     *
     * @param earlier a snapshot taken before this one
     * @return the component-wise difference
     */
    public QueryStats minus(QueryStats earlier) {
        return new QueryStats(queries - earlier.queries, predictCalls - earlier.predictCalls,
                gradientSamples - earlier.gradientSamples, gradientCalls - earlier.gradientCalls);
    }
}
