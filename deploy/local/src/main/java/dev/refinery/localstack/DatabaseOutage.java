package dev.refinery.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy in front of PostgreSQL that a test can cut, to show what a service does while its database is away. While
 * the outage lasts, every open connection is closed (in-flight transactions fail, as when the server stops) and every
 * new one is closed as soon as it is accepted (the driver's "connection attempt failed", SQL state 08001). The server
 * itself and its data are untouched, so the end of the outage is instant and the rows are still there.
 */
public final class DatabaseOutage implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(DatabaseOutage.class.getName());

    private final String host;
    private final int port;
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private boolean down;

    private DatabaseOutage(String host, int port) throws IOException {
        this.host = host;
        this.port = port;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "database-outage-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A proxy to {@code host:port} on a free loopback port. */
    public static DatabaseOutage proxying(String host, int port) {
        try {
            return new DatabaseOutage(host, port);
        } catch (IOException e) {
            throw new LocalStackException("BAD_CONFIGURATION", "cannot open the database proxy: " + e.getMessage(), e);
        }
    }

    /** The JDBC URL {@code jdbcUrl} (of the proxied server) rewritten to go through this proxy. */
    public String jdbcUrl(String jdbcUrl) {
        return jdbcUrl.replaceFirst("//[^/]+/", "//127.0.0.1:" + port() + "/");
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The database is away from now on: open connections are cut, new ones refused. */
    public synchronized void begin() {
        down = true;
        cutAll();
        LOG.log(System.Logger.Level.INFO, "database outage begins: connections to {0}:{1} cut", host, String.valueOf(port));
    }

    /** The database is back. */
    public synchronized void end() {
        down = false;
        LOG.log(System.Logger.Level.INFO, "database outage ends");
    }

    public synchronized boolean isDown() {
        return down;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                connect(client);
            } catch (IOException e) {
                if (!server.isClosed()) {
                    LOG.log(System.Logger.Level.WARNING, "database proxy: " + e.getMessage());
                }
            }
        }
    }

    private synchronized void connect(Socket client) {
        if (down) {
            closeQuietly(client);
            return;
        }
        Socket upstream;
        try {
            upstream = new Socket(host, port);
        } catch (IOException e) {
            closeQuietly(client);
            return;
        }
        open.add(client);
        open.add(upstream);
        pump(client, upstream);
        pump(upstream, client);
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException ignored) {
                // one side closed or was cut: close both
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        }, "database-outage-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public synchronized void close() {
        down = true;
        closeQuietly(server);
        cutAll();
    }

    private void cutAll() {
        for (Socket s : open) {
            closeQuietly(s);
        }
        open.clear();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing is all that is left to do
        }
    }
}
