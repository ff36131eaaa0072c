package dev.refinery.localstack;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The outage proxy against an echo server: bytes pass, an outage cuts open connections and refuses new ones, then passes again. */
class DatabaseOutageTest {

    private ServerSocket echo;
    private DatabaseOutage outage;

    @BeforeEach
    void start() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    Thread pump = new Thread(() -> {
                        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                            in.transferTo(out);
                        } catch (IOException ignored) {
                            // the test closed it
                        }
                    });
                    pump.setDaemon(true);
                    pump.start();
                } catch (IOException ignored) {
                    // closed at the end of the test
                }
            }
        });
        t.setDaemon(true);
        t.start();
        outage = DatabaseOutage.proxying("127.0.0.1", echo.getLocalPort());
    }

    @AfterEach
    void stop() throws IOException {
        outage.close();
        echo.close();
    }

    @Test
    void anOutageCutsOpenConnectionsAndRefusesNewOnesUntilItEnds() throws IOException {
        try (Socket before = connect()) {
            assertArrayEquals(bytes("ping"), roundTrip(before, "ping"));

            outage.begin();
            assertTrue(outage.isDown());
            assertEquals(-1, readOrEnd(before), "the open connection was cut");
            try (Socket during = connect()) {
                during.getOutputStream().write(bytes("ping"));
                assertEquals(-1, readOrEnd(during), "a new connection is closed at once");
            }

            outage.end();
            try (Socket after = connect()) {
                assertArrayEquals(bytes("pong"), roundTrip(after, "pong"));
            }
        }
    }

    @Test
    void theJdbcUrlIsRewrittenToTheProxy() {
        assertEquals("jdbc:postgresql://127.0.0.1:" + outage.port() + "/refinery",
                outage.jdbcUrl("jdbc:postgresql://127.0.0.1:5432/refinery"));
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), outage.port());
        s.setSoTimeout(5000);
        return s;
    }

    private static byte[] roundTrip(Socket s, String text) throws IOException {
        s.getOutputStream().write(bytes(text));
        return s.getInputStream().readNBytes(text.length());
    }

    private static int readOrEnd(Socket s) {
        try {
            return s.getInputStream().read();
        } catch (IOException e) {
            return -1; // a reset reads as the end too
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
