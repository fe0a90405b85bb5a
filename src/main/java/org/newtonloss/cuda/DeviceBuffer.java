package org.newtonloss.cuda;

import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;

/**
 * A block of device memory, freed by {@link #close()}. Created in the current CUDA context (see
 * {@link CudaDevice}); copies are synchronous.
 */
public final class DeviceBuffer implements AutoCloseable {

    /** A CUdeviceptr that exposes its raw address (JCuda keeps it protected). */
    static final class Address extends CUdeviceptr {
        long value() { return getNativePointer(); }
    }

    private final Address ptr = new Address();
    private final long bytes;
    private boolean freed;

    private DeviceBuffer(long bytes) {
        if (bytes < 0) throw new IllegalArgumentException("bytes must be >= 0, got " + bytes);
        this.bytes = bytes;
        CudaCalls.check(cuMemAlloc(ptr, Math.max(bytes, 1)), "cuMemAlloc(" + bytes + " bytes)");
    }

    /** Uninitialised device memory of {@code bytes} bytes. */
    public static DeviceBuffer allocate(long bytes) { return new DeviceBuffer(bytes); }

    public static DeviceBuffer of(float[] host) { return copyOf(Pointer.to(host), 4L * host.length); }

    public static DeviceBuffer of(double[] host) { return copyOf(Pointer.to(host), 8L * host.length); }

    public static DeviceBuffer of(int[] host) { return copyOf(Pointer.to(host), 4L * host.length); }

    public static DeviceBuffer of(long[] host) { return copyOf(Pointer.to(host), 8L * host.length); }

    private static DeviceBuffer copyOf(Pointer host, long bytes) {
        DeviceBuffer b = new DeviceBuffer(bytes);
        try {
            if (bytes > 0) CudaCalls.check(cuMemcpyHtoD(b.ptr, host, bytes), "cuMemcpyHtoD");
        } catch (RuntimeException e) {
            b.close();
            throw e;
        }
        return b;
    }

    /** Overwrites the first {@code 4·host.length} bytes. */
    public void write(int[] host) { write(Pointer.to(host), 4L * host.length); }

    public void write(long[] host) { write(Pointer.to(host), 8L * host.length); }

    private void write(Pointer host, long n) {
        checkRange(n);
        if (n > 0) CudaCalls.check(cuMemcpyHtoD(ptr, host, n), "cuMemcpyHtoD");
    }

    public void read(float[] host) { read(Pointer.to(host), 4L * host.length); }

    public void read(double[] host) { read(Pointer.to(host), 8L * host.length); }

    public void read(int[] host) { read(Pointer.to(host), 4L * host.length); }

    private void read(Pointer host, long n) {
        checkRange(n);
        if (n > 0) CudaCalls.check(cuMemcpyDtoH(host, ptr, n), "cuMemcpyDtoH");
    }

    private void checkRange(long n) {
        if (freed) throw new IllegalStateException("device buffer already freed");
        if (n > bytes) throw new IllegalArgumentException("copy of " + n + " bytes exceeds the buffer's " + bytes + " bytes");
    }

    /** Size in bytes. */
    public long bytes() { return bytes; }

    /** The raw device address. */
    public long address() { return ptr.value(); }

    /** The JCuda pointer, for kernel parameters. */
    CUdeviceptr pointer() {
        if (freed) throw new IllegalStateException("device buffer already freed");
        return ptr;
    }

    @Override
    public void close() {
        if (freed) return;
        freed = true;
        cuMemFree(ptr);
    }
}
