package dev.lunar.telemetry.datadog;

import static dev.lunar.telemetry.datadog.JsonFragments.field;
import static dev.lunar.telemetry.datadog.JsonFragments.fragment;

import com.fasterxml.jackson.core.SerializableString;
import dev.lunar.telemetry.events.avro.EventHeader;
import dev.lunar.telemetry.events.avro.TenantInfo;

/** The parts of a log entry that are the same for every record of a (tenant, proxy, version). */
record EntryFragments(String service, String source, RawJson prefix, RawJson middle) {

    // every key from its DatadogField: what is written here is what the data inventory lists
    private static final SerializableString DDSOURCE = DatadogField.DDSOURCE.json();
    private static final SerializableString SERVICE = DatadogField.SERVICE.json();
    private static final SerializableString HOSTNAME = DatadogField.HOSTNAME.json();
    private static final SerializableString DDTAGS = DatadogField.DDTAGS.json();
    private static final SerializableString PROXY = DatadogField.PROXY_ID.container();
    private static final SerializableString PROXY_ID = DatadogField.PROXY_ID.json();
    private static final SerializableString PROXY_VERSION = DatadogField.PROXY_VERSION.json();
    private static final SerializableString TENANT = DatadogField.TENANT_ID.container();
    private static final SerializableString TENANT_ID = DatadogField.TENANT_ID.json();
    private static final SerializableString TENANT_NAME = DatadogField.TENANT_NAME.json();
    private static final SerializableString TENANT_PLAN = DatadogField.TENANT_PLAN.json();
    private static final SerializableString TENANT_KNOWN = DatadogField.TENANT_KNOWN.json();

    static EntryFragments of(String service, String source, EventHeader header, TenantInfo tenant,
                             String ddtags) {
        RawJson prefix = fragment(g -> {
            field(g, DDSOURCE, source);
            field(g, SERVICE, service);
            field(g, HOSTNAME, header.getProxyId());
            field(g, DDTAGS, ddtags);
        }, false, true);
        RawJson middle = fragment(g -> {
            g.writeFieldName(PROXY);
            g.writeStartObject();
            field(g, PROXY_ID, header.getProxyId());
            field(g, PROXY_VERSION, header.getProxyVersion());
            g.writeEndObject();
            g.writeFieldName(TENANT);
            g.writeStartObject();
            field(g, TENANT_ID, tenant.getId());
            field(g, TENANT_NAME, tenant.getName());
            field(g, TENANT_PLAN, tenant.getPlan().name());
            g.writeFieldName(TENANT_KNOWN);
            g.writeBoolean(tenant.getKnown());
            g.writeEndObject();
        }, true, false);
        return new EntryFragments(service, source, prefix, middle);
    }
}
