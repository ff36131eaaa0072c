package dev.refinery.eval.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** eval-service settings ({@code refinery.eval.*}, env {@code REFINERY_EVAL_*}). */
@ConfigMapping(prefix = "refinery.eval")
public interface EvalConfig {

    /** Task metric of new evaluations: opening_match, exact_match or token_f1. */
    @WithDefault("opening_match")
    String metric();

    /** Tokens generated per answer (greedy decoding). */
    @WithDefault("48")
    int maxTokens();

    /** Held-out items evaluated at most (the first ones of the test split); bounds an evaluation's run time. */
    @WithDefault("200")
    int maxItems();

    /** Evaluations run at the same time; each holds a base model and a merged candidate in memory. */
    @WithDefault("1")
    int workers();

    /** How often the sweeper hands the workers every evaluation whose lease is due (new, retried, or left by a dead process). */
    @WithDefault("30s")
    Duration sweepInterval();

    /**
     * How long a claim on an evaluation lasts without renewal. The worker renews it every third of it for as long as the
     * evaluation runs, however long; a claim not renewed for this long (the process died) is taken over by the next sweep.
     */
    @WithDefault("2m")
    Duration lease();

    /** Attempts that may fail or die (crashes, storage refusing) before the evaluation is failed for good (EVAL_GAVE_UP). */
    @WithDefault("3")
    int maxAttempts();

    /** Wait before a failed or transiently interrupted evaluation is tried again; doubles each time (with jitter), up to the max. */
    @WithDefault("30s")
    Duration retryBackoff();

    @WithDefault("10m")
    Duration maxRetryBackoff();

    /**
     * Refinery's inference-service ({@code http://host:8085}): where every model that answers through an API (a model a
     * provider or an operator's server keeps, their base models, a judge) is asked, the way an application asks it: through
     * the same door, with the project's own provider key (training-service keeps it) and the operator's servers as
     * inference-service knows them. Unset (a standalone eval-service, its own tests): such models are asked directly, with
     * {@link #providers()} and {@link #endpoints()}.
     */
    Optional<String> inferenceUrl();

    /**
     * Without {@link #inferenceUrl()}: where the models a provider keeps are asked for their answers, per backend ({@code together}, {@code fireworks},
     * {@code openai}): {@code refinery.eval.providers.together.api-key} and, to point elsewhere (a proxy, a stub),
     * {@code base-url}. A backend without a key has its models registered but not evaluated.
     */
    Map<String, ProviderEndpoint> providers();

    /**
     * OpenAI-compatible inference servers the operator runs (vLLM, TGI, ...), by a name of its choosing (with
     * {@link #inferenceUrl()}: the names projects may register models from; inference-service's server of the same name
     * answers, and {@code url} is not used):
     * {@code refinery.eval.endpoints.lab-vllm.url=http://vllm:8000/v1} and, when the server wants one, {@code api-key}. A project
     * registers a model such a server answers under a name ({@code POST /registry/models}) and evaluates it like any version.
     * Only servers named here can be asked: a project never makes this service call a URL of its choosing.
     */
    Map<String, ServerEndpoint> endpoints();

    /** One operator-run server's API root, including its version ({@code http://host:8000/v1}). */
    interface ServerEndpoint {

        String url();

        Optional<String> apiKey();
    }

    /** One provider's chat-completions API for evaluations. */
    interface ProviderEndpoint {

        /** Empty: the provider's public API (providers.md §4). */
        Optional<String> baseUrl();

        Optional<String> apiKey();
    }
}
