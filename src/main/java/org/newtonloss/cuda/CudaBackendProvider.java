package org.newtonloss.cuda;

import org.newtonloss.backend.Availability;
import org.newtonloss.backend.BackendProvider;
import org.newtonloss.backend.LossBackend;

/**
 * Registers the CUDA backend with {@link org.newtonloss.backend.Backends} (META-INF/services). Cheap to construct:
 * the probe and the device are touched only on {@link #probe()} / {@link #create()}.
 */
public final class CudaBackendProvider implements BackendProvider {
    /** Preferred over the CPU (priority 0) by {@code --backend auto} when usable. */
    public static final int PRIORITY = 100;
    private static CudaBackend shared;

    @Override public String name() { return CudaBackend.NAME; }

    @Override public int priority() { return PRIORITY; }

    @Override
    public Availability probe() {
        CudaProbe.Result r = CudaProbe.result();
        return r.usable() ? Availability.usable(r.summary()) : Availability.unusable(r.summary());
    }

    @Override
    public LossBackend create() {
        synchronized (CudaBackendProvider.class) {
            if (shared == null) shared = CudaBackend.open();
            return shared;
        }
    }
}
