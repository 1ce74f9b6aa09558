package dev.lunar.telemetry.controlplane.forwarder;

/**
 * What {@link WindowedEndpointAggregator} did with the events it read.
 *
 * @param accepted                merged into a window
 * @param droppedOpenSource       tenant on the OPEN_SOURCE plan (P2)
 * @param droppedSandbox          tenant on the SANDBOX plan (P2)
 * @param droppedUnknownTenant    tenant unknown to the processor (treated as open source)
 * @param duplicates              event id already merged into its window
 * @param tooLate                 the event's window was closed more than the correction horizon ago
 * @param invalid                 the event broke the schema's promises (negative counts, blank endpoint...)
 * @param windowsEmitted          first emissions of a window
 * @param corrections             later emissions of a window after late data
 */
record AggregatorCounts(long accepted, long droppedOpenSource, long droppedSandbox, long droppedUnknownTenant,
        long duplicates, long tooLate, long invalid, long windowsEmitted, long corrections) {

    /** Events dropped because of the tenant's plan or because the tenant is unknown. */
    public long droppedByPlan() {
        return droppedOpenSource + droppedSandbox + droppedUnknownTenant;
    }
}
