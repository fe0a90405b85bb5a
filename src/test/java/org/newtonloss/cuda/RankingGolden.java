package org.newtonloss.cuda;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Golden cases of the ranking families; filled in once the CPU ranking losses are on main. */
final class RankingGolden {
    private RankingGolden() {}

    /** Writes the ranking golden files under {@code dir}; returns their paths. */
    static List<String> write(Path dir) throws IOException {
        return List.of();
    }
}
