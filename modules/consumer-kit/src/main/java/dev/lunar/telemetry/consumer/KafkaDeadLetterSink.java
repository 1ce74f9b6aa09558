package dev.lunar.telemetry.consumer;

import dev.lunar.telemetry.events.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import reactor.core.publisher.Mono;

/** Dead letters through a plain idempotent Kafka producer (acks=all). */
final class KafkaDeadLetterSink implements DeadLetterSink {

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;

    KafkaDeadLetterSink(KafkaClientSettings kafka, String topic, String clientId) {
        Map<String, Object> props = new HashMap<>(kafka.properties());
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
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
