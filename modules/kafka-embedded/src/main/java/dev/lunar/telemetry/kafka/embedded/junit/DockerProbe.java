package dev.lunar.telemetry.kafka.embedded.junit;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Answers "is a Docker engine reachable?" in well under a second and never hangs: it sends {@code GET /_ping}
 * to the engine endpoints Testcontainers would try ({@code DOCKER_HOST}, then the usual socket paths), each
 * with a short timeout, and only a {@code 200 OK} counts.
 */
final class DockerProbe {

    private static final int TIMEOUT_MS = 750;
    private static final byte[] PING = "GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private DockerProbe() {
    }

    /** The first endpoint that answered the ping, if any. */
    static Optional<String> reachableEngine() {
        for (String endpoint : candidateEndpoints()) {
            if (ping(endpoint)) {
                return Optional.of(endpoint);
            }
        }
        return Optional.empty();
    }

    static List<String> candidateEndpoints() {
        Set<String> endpoints = new LinkedHashSet<>();
        String dockerHost = System.getenv("DOCKER_HOST");
        if (dockerHost != null && !dockerHost.isBlank()) {
            endpoints.add(dockerHost.trim());
        }
        List<Path> sockets = new ArrayList<>();
        sockets.add(Path.of("/var/run/docker.sock"));
        String runtimeDir = System.getenv("XDG_RUNTIME_DIR");
        if (runtimeDir != null && !runtimeDir.isBlank()) {
            sockets.add(Path.of(runtimeDir, "docker.sock"));
        }
        String home = System.getProperty("user.home");
        if (home != null) {
            sockets.add(Path.of(home, ".docker", "run", "docker.sock"));
            sockets.add(Path.of(home, ".docker", "desktop", "docker.sock"));
            sockets.add(Path.of(home, ".rd", "docker.sock"));
            sockets.add(Path.of(home, ".colima", "default", "docker.sock"));
        }
        for (Path socket : sockets) {
            endpoints.add("unix://" + socket);
        }
        return new ArrayList<>(endpoints);
    }

    static boolean ping(String endpoint) {
        try {
            URI uri = URI.create(endpoint);
            if ("unix".equals(uri.getScheme())) {
                Path socket = Path.of(uri.getPath());
                return Files.exists(socket) && pingUnix(socket);
            }
            if ("tcp".equals(uri.getScheme()) || "http".equals(uri.getScheme())) {
                return uri.getHost() != null && pingTcp(uri.getHost(), uri.getPort() < 0 ? 2375 : uri.getPort());
            }
            return false; // npipe://, https:// (TLS) …: leave those to an explicit -Dlunar.test.broker=container
        } catch (IllegalArgumentException | IOException e) {
            return false;
        }
    }

    private static boolean pingTcp(String host, int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), TIMEOUT_MS);
            socket.setSoTimeout(TIMEOUT_MS);
            socket.getOutputStream().write(PING);
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            byte[] head = in.readNBytes(12);
            return isOk(new String(head, StandardCharsets.US_ASCII));
        }
    }

    private static boolean pingUnix(Path socket) throws IOException {
        long deadline = System.nanoTime() + TIMEOUT_MS * 1_000_000L;
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
             Selector selector = Selector.open()) {
            channel.configureBlocking(false);
            if (!channel.connect(UnixDomainSocketAddress.of(socket))) {
                channel.register(selector, SelectionKey.OP_CONNECT);
                if (selector.select(TIMEOUT_MS) == 0 || !channel.finishConnect()) {
                    return false;
                }
            }
            ByteBuffer out = ByteBuffer.wrap(PING);
            ByteBuffer in = ByteBuffer.allocate(12);
            SelectionKey key = channel.register(selector, SelectionKey.OP_WRITE);
            while (in.hasRemaining()) {
                long leftMs = (deadline - System.nanoTime()) / 1_000_000L;
                if (leftMs <= 0) {
                    return false;
                }
                selector.selectedKeys().clear();
                selector.select(leftMs);
                if (out.hasRemaining()) {
                    channel.write(out);
                    if (!out.hasRemaining()) {
                        key.interestOps(SelectionKey.OP_READ);
                    }
                } else if (channel.read(in) < 0) {
                    break;
                }
            }
            return isOk(new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII));
        }
    }

    private static boolean isOk(String statusLineStart) {
        return statusLineStart.startsWith("HTTP/1.") && statusLineStart.endsWith(" 200");
    }
}
