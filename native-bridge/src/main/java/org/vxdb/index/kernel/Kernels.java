package org.vxdb.index.kernel;

import java.util.Locale;

/**
 * Picks the distance kernels once: the Vector API when {@code jdk.incubator.vector} is in the boot
 * layer, scalar loops otherwise. {@code -Dvxdb.kernels=scalar|panama} forces a choice.
 */
public final class Kernels {

    public static final String PROPERTY = "vxdb.kernels";

    private static final VectorKernels SCALAR = new ScalarKernels();
    private static final Choice CHOICE = choose();

    private Kernels() {
    }

    /** A choice of kernels and why it was made. */
    public record Choice(VectorKernels kernels, String reason) {
    }

    public static VectorKernels best() {
        return CHOICE.kernels();
    }

    public static Choice choice() {
        return CHOICE;
    }

    public static VectorKernels scalar() {
        return SCALAR;
    }

    /** The Vector API kernels; throws if the incubator module is not in the boot layer. */
    public static VectorKernels panama() {
        if (!vectorModulePresent()) {
            throw new IllegalStateException("jdk.incubator.vector is not in the boot layer: start the JVM with "
                    + "--add-modules jdk.incubator.vector");
        }
        return new PanamaKernels();
    }

    private static boolean vectorModulePresent() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    private static Choice choose() {
        String forced = System.getProperty(PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
        switch (forced) {
            case "scalar":
                return new Choice(SCALAR, "forced by -D" + PROPERTY + "=scalar");
            case "panama":
                return new Choice(panama(), "forced by -D" + PROPERTY + "=panama, " + PanamaKernels.bits() + "-bit");
            case "auto":
                if (vectorModulePresent()) {
                    return new Choice(new PanamaKernels(), "Vector API, " + PanamaKernels.bits() + "-bit vectors");
                }
                return new Choice(SCALAR, "jdk.incubator.vector not in the boot layer (add --add-modules "
                        + "jdk.incubator.vector for the Vector API kernels)");
            default:
                throw new IllegalArgumentException("-D" + PROPERTY + "=" + forced
                        + " is not one of auto, scalar, panama");
        }
    }
}
