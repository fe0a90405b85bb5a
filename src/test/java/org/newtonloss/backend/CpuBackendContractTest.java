package org.newtonloss.backend;

/** The ranking backend contract on the CPU backend (the reference). */
class CpuBackendContractTest extends AbstractRankingBackendContract {
    @Override protected LossBackend backend() { return CpuBackend.instance(); }
}
