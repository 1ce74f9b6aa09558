package dev.lunar.telemetry.kafka.embedded.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class DockerProbeTest {

    @Test
    void missingSocketIsNotAnEngine(@TempDir Path dir) {
        assertThat(DockerProbe.ping("unix://" + dir.resolve("docker.sock"))).isFalse();
        assertThat(DockerProbe.ping("npipe:////./pipe/docker_engine")).isFalse();
        assertThat(DockerProbe.ping("not a uri")).isFalse();
    }

    @Test
    void anEngineAnsweringPingIsReachable() throws Exception {
        try (ServerSocket server = loopbackServer()) {
            CompletableFuture<Void> answer = CompletableFuture.runAsync(() -> answerOnce(server, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK"));
            assertThat(DockerProbe.ping("tcp://127.0.0.1:" + server.getLocalPort())).isTrue();
            answer.join();
        }
    }

    @Test
    void somethingElseOnThePortIsNotAnEngine() throws Exception {
        try (ServerSocket server = loopbackServer()) {
            CompletableFuture<Void> answer = CompletableFuture.runAsync(() -> answerOnce(server, "HTTP/1.1 404 Not Found\r\n\r\n"));
            assertThat(DockerProbe.ping("tcp://127.0.0.1:" + server.getLocalPort())).isFalse();
            answer.join();
        }
    }

    /** A hang guard, not a speed test: the probe's own read timeout must end the call. */
    @Test
    @Timeout(60)
    void aSilentEndpointCannotHangTheProbe() throws Exception {
        try (ServerSocket server = loopbackServer()) { // accepts (backlog) but never answers
            assertThat(DockerProbe.ping("tcp://127.0.0.1:" + server.getLocalPort())).isFalse();
        }
    }

    private static ServerSocket loopbackServer() throws IOException {
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
        return server;
    }

    private static void answerOnce(ServerSocket server, String response) {
        try (Socket socket = server.accept()) {
            socket.setSoTimeout(2000);
            InputStream in = socket.getInputStream();
            byte[] request = new byte[64];
            int read = in.read(request);
            assertThat(new String(request, 0, Math.max(read, 0), StandardCharsets.US_ASCII)).startsWith("GET /_ping ");
            OutputStream out = socket.getOutputStream();
            out.write(response.getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
