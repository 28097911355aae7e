package org.dlsec.model;

import org.dlsec.core.DlsecException;

/** The valid range of every input value, [min, max]; attacks keep their outputs inside it. */
public record Bounds(float min, float max) {
    public static final Bounds UNIT = new Bounds(0f, 1f);

    public Bounds {
        if (!Float.isFinite(min) || !Float.isFinite(max) || !(min < max)) {
            throw new DlsecException("invalid input bounds [" + min + ", " + max + "]: need finite min < max");
        }
    }

    public float range() {
        return max - min;
    }
}
