package org.newtonloss.experiments;

import org.newtonloss.newton.NewtonOptions;

/** How the free scores of the isolation experiment are updated from one step's loss information. */
public sealed interface Optimizer {

    /** Short label for tables, e.g. {@code gd(lr=10)}. */
    String label();

    /** Plain gradient descent on the per-sample loss: y ← y − lr·g. */
    record GradientDescent(double lr) implements Optimizer {
        public String label() { return "gd(lr=" + fmt(lr) + ")"; }
    }

    /** Adam (β1 = 0.9, β2 = 0.999, ε = 1e-8) on the per-sample gradient. */
    record Adam(double lr) implements Optimizer {
        public String label() { return "adam(lr=" + fmt(lr) + ")"; }
    }

    /**
     * Newton loss: y ← y − lr·(C + λI)⁻¹ g, i.e. gradient descent with rate lr on ½‖z* − y‖²; lr = 1 jumps to z*.
     */
    record Newton(NewtonOptions options, double lr) implements Optimizer {
        public String label() {
            return "newton(" + options.curvature().cliName() + "," + options.safeguard().cliName() + ",λ="
                    + fmt(options.lambda()) + ",lr=" + fmt(lr) + ")";
        }
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e6 ? String.valueOf((long) v) : String.valueOf(v);
    }
}
