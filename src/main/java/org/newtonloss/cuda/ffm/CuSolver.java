package org.newtonloss.cuda.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.newtonloss.cuda.CudaException;

/**
 * The few cuSOLVER functions the CUDA backend uses, bound with the FFM API (JCusolver needs CUDA 11/12 library
 * names and no JCusolver 12 exists; the GPU machines run CUDA 13): handle create/destroy, set stream, and
 * {@code potrfBatched} / {@code potrsBatched} in float and double.
 *
 * <p>The library is looked up by soname ({@value #SONAME_12}, then {@value #SONAME_11}), then as a file under
 * {@code $NEWTONLOSS_CUSOLVER_DIR}, {@code $CUDA_HOME/lib64}, {@code /usr/local/cuda/lib64} and
 * {@code /usr/local/cuda/targets/x86_64-linux/lib}. Device memory is passed as raw addresses ({@code long}); no
 * {@code MemorySegment} leaves this package. Matrices are column-major to cuSOLVER: callers pass symmetric ones,
 * for which row- and column-major agree.
 */
public final class CuSolver implements AutoCloseable {
    public static final String SONAME_12 = "libcusolver.so.12";
    public static final String SONAME_11 = "libcusolver.so.11";
    /** cublasFillMode_t: the lower triangle (column-major) is referenced. */
    static final int FILL_LOWER = 0;

    private static final Linker LINKER = Linker.nativeLinker();

    /** The library, found once per JVM (it stays loaded). */
    private static final class Library {
        static final NativeLookup.Found FOUND = NativeLookup.find(List.of(SONAME_12, SONAME_11), searchDirs(), Arena.global());
    }

    private final Arena arena = Arena.ofShared();
    private final MemorySegment handle;
    private final MethodHandle destroy, spotrf, dpotrf, spotrs, dpotrs;
    private boolean closed;

    private CuSolver(SymbolLookup lib, long stream) {
        MethodHandle create = bind(lib, "cusolverDnCreate", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        MethodHandle setStream = bind(lib, "cusolverDnSetStream", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        destroy = bind(lib, "cusolverDnDestroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        FunctionDescriptor potrf = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT);
        FunctionDescriptor potrs = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT,
                ADDRESS, JAVA_INT, ADDRESS, JAVA_INT);
        spotrf = bind(lib, "cusolverDnSpotrfBatched", potrf);
        dpotrf = bind(lib, "cusolverDnDpotrfBatched", potrf);
        spotrs = bind(lib, "cusolverDnSpotrsBatched", potrs);
        dpotrs = bind(lib, "cusolverDnDpotrsBatched", potrs);
        MemorySegment out = arena.allocate(ADDRESS);
        check(invoke(create, out), "cusolverDnCreate");
        handle = out.get(ADDRESS, 0);
        check(invoke(setStream, handle, MemorySegment.ofAddress(stream)), "cusolverDnSetStream");
    }

    /** Folders searched when the soname is not known to the dynamic loader. */
    public static List<Path> searchDirs() {
        List<Path> dirs = new ArrayList<>();
        for (String env : List.of("NEWTONLOSS_CUSOLVER_DIR", "CUDA_HOME")) {
            String v = System.getenv(env);
            if (v != null && !v.isBlank()) dirs.add(env.equals("CUDA_HOME") ? Path.of(v, "lib64") : Path.of(v));
        }
        dirs.add(Path.of("/usr/local/cuda/lib64"));
        dirs.add(Path.of("/usr/local/cuda/targets/x86_64-linux/lib"));
        return dirs;
    }

    /** "cuSOLVER: libcusolver.so.12" where it was found, or "cuSOLVER: not found (…)" with what was tried. */
    public static String describe() { return describe(Library.FOUND); }

    static String describe(NativeLookup.Found found) {
        return found.lookup().isPresent() ? "cuSOLVER: " + found.where()
                : "cuSOLVER: not found (" + String.join("; ", found.reasons()) + ")";
    }

    /** Whether cuSOLVER was found (it may still fail to create a handle without a device). */
    public static boolean available() { return Library.FOUND.lookup().isPresent(); }

    /**
     * Creates a cuSOLVER handle bound to {@code stream} (a CUstream address; 0 = the default stream) in the
     * current CUDA context.
     *
     * @throws IllegalStateException when the library was not found (the message says what was tried)
     * @throws CudaException         when cuSOLVER refuses (e.g. no device)
     */
    public static CuSolver open(long stream) {
        Optional<SymbolLookup> lib = Library.FOUND.lookup();
        if (lib.isEmpty()) throw new IllegalStateException(describe());
        return new CuSolver(lib.get(), stream);
    }

    /**
     * Cholesky factors of {@code batch} n×n matrices in place ({@code cusolverDn[SD]potrfBatched}, lower).
     *
     * @param dbl    double (true) or float matrices
     * @param aArray device address of {@code batch} device pointers to the matrices
     * @param info   device address of {@code batch} ints: 0 or the order of the failing leading minor
     */
    public void potrfBatched(boolean dbl, int n, long aArray, int lda, long info, int batch) {
        ensureOpen();
        int rc = invoke(dbl ? dpotrf : spotrf, handle, FILL_LOWER, n, MemorySegment.ofAddress(aArray), lda,
                MemorySegment.ofAddress(info), batch);
        check(rc, dbl ? "cusolverDnDpotrfBatched" : "cusolverDnSpotrfBatched");
    }

    /**
     * Solves with the factors of {@link #potrfBatched} ({@code cusolverDn[SD]potrsBatched}, one right-hand side
     * per system, overwritten by the solution).
     *
     * @param bArray device address of {@code batch} device pointers to the right-hand sides
     * @param info   device address of one int (a negative value names a bad argument)
     */
    public void potrsBatched(boolean dbl, int n, long aArray, int lda, long bArray, int ldb, long info, int batch) {
        ensureOpen();
        int rc = invoke(dbl ? dpotrs : spotrs, handle, FILL_LOWER, n, 1, MemorySegment.ofAddress(aArray), lda,
                MemorySegment.ofAddress(bArray), ldb, MemorySegment.ofAddress(info), batch);
        check(rc, dbl ? "cusolverDnDpotrsBatched" : "cusolverDnSpotrsBatched");
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            check(invoke(destroy, handle), "cusolverDnDestroy");
        } finally {
            arena.close();
        }
    }

    private void ensureOpen() {
        if (closed) throw new IllegalStateException("cuSOLVER handle already closed");
    }

    private static MethodHandle bind(SymbolLookup lib, String name, FunctionDescriptor fd) {
        MemorySegment symbol = lib.find(name).orElseThrow(() -> new IllegalStateException("cuSOLVER symbol " + name + " not found"));
        return LINKER.downcallHandle(symbol, fd);
    }

    private static int invoke(MethodHandle h, Object... args) {
        try {
            return (int) h.invokeWithArguments(args);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cuSOLVER call failed", t);
        }
    }

    /** Throws {@link CudaException} for a cusolverStatus_t other than CUSOLVER_STATUS_SUCCESS. */
    static void check(int status, String call) {
        if (status != 0) throw new CudaException(call, status, statusName(status));
    }

    /** cusolverStatus_t names (cusolver_common.h). */
    static String statusName(int status) {
        return switch (status) {
            case 0 -> "CUSOLVER_STATUS_SUCCESS";
            case 1 -> "CUSOLVER_STATUS_NOT_INITIALIZED";
            case 2 -> "CUSOLVER_STATUS_ALLOC_FAILED";
            case 3 -> "CUSOLVER_STATUS_INVALID_VALUE";
            case 4 -> "CUSOLVER_STATUS_ARCH_MISMATCH";
            case 5 -> "CUSOLVER_STATUS_MAPPING_ERROR";
            case 6 -> "CUSOLVER_STATUS_EXECUTION_FAILED";
            case 7 -> "CUSOLVER_STATUS_INTERNAL_ERROR";
            case 8 -> "CUSOLVER_STATUS_MATRIX_TYPE_NOT_SUPPORTED";
            case 9 -> "CUSOLVER_STATUS_NOT_SUPPORTED";
            default -> "CUSOLVER_STATUS_" + status;
        };
    }
}
