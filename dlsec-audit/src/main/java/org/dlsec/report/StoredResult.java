package org.dlsec.report;

/**
 * A result an audit stores in {@code results/<id>.json} as soon as it is done, and reuses on {@code --resume}
 * when its key (model, data, entry, seed, version) matches.
 */
public interface StoredResult {
    /** Unique id in the audit (the stored file's name). */
    String id();

    /** What a stored result must match to be reused. */
    String key();
}
