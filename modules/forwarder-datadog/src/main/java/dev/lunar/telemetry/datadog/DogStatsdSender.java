package dev.lunar.telemetry.datadog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The optional metrics path to a local Datadog Agent: DogStatsD lines ({@code name:value|g|#tags|T<ts>}) over UDP,
 * several per datagram up to {@value #MAX_DATAGRAM_BYTES} bytes (the Agent's default buffer). UDP gives no answer:
 * what was written to the socket counts as delivered.
 */
final class DogStatsdSender implements AutoCloseable {

    static final int MAX_DATAGRAM_BYTES = 8192;

    private final DatagramChannel channel;
    private final InetSocketAddress agent;

    DogStatsdSender(String host, int port) {
        try {
            this.agent = new InetSocketAddress(host, port);
            this.channel = DatagramChannel.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a UDP socket for DogStatsD", e);
        }
    }

    synchronized void send(List<String> lines) throws IOException {
        StringBuilder datagram = new StringBuilder();
        for (String line : lines) {
            if (datagram.length() > 0 && datagram.length() + 1 + line.length() > MAX_DATAGRAM_BYTES) {
                flush(datagram);
            }
            if (datagram.length() > 0) {
                datagram.append('\n');
            }
            datagram.append(line);
        }
        if (datagram.length() > 0) {
            flush(datagram);
        }
    }

    private void flush(StringBuilder datagram) throws IOException {
        channel.send(ByteBuffer.wrap(datagram.toString().getBytes(StandardCharsets.UTF_8)), agent);
        datagram.setLength(0);
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // closing a UDP socket cannot lose data
        }
    }
}
