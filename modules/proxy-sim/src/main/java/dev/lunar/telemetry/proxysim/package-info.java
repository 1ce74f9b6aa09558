/**
 * What a proxy uses to publish telemetry, and a fleet simulator built on it.
 *
 * <ul>
 *   <li>{@link dev.lunar.telemetry.proxysim.TelemetryPublisher}, configured by
 *       {@link dev.lunar.telemetry.proxysim.PublisherSettings} and speaking for a
 *       {@link dev.lunar.telemetry.proxysim.ProxyIdentity}: typed builders per raw kind, asynchronous publish keyed by
 *       proxy id, batching and compression suited to telemetry.</li>
 *   <li>{@link dev.lunar.telemetry.proxysim.FleetSimulator}, shaped by a
 *       {@link dev.lunar.telemetry.proxysim.FleetSpec}: a seeded fleet of proxies and tenants publishing all five kinds
 *       at a target rate, with planted secrets listed in {@link dev.lunar.telemetry.proxysim.Canaries}.</li>
 * </ul>
 */
package dev.lunar.telemetry.proxysim;
