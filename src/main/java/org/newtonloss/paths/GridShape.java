package org.newtonloss.paths;

/**
 * An H×W grid of vertex costs, row-major (cell (r, q) is index r·W + q), start top-left (index 0), target
 * bottom-right (index H·W − 1). Path losses receive m = H·W values per sample and take square grids by default.
 *
 * @param rows    H, at least 1
 * @param columns W, at least 1
 */
public record GridShape(int rows, int columns) {
    /** The eight neighbour offsets (Δrow, Δcolumn): the 3×3 window read row by row without its centre. */
    static final int[] DROW = {-1, -1, -1, 0, 0, 1, 1, 1};
    static final int[] DCOL = {-1, 0, 1, -1, 1, -1, 0, 1};

    public GridShape {
        if (rows < 1) throw new IllegalArgumentException("grid rows must be >= 1, got " + rows);
        if (columns < 1) throw new IllegalArgumentException("grid columns must be >= 1, got " + columns);
        if ((long) rows * columns > Integer.MAX_VALUE / 64)
            throw new IllegalArgumentException("grid " + rows + "x" + columns + " is too large");
    }

    /** The square grid with m cells; throws naming m when m is not a perfect square ≥ 1. */
    public static GridShape square(int m) {
        int side = (int) Math.round(Math.sqrt(Math.max(0, m)));
        if (m < 1 || side * side != m)
            throw new IllegalArgumentException("m = " + m + " is not the cell count of a square grid (side*side)");
        return new GridShape(side, side);
    }

    /** H·W. */
    public int cells() { return rows * columns; }

    /** Index of the target cell, H·W − 1. */
    public int target() { return rows * columns - 1; }

    @Override public String toString() { return rows + "x" + columns; }
}
