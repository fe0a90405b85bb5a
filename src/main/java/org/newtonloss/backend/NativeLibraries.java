package org.newtonloss.backend;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Quiet checks for shared libraries, for availability reasons ("libcuda.so.1 not found"). Never prints, never
 * throws. With native access enabled the dynamic loader itself is asked (exactly what a later load will see);
 * without it, the usual library folders are searched, so that no JVM warning is triggered.
 */
public final class NativeLibraries {
    /** Folders searched when the dynamic loader cannot be asked. */
    private static final List<String> SYSTEM_DIRS = List.of(
            "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib", "/lib",
            "/usr/local/nvidia/lib64", "/usr/lib/wsl/lib", "/usr/local/cuda/lib64",
            "/usr/local/cuda/targets/x86_64-linux/lib");

    private NativeLibraries() {}

    /** Whether {@code soname} (e.g. {@code libcuda.so.1}) can be loaded here. */
    public static boolean isLoadable(String soname) {
        try {
            if (NativeLibraries.class.getModule().isNativeAccessEnabled()) {
                // An auto arena unloads the library again once the lookup is unreachable.
                SymbolLookup.libraryLookup(soname, Arena.ofAuto());
                return true;
            }
            for (String dir : searchPath()) if (Files.exists(Path.of(dir, soname))) return true;
            return false;
        } catch (IllegalArgumentException | IllegalCallerException | SecurityException | UnsatisfiedLinkError e) {
            return false;
        }
    }

    private static List<String> searchPath() {
        List<String> dirs = new ArrayList<>();
        String ld = System.getenv("LD_LIBRARY_PATH");
        if (ld != null) for (String d : ld.split(":")) if (!d.isBlank()) dirs.add(d);
        String cudaHome = System.getenv("CUDA_HOME");
        if (cudaHome != null && !cudaHome.isBlank()) dirs.add(cudaHome + "/lib64");
        dirs.addAll(SYSTEM_DIRS);
        return dirs;
    }
}
