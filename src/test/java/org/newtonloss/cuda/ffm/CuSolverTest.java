package org.newtonloss.cuda.ffm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newtonloss.cuda.CudaException;

/** The cuSOLVER binding's lookup and error reporting, without a driver or cuSOLVER. */
class CuSolverTest {

    @Test
    void aMissingLibraryIsExplainedNotThrown(@TempDir Path empty) {
        try (Arena arena = Arena.ofConfined()) {
            NativeLookup.Found f = NativeLookup.find(List.of("libnewtonloss-no-such.so.12"), List.of(empty), arena);
            assertTrue(f.lookup().isEmpty());
            assertEquals(List.of("libnewtonloss-no-such.so.12: not found by the dynamic loader", "not in [" + empty + "]"),
                    f.reasons());
            assertTrue(CuSolver.describe(f).startsWith("cuSOLVER: not found (libnewtonloss-no-such.so.12"), CuSolver.describe(f));
        }
    }

    @Test
    void aBrokenLibraryFileIsReportedWithItsPath(@TempDir Path dir) throws Exception {
        Path fake = dir.resolve("libnewtonloss-broken.so.12");
        Files.writeString(fake, "not an ELF file");
        try (Arena arena = Arena.ofConfined()) {
            NativeLookup.Found f = NativeLookup.find(List.of("libnewtonloss-broken.so.12"), List.of(dir), arena);
            assertTrue(f.lookup().isEmpty());
            assertTrue(f.reasons().stream().anyMatch(r -> r.startsWith(fake + ": could not be loaded")), f.reasons().toString());
        }
    }

    @Test
    void aSystemLibraryIsFoundBySoname() {
        try (Arena arena = Arena.ofConfined()) {
            NativeLookup.Found f = NativeLookup.find(List.of("libnewtonloss-no-such.so.1", "libc.so.6"), List.of(), arena);
            assertTrue(f.lookup().isPresent(), f.reasons().toString());
            assertEquals("libc.so.6", f.where());
            assertTrue(f.lookup().get().find("strlen").isPresent());
        }
    }

    @Test
    void searchDirsFollowTheDocumentedOrder() {
        List<Path> dirs = CuSolver.searchDirs();
        assertEquals(Path.of("/usr/local/cuda/targets/x86_64-linux/lib"), dirs.get(dirs.size() - 1));
        assertEquals(Path.of("/usr/local/cuda/lib64"), dirs.get(dirs.size() - 2));
    }

    @Test
    void withoutTheLibraryOpenFailsWithTheReasons() {
        if (CuSolver.available()) return; // a machine with cuSOLVER: covered by CudaBackendIT instead
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> CuSolver.open(0));
        assertTrue(e.getMessage().startsWith("cuSOLVER: not found (libcusolver.so.12: not found by the dynamic loader"),
                e.getMessage());
        assertFalse(CuSolver.describe().isEmpty());
    }

    @Test
    void statusCodesAreNamed() {
        CudaException e = assertThrows(CudaException.class, () -> CuSolver.check(7, "cusolverDnDpotrfBatched"));
        assertEquals("cusolverDnDpotrfBatched failed: CUSOLVER_STATUS_INTERNAL_ERROR (7)", e.getMessage());
        assertEquals(7, e.code());
        assertEquals("cusolverDnDpotrfBatched", e.call());
    }
}
