package org.newtonloss.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The probe's documented reasons, with the environment substituted; and the real probe never throws. */
class CudaProbeTest {

    /** A fake machine: which pieces exist, and what cuInit does. */
    private record FakeEnv(boolean driver, boolean fatbin, Throwable initFailure) implements CudaProbe.Environment {
        @Override public boolean libraryLoadable(String soname) { return driver && soname.equals(CudaProbe.DRIVER_LIBRARY); }

        @Override public boolean resourcePresent(String resource) { return fatbin; }

        @Override public String initDriver() throws Throwable {
            if (initFailure != null) throw initFailure;
            return "Fake GPU (sm_90)";
        }

        @Override public String cusolver() { return "cuSOLVER: not found (test)"; }
    }

    @Test
    void noDriverIsReportedAndInitIsNotAttempted() {
        CudaProbe.Result r = CudaProbe.run(new FakeEnv(false, true, new AssertionError("cuInit must not run")));
        assertFalse(r.usable());
        assertEquals(List.of("libcuda.so.1 not found (no NVIDIA driver)"), r.reasons());
    }

    @Test
    void missingKernelsAreReportedAlongsideTheDriver() {
        CudaProbe.Result r = CudaProbe.run(new FakeEnv(false, false, null));
        assertEquals(2, r.reasons().size(), r.reasons().toString());
        assertTrue(r.reasons().get(1).startsWith("kernels not built"), r.reasons().toString());
        assertTrue(r.summary().contains("libcuda.so.1 not found") && r.summary().contains("kernels not built"), r.summary());
    }

    @Test
    void noDeviceIsReportedByName() {
        CudaProbe.Result r = CudaProbe.run(new FakeEnv(true, true, new CudaException("cuInit", 100, "CUDA_ERROR_NO_DEVICE")));
        assertEquals(List.of("no CUDA device (cuInit: CUDA_ERROR_NO_DEVICE)"), r.reasons());
    }

    @Test
    void jcudaLinkageErrorsBecomeReasons() {
        // JCudaDriver's static initialiser: UnsatisfiedLinkError the first time, NoClassDefFoundError afterwards.
        for (Throwable t : List.of(new UnsatisfiedLinkError("libJCudaDriver: cannot open"),
                new NoClassDefFoundError("Could not initialize class jcuda.driver.JCudaDriver"))) {
            CudaProbe.Result r = CudaProbe.run(new FakeEnv(true, true, t));
            assertFalse(r.usable());
            assertEquals(1, r.reasons().size());
            assertTrue(r.reasons().get(0).startsWith("JCuda driver library could not be loaded: " + t.getClass().getSimpleName()),
                    r.reasons().get(0));
        }
    }

    @Test
    void otherDriverFailuresKeepTheCallAndCode() {
        CudaProbe.Result r = CudaProbe.run(new FakeEnv(true, true, new CudaException("cuInit", 999, "CUDA_ERROR_UNKNOWN")));
        assertEquals(List.of("CUDA driver not usable: cuInit failed: CUDA_ERROR_UNKNOWN (999)"), r.reasons());
    }

    @Test
    void usableWhenEverythingIsThere() {
        CudaProbe.Result r = CudaProbe.run(new FakeEnv(true, true, null));
        assertTrue(r.usable());
        assertTrue(r.reasons().isEmpty());
        assertEquals("Fake GPU (sm_90); cuSOLVER: not found (test)", r.summary());
    }

    @Test
    void theRealProbeAnswersWithoutThrowingAndExplainsItself() {
        CudaProbe.Result r = CudaProbe.result();
        assertEquals(r, CudaProbe.result(), "cached");
        if (!r.usable()) assertFalse(r.reasons().isEmpty(), "an unusable backend must say why");
        assertTrue(r.cusolver().startsWith("cuSOLVER: "), r.cusolver());
    }
}
