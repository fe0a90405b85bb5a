package org.newtonloss.cuda;

import jcuda.driver.CUresult;

/** Checks driver-API result codes: {@code CudaCalls.check(cuMemAlloc(p, n), "cuMemAlloc")}. */
final class CudaCalls {
    private CudaCalls() {}

    /** Returns normally for CUDA_SUCCESS, else throws {@link CudaException} naming the call and the code. */
    static void check(int result, String call) {
        if (result != CUresult.CUDA_SUCCESS) throw new CudaException(call, result, CUresult.stringFor(result));
    }
}
