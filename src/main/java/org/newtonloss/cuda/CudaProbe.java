package org.newtonloss.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import jcuda.driver.CUdevice;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;
import org.newtonloss.cuda.ffm.CuSolver;
import org.newtonloss.backend.NativeLibraries;

/**
 * Whether the CUDA backend can run here, and why not. Checks, in order: the driver library ({@code libcuda.so.1}),
 * the kernels (the fatbin resource that the build writes only where nvcc exists), JCuda's native library,
 * {@code cuInit} and the device count. cuSOLVER is reported but optional (the own Cholesky kernels serve without
 * it). The probe runs once per JVM, is cached, never prints and never throws.
 *
 * <p>JCuda's {@code JCudaDriver} throws {@link UnsatisfiedLinkError} from its static initialiser when its native
 * library cannot load, and {@link NoClassDefFoundError} on every later use: the driver library is therefore
 * checked first, and any {@link LinkageError} is caught and turned into a reason.
 */
public final class CudaProbe {
    /** The classpath resource holding the kernels (sm_90 SASS + compute_80 PTX). */
    public static final String FATBIN_RESOURCE = "/org/newtonloss/cuda/newtonloss.fatbin";
    /** The CUDA driver library that JCuda's driver binding needs. */
    public static final String DRIVER_LIBRARY = "libcuda.so.1";

    /**
     * What the probe found.
     *
     * @param usable   true when kernels can be launched on device 0
     * @param reasons  why not (empty when usable); each a short sentence
     * @param device   device 0's name and compute capability when one was found, else empty
     * @param cusolver "cuSOLVER: ..." found where, or why not
     */
    public record Result(boolean usable, List<String> reasons, String device, String cusolver) {
        public Result {
            reasons = List.copyOf(reasons);
        }

        /** One line for {@code info} and for error messages: the device, or the reasons joined by "; ". */
        public String summary() {
            return usable ? device + "; " + cusolver : String.join("; ", reasons);
        }
    }

    /** The environment the probe looks at; tests substitute parts of it. */
    interface Environment {
        boolean libraryLoadable(String soname);

        boolean resourcePresent(String resource);

        /** Runs cuInit and counts devices; returns the device description or throws. */
        String initDriver() throws Throwable;

        String cusolver();
    }

    private static final class Holder {
        static final Result RESULT = run(new SystemEnvironment());
    }

    private CudaProbe() {}

    /** The cached probe result for this JVM. */
    public static Result result() { return Holder.RESULT; }

    /** Shorthand for {@code result().usable()}. */
    public static boolean usable() { return result().usable(); }

    /** Runs the checks against {@code env}; never throws. */
    static Result run(Environment env) {
        List<String> reasons = new ArrayList<>();
        String cusolver;
        try {
            cusolver = env.cusolver();
        } catch (RuntimeException | LinkageError e) {
            cusolver = "cuSOLVER: not usable (" + oneLine(e) + ")";
        }
        boolean driver = env.libraryLoadable(DRIVER_LIBRARY);
        if (!driver) reasons.add(DRIVER_LIBRARY + " not found (no NVIDIA driver)");
        if (!env.resourcePresent(FATBIN_RESOURCE))
            reasons.add("kernels not built (no nvcc when this jar was built: resource " + FATBIN_RESOURCE + " missing)");
        if (!driver) return new Result(false, reasons, "", cusolver);
        String device = "";
        try {
            device = env.initDriver();
        } catch (CudaException e) {
            reasons.add(e.codeName().equals("CUDA_ERROR_NO_DEVICE") ? "no CUDA device (cuInit: CUDA_ERROR_NO_DEVICE)"
                    : "CUDA driver not usable: " + e.getMessage());
        } catch (LinkageError e) {
            reasons.add("JCuda driver library could not be loaded: " + oneLine(e));
        } catch (Throwable e) {
            if (e instanceof VirtualMachineError vme) throw vme;
            reasons.add("CUDA initialisation failed: " + oneLine(e));
        }
        return new Result(reasons.isEmpty(), reasons, device, cusolver);
    }

    static String oneLine(Throwable t) {
        String m = t.getMessage();
        String text = t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }

    /** The real machine. */
    static final class SystemEnvironment implements Environment {
        @Override public boolean libraryLoadable(String soname) { return NativeLibraries.isLoadable(soname); }

        @Override public boolean resourcePresent(String resource) {
            try (InputStream in = CudaProbe.class.getResourceAsStream(resource)) {
                return in != null;
            } catch (IOException e) {
                return false;
            }
        }

        @Override public String initDriver() {
            JCudaDriver.setExceptionsEnabled(false);
            CudaCalls.check(JCudaDriver.cuInit(0), "cuInit");
            int[] count = {0};
            CudaCalls.check(JCudaDriver.cuDeviceGetCount(count), "cuDeviceGetCount");
            if (count[0] < 1) throw new CudaException("cuDeviceGetCount", CUresult.CUDA_ERROR_NO_DEVICE, "CUDA_ERROR_NO_DEVICE");
            CUdevice dev = new CUdevice();
            CudaCalls.check(JCudaDriver.cuDeviceGet(dev, 0), "cuDeviceGet");
            byte[] name = new byte[256];
            CudaCalls.check(JCudaDriver.cuDeviceGetName(name, name.length, dev), "cuDeviceGetName");
            int[] major = {0}, minor = {0}, driverVersion = {0};
            JCudaDriver.cuDeviceGetAttribute(major, jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, dev);
            JCudaDriver.cuDeviceGetAttribute(minor, jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, dev);
            JCudaDriver.cuDriverGetVersion(driverVersion);
            int len = 0;
            while (len < name.length && name[len] != 0) len++;
            return new String(name, 0, len, java.nio.charset.StandardCharsets.UTF_8) + " (sm_" + major[0] + minor[0]
                    + ", driver API " + driverVersion[0] / 1000 + "." + driverVersion[0] % 1000 / 10 + ", " + count[0]
                    + (count[0] == 1 ? " device)" : " devices)");
        }

        @Override public String cusolver() { return CuSolver.describe(); }
    }
}
