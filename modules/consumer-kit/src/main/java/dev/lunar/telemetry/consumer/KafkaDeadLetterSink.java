package dev.lunar.telemetry.consumer;

import dev.lunar.telemetry.events.DeadLetterHeaders;
import dev.lunar.telemetry.kafka.runtime.KafkaClientSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import reactor.core.publisher.Mono;

/** Dead letters through a plain idempotent Kafka producer (acks=all), configured by the runtime's defaults. */
final class KafkaDeadLetterSink implements DeadLetterSink {

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;

    KafkaDeadLetterSink(KafkaClientSettings kafka, String topic, String clientId) {
        // the runtime's one set of producer defaults: idempotent, acks=all
        Map<String, Object> props = kafka.producer(clientId, null);
        this.producer = new KafkaProducer<>(props);
        this.topic = topic;
    }

    @Override
    public Mono<Void> send(SourceRecord record, String stage, String reason, String detail) {
        return Mono.create(sink -> {
            RecordHeaders headers = new RecordHeaders();
            headers.add(DeadLetterHeaders.SOURCE_TOPIC, utf8(record.topic()));
            headers.add(DeadLetterHeaders.SOURCE_PARTITION, utf8(Integer.toString(record.partition())));
            headers.add(DeadLetterHeaders.SOURCE_OFFSET, utf8(Long.toString(record.offset())));
            headers.add(DeadLetterHeaders.STAGE, utf8(stage));
            headers.add(DeadLetterHeaders.REASON, utf8(reason));
            headers.add(DeadLetterHeaders.DETAIL, utf8(detail));
            producer.send(new ProducerRecord<>(topic, null, record.key(), record.value(), headers), (md, e) -> {
                if (e != null) {
                    sink.error(e);
                } else {
                    sink.success();
                }
            });
        });
    }

    private static byte[] utf8(String s) {
        return (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
