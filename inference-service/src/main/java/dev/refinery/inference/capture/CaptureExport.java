package dev.refinery.inference.capture;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refinery.inference.capture.api.ExportKind;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import jakarta.ws.rs.core.StreamingOutput;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Streams a project's captured traffic with feedback as JSONL in the platform's dataset formats, a page of answers at a
 * time (each page its own short transaction), so an export of any size holds one page in memory. Only answers with
 * feedback can make an example (see {@link ExportExamples}).
 */
@ApplicationScoped
public class CaptureExport {

    /** Answers read per query. */
    static final int PAGE = 500;

    @Inject
    EntityManager em;

    @Inject
    ObjectMapper json;

    public StreamingOutput stream(String tenant, ExportKind kind, OffsetDateTime since, OffsetDateTime until) {
        return out -> {
            if (kind == ExportKind.SFT) {
                forEachWithFeedback(tenant, since, until, r -> {
                    var line = ExportExamples.sft(json, r);
                    if (line.isPresent()) {
                        write(out, line.get());
                    }
                });
            } else {
                forEachWithFeedback(tenant, since, until, r -> {
                    var line = ExportExamples.corrected(json, r);
                    if (line.isPresent()) {
                        write(out, line.get());
                    }
                });
                for (List<String> hashes = promptsRatedTwice(tenant, since, until, null); !hashes.isEmpty();
                     hashes = promptsRatedTwice(tenant, since, until, hashes.get(hashes.size() - 1))) {
                    for (String hash : hashes) {
                        for (ObjectNode line : ExportExamples.ranked(json, ratedAnswers(tenant, hash, since, until))) {
                            write(out, line);
                        }
                    }
                }
            }
        };
    }

    private interface Sink {
        void accept(ExportExamples.Rated r) throws IOException;
    }

    private void forEachWithFeedback(String tenant, OffsetDateTime since, OffsetDateTime until, Sink sink) throws IOException {
        OffsetDateTime afterAt = null;
        String afterId = null;
        while (true) {
            OffsetDateTime at = afterAt;
            String id = afterId;
            List<Object[]> page = QuarkusTransaction.requiringNew().call(() -> {
                TypedQuery<Object[]> q = em.createQuery(
                        "select e.id, e.messages, e.output, f.rating, f.thumbs, f.correction, e.createdAt "
                                + "from CapturedExchange e, ExchangeFeedback f where f.responseId = e.id and e.tenant = :tenant "
                                + "and e.createdAt >= :since and e.createdAt < :until "
                                + (at == null ? "" : "and (e.createdAt > :at or (e.createdAt = :at and e.id > :id)) ")
                                + "order by e.createdAt, e.id", Object[].class)
                        .setParameter("tenant", tenant).setParameter("since", since).setParameter("until", until);
                if (at != null) {
                    q.setParameter("at", at).setParameter("id", id);
                }
                return q.setMaxResults(PAGE).getResultList();
            });
            for (Object[] row : page) {
                sink.accept(rated(row));
            }
            if (page.size() < PAGE) {
                return;
            }
            Object[] last = page.get(page.size() - 1);
            afterId = (String) last[0];
            afterAt = (OffsetDateTime) last[6];
        }
    }

    private List<String> promptsRatedTwice(String tenant, OffsetDateTime since, OffsetDateTime until, String after) {
        return QuarkusTransaction.requiringNew().call(() -> {
            TypedQuery<String> q = em.createQuery(
                    "select e.promptHash from CapturedExchange e, ExchangeFeedback f where f.responseId = e.id and e.tenant = :tenant "
                            + "and e.createdAt >= :since and e.createdAt < :until and (f.rating is not null or f.thumbs is not null) "
                            + (after == null ? "" : "and e.promptHash > :after ")
                            + "group by e.promptHash having count(e) >= 2 order by e.promptHash", String.class)
                    .setParameter("tenant", tenant).setParameter("since", since).setParameter("until", until);
            if (after != null) {
                q.setParameter("after", after);
            }
            return q.setMaxResults(PAGE).getResultList();
        });
    }

    private List<ExportExamples.Rated> ratedAnswers(String tenant, String hash, OffsetDateTime since, OffsetDateTime until) {
        List<Object[]> rows = QuarkusTransaction.requiringNew().call(() -> em.createQuery(
                "select e.id, e.messages, e.output, f.rating, f.thumbs, f.correction, e.createdAt "
                        + "from CapturedExchange e, ExchangeFeedback f where f.responseId = e.id and e.tenant = :tenant "
                        + "and e.promptHash = :hash and e.createdAt >= :since and e.createdAt < :until "
                        + "and (f.rating is not null or f.thumbs is not null) order by e.createdAt, e.id", Object[].class)
                .setParameter("tenant", tenant).setParameter("hash", hash).setParameter("since", since).setParameter("until", until)
                .getResultList());
        List<ExportExamples.Rated> out = new ArrayList<>(rows.size());
        for (Object[] row : rows) {
            out.add(rated(row));
        }
        return out;
    }

    private static ExportExamples.Rated rated(Object[] row) {
        Short rating = (Short) row[3];
        return new ExportExamples.Rated((String) row[0], (String) row[1], (String) row[2], rating == null ? null : rating.intValue(),
                (String) row[4], (String) row[5]);
    }

    private void write(OutputStream out, ObjectNode line) throws IOException {
        out.write(json.writeValueAsBytes(line));
        out.write('\n');
    }
}
