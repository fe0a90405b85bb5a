package org.newtonloss.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRelease;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuModuleUnload;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;

/**
 * Device 0: its primary context (shared with cuSOLVER, which uses the runtime API), the kernels module loaded
 * from the classpath fatbin, and one stream. Calls from several threads are serialised by the callers
 * ({@link CudaBackend} locks); every entry point makes the context current on the calling thread first.
 */
public final class CudaDevice implements AutoCloseable {
    /** A CUstream that can tell its raw address (for cuSOLVER). */
    static final class Stream extends CUstream {
        long address() { return getNativePointer(); }
    }

    private final CUdevice device = new CUdevice();
    private final CUcontext context = new CUcontext();
    private final CUmodule module = new CUmodule();
    private final Stream stream = new Stream();
    private final Map<String, CUfunction> functions = new HashMap<>();
    private boolean closed;

    private CudaDevice(byte[] fatbin) {
        CudaCalls.check(cuDeviceGet(device, 0), "cuDeviceGet");
        CudaCalls.check(cuDevicePrimaryCtxRetain(context, device), "cuDevicePrimaryCtxRetain");
        try {
            makeCurrent();
            // cuModuleLoadData, not cuModuleLoadFatBinary: JCuda 12.0.0's binding of the latter loads the module but
            // never writes its handle back, so every later cuModuleGetFunction fails with CUDA_ERROR_INVALID_HANDLE
            // (seen on the H200, docs/gpu-results.md). The driver accepts a fatbin image through cuModuleLoadData.
            CudaCalls.check(cuModuleLoadData(module, fatbin), "cuModuleLoadData");
            CudaCalls.check(cuStreamCreate(stream, 0), "cuStreamCreate");
        } catch (RuntimeException e) {
            cuDevicePrimaryCtxRelease(device);
            throw e;
        }
    }

    /**
     * Opens device 0 and loads the kernels.
     *
     * @throws IllegalStateException when {@link CudaProbe} says CUDA is not usable (the message gives the reasons)
     * @throws CudaException         when a driver call fails
     */
    public static CudaDevice open() {
        CudaProbe.Result probe = CudaProbe.result();
        if (!probe.usable()) throw new IllegalStateException("CUDA not usable: " + probe.summary());
        return new CudaDevice(readFatbin());
    }

    static byte[] readFatbin() {
        try (InputStream in = CudaDevice.class.getResourceAsStream(CudaProbe.FATBIN_RESOURCE)) {
            if (in == null) throw new IllegalStateException("kernels not built: resource " + CudaProbe.FATBIN_RESOURCE + " missing");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + CudaProbe.FATBIN_RESOURCE + ": " + e.getMessage(), e);
        }
    }

    /** Makes this device's context current on the calling thread. */
    public void makeCurrent() { CudaCalls.check(cuCtxSetCurrent(context), "cuCtxSetCurrent"); }

    /** The kernel {@code name} (an extern "C" entry of kernels/newtonloss.cu), looked up once. */
    synchronized CUfunction function(String name) {
        return functions.computeIfAbsent(name, n -> {
            CUfunction f = new CUfunction();
            CudaCalls.check(cuModuleGetFunction(f, module, n), "cuModuleGetFunction(" + n + ")");
            return f;
        });
    }

    CUstream stream() { return stream; }

    /** The stream's raw address, for libraries bound through FFM. */
    long streamAddress() { return stream.address(); }

    /**
     * Runs {@code launches} (asynchronous kernel launches on this device's stream) between two CUDA events and
     * returns the elapsed GPU time in milliseconds.
     */
    public float elapsedMillis(Runnable launches) {
        jcuda.driver.CUevent start = new jcuda.driver.CUevent(), end = new jcuda.driver.CUevent();
        makeCurrent();
        CudaCalls.check(jcuda.driver.JCudaDriver.cuEventCreate(start, 0), "cuEventCreate");
        CudaCalls.check(jcuda.driver.JCudaDriver.cuEventCreate(end, 0), "cuEventCreate");
        try {
            CudaCalls.check(jcuda.driver.JCudaDriver.cuEventRecord(start, stream), "cuEventRecord");
            launches.run();
            CudaCalls.check(jcuda.driver.JCudaDriver.cuEventRecord(end, stream), "cuEventRecord");
            CudaCalls.check(jcuda.driver.JCudaDriver.cuEventSynchronize(end), "cuEventSynchronize");
            float[] ms = {0};
            CudaCalls.check(jcuda.driver.JCudaDriver.cuEventElapsedTime(ms, start, end), "cuEventElapsedTime");
            return ms[0];
        } finally {
            jcuda.driver.JCudaDriver.cuEventDestroy(start);
            jcuda.driver.JCudaDriver.cuEventDestroy(end);
        }
    }

    /** Free device memory in bytes (cuMemGetInfo). */
    public long freeMemory() {
        makeCurrent();
        long[] free = {0}, total = {0};
        CudaCalls.check(jcuda.driver.JCudaDriver.cuMemGetInfo(free, total), "cuMemGetInfo");
        return free[0];
    }

    /** Waits for the stream. */
    public void synchronize() { CudaCalls.check(cuStreamSynchronize(stream), "cuStreamSynchronize"); }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        makeCurrent();
        cuStreamDestroy(stream);
        cuModuleUnload(module);
        cuDevicePrimaryCtxRelease(device);
    }
}
