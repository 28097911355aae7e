package org.dlsec.core;

/**
 * One numerical accident of an optimisation (an attack's iterate, a detector's trigger, a training
 * batch) that dlsec recovered from instead of stopping the run: what went non-finite, where, and
 * what was done about it. Results carry a list of these and reports print them, so a figure that
 * rests on a recovered or skipped sample can be told apart from one that does not.
 *
 * @param method the method's name as in the results, e.g. {@code cw}, {@code neural-cleanse}
 * @param subject what was being optimised, e.g. {@code sample 12}, {@code class 3}, {@code batch 7 of epoch 2}
 * @param step the iteration (or update) at which it happened, 0-based; −1 when not applicable
 * @param problem what was not finite, e.g. {@code non-finite gradient}
 * @param action what was done, e.g. {@code restarted from the last finite point with step 0.025}
 */
public record NumericalIssue(String method, String subject, int step, String problem, String action) {
    /**
     * Checks that every text component is present.
     *
     * @param method the method's name as in the results, e.g. {@code cw}, {@code neural-cleanse}
     * @param subject what was being optimised, e.g. {@code sample 12}, {@code class 3}, {@code batch 7 of epoch 2}
     * @param step the iteration (or update) at which it happened, 0-based; −1 when not applicable
     * @param problem what was not finite, e.g. {@code non-finite gradient}
     * @param action what was done, e.g. {@code restarted from the last finite point with step 0.025}
     * @throws IllegalArgumentException when {@code method}, {@code subject}, {@code problem} or {@code action} is null
     */
    public NumericalIssue {
        if (method == null || subject == null || problem == null || action == null) {
            throw new IllegalArgumentException("a numerical issue needs its method, subject, problem and action");
        }
    }

    /**
     * Console lines for {@code issues}: "recovered: ..." for the first {@code max}, then one line saying how many
     * more there are (the JSON has them all).
     *
     * @param issues the issues to print, in order
     * @param max how many to print one by one, at least 0
     * @return at most {@code max + 1} lines
     */
    public static java.util.List<String> lines(java.util.List<NumericalIssue> issues, int max) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < issues.size() && i < max; i++) {
            out.add("recovered: " + issues.get(i).describe());
        }
        if (issues.size() > max) {
            out.add("recovered: ... and " + (issues.size() - max) + " more numerical issues (listed in the JSON)");
        }
        return out;
    }

    /**
     * One line for logs and console summaries.
     *
     * @return {@code "method: subject, step n: problem; action"} (the step left out when it is −1)
     */
    public String describe() {
        return method + ": " + subject + (step >= 0 ? ", step " + step : "") + ": " + problem + "; " + action;
    }
}
