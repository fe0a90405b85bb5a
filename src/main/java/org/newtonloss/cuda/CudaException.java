package org.newtonloss.cuda;

/**
 * A CUDA driver or library call failed. Carries the numeric result code, its symbolic name and the call, so the
 * message reads e.g. {@code cuModuleLoadData failed: CUDA_ERROR_NO_BINARY_FOR_GPU (209)}.
 */
public final class CudaException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int code;
    private final String codeName;
    private final String call;

    public CudaException(String call, int code, String codeName) {
        super(call + " failed: " + codeName + " (" + code + ")");
        this.call = call;
        this.code = code;
        this.codeName = codeName;
    }

    /** The numeric result code (CUresult or cusolverStatus_t). */
    public int code() { return code; }

    /** The symbolic name of {@link #code()}, e.g. {@code CUDA_ERROR_OUT_OF_MEMORY}. */
    public String codeName() { return codeName; }

    /** The call that failed, e.g. {@code cuMemAlloc}. */
    public String call() { return call; }
}
