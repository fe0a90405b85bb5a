package org.newtonloss.io;

import java.util.Set;

/**
 * The two IN.json layouts of DESIGN.md and the loss families that read each. Ranking files hold
 * {@code {"scores": [[n]...], "targets": [[n]...]}}; path files hold {@code {"costs": [[k*k]...], "paths": [[k*k]...]}}
 * (row-major k×k grids, 0/1 paths).
 */
public enum InputKind {
    RANKING("scores", "targets", 2),
    PATHS("costs", "paths", 4);

    /** The SPEC families of DESIGN.md whose inputs are grid costs (everything else reads scores). */
    private static final Set<String> PATH_FAMILIES = Set.of("bellman-ford", "smooth-loss", "smooth-algorithm", "fenchel-young");

    private final String inputField;
    private final String targetField;
    private final int minValues;

    InputKind(String inputField, String targetField, int minValues) {
        this.inputField = inputField;
        this.targetField = targetField;
        this.minValues = minValues;
    }

    /** JSON key of the network outputs ({@code scores} or {@code costs}). */
    public String inputField() { return inputField; }

    /** JSON key of the ground truth ({@code targets} or {@code paths}). */
    public String targetField() { return targetField; }

    /** Fewest values per sample that make sense (n ≥ 2 items; a grid of at least 2×2). */
    public int minValues() { return minValues; }

    /** The layout a SPEC family reads. */
    public static InputKind forFamily(String family) {
        return PATH_FAMILIES.contains(family) ? PATHS : RANKING;
    }

    /** Values per sample for a size given on the command line: n for ranking, the grid side squared for paths. */
    public int valuesPerSample(int n) {
        return this == PATHS ? Math.multiplyExact(n, n) : n;
    }
}
