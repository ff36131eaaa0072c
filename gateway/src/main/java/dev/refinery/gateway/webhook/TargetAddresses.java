package dev.refinery.gateway.webhook;

import dev.refinery.kit.problem.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Where a webhook may point: an http or https URL whose host resolves to public addresses only. A tenant must not make the
 * gateway call into the network it runs in (metadata endpoints, the services, the database), so private, loopback,
 * link-local, unique-local, multicast and unspecified addresses are refused, IPv4 and IPv6 alike, also inside IPv6
 * forms that carry an IPv4 address, unless the operator names the host in {@code refinery.webhooks.allowed-private-hosts}.
 * Checked when the webhook is made and again before every attempt, since what a name resolves to may change.
 */
@ApplicationScoped
public class TargetAddresses {

    public static final int MAX_URL = 2000;

    @Inject
    WebhookConfig config;

    /** The URL as a client gave it, checked; 400 naming the field {@code url} otherwise. */
    public URI checkedForCreation(String url) {
        if (url == null || url.isBlank() || url.length() > MAX_URL) {
            throw invalid("url is required, an http or https URL of at most " + MAX_URL + " characters");
        }
        URI uri = parse(url.strip());
        try {
            check(uri);
        } catch (UnknownHostException e) {
            throw ApiException.badRequest("WEBHOOK_URL_UNRESOLVABLE", "the host " + uri.getHost() + " of url does not resolve")
                    .with("field", "url");
        }
        return uri;
    }

    /**
     * Refuses a target that is not (or no longer) allowed.
     *
     * @throws ApiException         400 WEBHOOK_URL_FORBIDDEN for an internal address
     * @throws UnknownHostException when the host does not resolve
     */
    public void check(URI uri) throws UnknownHostException {
        String host = hostOf(uri);
        if (allowed(host)) {
            return;
        }
        for (InetAddress address : InetAddress.getAllByName(host)) {
            if (isInternal(address)) {
                throw ApiException.badRequest("WEBHOOK_URL_FORBIDDEN", "url points to " + address.getHostAddress()
                        + ", a private, loopback, link-local or otherwise internal address; webhooks go to public addresses only")
                        .with("field", "url");
            }
        }
    }

    private boolean allowed(String host) {
        List<String> allowed = config.allowedPrivateHosts().orElse(List.of());
        return allowed.stream().anyMatch(a -> a.strip().toLowerCase(Locale.ROOT).equals(host));
    }

    private static URI parse(String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                throw invalid("url must be an absolute http or https URL with a host");
            }
            if (uri.getRawUserInfo() != null) {
                // Credentials in the URL would be stored and listed in clear; the signature authenticates the gateway.
                throw invalid("url must not carry a user name or password");
            }
            if (uri.getRawFragment() != null) {
                throw invalid("url must not have a fragment");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw invalid("url is not a valid URL: " + e.getReason());
        }
    }

    /** The host without the brackets of an IPv6 literal, lower-case. */
    static String hostOf(URI uri) {
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    static boolean isInternal(InetAddress address) {
        if (address instanceof Inet6Address) {
            byte[] b = address.getAddress();
            byte[] embedded = embeddedIpv4(b);
            if (embedded != null) {
                return isInternalIpv4(embedded);
            }
            return address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
                    || address.isSiteLocalAddress() || address.isMulticastAddress()
                    || (b[0] & 0xfe) == 0xfc; // fc00::/7, unique local
        }
        return address instanceof Inet4Address && isInternalIpv4(address.getAddress());
    }

    /** The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) or NAT64 (64:ff9b::a.b.c.d) one. */
    private static byte[] embeddedIpv4(byte[] b) {
        boolean zeros = Arrays.equals(Arrays.copyOfRange(b, 0, 10), new byte[10]);
        boolean mapped = zeros && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
        boolean compatible = zeros && b[10] == 0 && b[11] == 0 && !(b[12] == 0 && b[13] == 0 && b[14] == 0 && (b[15] & 0xfe) == 0);
        boolean nat64 = (b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b
                && Arrays.equals(Arrays.copyOfRange(b, 4, 12), new byte[8]);
        return mapped || compatible || nat64 ? Arrays.copyOfRange(b, 12, 16) : null;
    }

    private static boolean isInternalIpv4(byte[] b) {
        int a0 = b[0] & 0xff;
        int a1 = b[1] & 0xff;
        return a0 == 0                              // 0.0.0.0/8, "this network" (0.0.0.0 unspecified)
                || a0 == 10                         // private
                || a0 == 127                        // loopback
                || a0 == 169 && a1 == 254           // link-local (cloud metadata endpoints live here)
                || a0 == 172 && (a1 & 0xf0) == 16   // private 172.16.0.0/12
                || a0 == 192 && a1 == 168           // private
                || a0 == 100 && (a1 & 0xc0) == 64   // 100.64.0.0/10, carrier-grade NAT: private to the provider
                || a0 >= 224;                       // multicast, reserved and broadcast
    }

    private static ApiException invalid(String detail) {
        return ApiException.badRequest("WEBHOOK_URL_INVALID", detail).with("field", "url");
    }
}
