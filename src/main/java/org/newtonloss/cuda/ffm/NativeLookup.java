package org.newtonloss.cuda.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds shared libraries for the FFM bindings: first by soname (the dynamic loader's own search: LD_LIBRARY_PATH,
 * the ld cache), then as files in given folders. Records where each attempt failed, so that an unusable library
 * can be explained. Never throws for a missing or broken library.
 */
public final class NativeLookup {
    private NativeLookup() {}

    /**
     * The outcome of a search.
     *
     * @param lookup  the library's symbols, when found
     * @param where   the soname or path that loaded, or empty
     * @param reasons what was tried and why it failed, in order
     */
    record Found(Optional<SymbolLookup> lookup, String where, List<String> reasons) {}

    /** Tries each soname through the loader, then each folder/soname as a file; libraries stay loaded in {@code arena}. */
    static Found find(List<String> sonames, List<Path> dirs, Arena arena) {
        List<String> reasons = new ArrayList<>();
        for (String soname : sonames) {
            try {
                return new Found(Optional.of(SymbolLookup.libraryLookup(soname, arena)), soname, reasons);
            } catch (IllegalArgumentException | IllegalCallerException | UnsatisfiedLinkError e) {
                reasons.add(soname + ": not found by the dynamic loader");
            }
        }
        for (Path dir : dirs) {
            for (String soname : sonames) {
                Path file = dir.resolve(soname);
                if (!Files.exists(file)) continue;
                try {
                    return new Found(Optional.of(SymbolLookup.libraryLookup(file, arena)), file.toString(), reasons);
                } catch (IllegalArgumentException | IllegalCallerException | UnsatisfiedLinkError e) {
                    String m = e.getMessage();
                    reasons.add(file + ": could not be loaded (" + (m == null ? e.getClass().getSimpleName() : m) + ")");
                }
            }
        }
        if (!dirs.isEmpty()) reasons.add("not in " + dirs.stream().map(Path::toString).toList());
        return new Found(Optional.empty(), "", reasons);
    }
}
