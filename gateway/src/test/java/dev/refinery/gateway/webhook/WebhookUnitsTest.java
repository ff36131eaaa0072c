package dev.refinery.gateway.webhook;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.random.RandomGenerator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pure parts of webhooks: the signature against the scheme's published example, internal addresses, the retry schedule. */
class WebhookUnitsTest {

    @Test
    void signsLikeTheStandardWebhooksReferenceExample() {
        // The example of the Standard Webhooks specification and its reference libraries' tests.
        String header = WebhookSignature.header(List.of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), "msg_p5jXN8AQM9LWM0D4loKWxJek",
                1614265330L, "{\"test\": 2432232314}");
        assertEquals("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", header);
    }

    @Test
    void twoSecretsMakeTwoSpaceSeparatedEntriesAndNewSecretsAreLongEnough() {
        String a = WebhookSignature.newSecret();
        String b = WebhookSignature.newSecret();
        assertTrue(a.startsWith("whsec_") && java.util.Base64.getDecoder().decode(a.substring(6)).length >= 24);
        String header = WebhookSignature.header(List.of(a, b), "id", 1, "{}");
        assertEquals(2, header.split(" ").length);
        assertTrue(header.split(" ")[1].startsWith("v1,"));
    }

    @Test
    void internalAddressesAreRecognisedInEveryForm() throws Exception {
        for (String internal : new String[]{"0.0.0.0", "0.1.2.3", "10.0.0.1", "127.0.0.1", "127.255.0.9", "169.254.169.254", "172.16.0.1",
                "172.31.255.255", "192.168.1.1", "100.64.0.1", "224.0.0.251", "239.255.255.250", "255.255.255.255", "::", "::1",
                "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1", "fec0::1", "::ffff:10.0.0.1", "::ffff:127.0.0.1", "::127.0.0.1",
                "64:ff9b::a9fe:a9fe"}) {
            assertTrue(TargetAddresses.isInternal(InetAddress.getByName(internal)), internal);
        }
        for (String external : new String[]{"8.8.8.8", "1.1.1.1", "172.32.0.1", "192.0.2.10", "100.128.0.1", "2001:4860:4860::8888",
                "::ffff:8.8.8.8", "64:ff9b::808:808"}) {
            assertFalse(TargetAddresses.isInternal(InetAddress.getByName(external)), external);
        }
    }

    @Test
    void retriesBackOffExponentiallyWithJitterUpToTheCapAndStop() {
        RetrySchedule schedule = new RetrySchedule(5, Duration.ofSeconds(30), Duration.ofMinutes(2));
        RandomGenerator noJitter = () -> 0L;
        RandomGenerator mostJitter = new RandomGenerator() {
            @Override
            public long nextLong() {
                return 0;
            }

            @Override
            public double nextDouble() {
                return 0.999;
            }
        };
        assertEquals(Duration.ofSeconds(30), schedule.delayAfter(1, noJitter).orElseThrow());
        assertEquals(Duration.ofSeconds(60), schedule.delayAfter(2, noJitter).orElseThrow());
        assertEquals(Duration.ofSeconds(120), schedule.delayAfter(3, noJitter).orElseThrow());
        assertEquals(Duration.ofSeconds(120), schedule.delayAfter(4, noJitter).orElseThrow(), "capped");
        assertTrue(schedule.delayAfter(2, mostJitter).orElseThrow().compareTo(Duration.ofSeconds(45)) >= 0, "jitter takes at most a quarter");
        assertTrue(schedule.delayAfter(5, noJitter).isEmpty(), "no retry after the last attempt");
    }
}
