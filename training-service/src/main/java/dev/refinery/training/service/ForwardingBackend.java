package dev.refinery.training.service;

import dev.refinery.providers.spec.DatasetFile;
import dev.refinery.providers.spec.EffectiveSpec;
import dev.refinery.providers.spec.JobSpec;
import dev.refinery.providers.spec.ProviderDefaults;
import dev.refinery.providers.spec.SpecValues;
import dev.refinery.providers.spi.ArtifactDownload;
import dev.refinery.providers.spi.Capabilities;
import dev.refinery.providers.spi.MetricPoint;
import dev.refinery.providers.spi.Page;
import dev.refinery.providers.spi.ProviderCheckpoint;
import dev.refinery.providers.spi.ProviderEvent;
import dev.refinery.providers.spi.ProviderJob;
import dev.refinery.providers.spi.TrainingBackend;
import dev.refinery.providers.spi.UploadedFile;

import java.io.OutputStream;
import java.util.List;
import java.util.Optional;

/** A backend that passes every call to another; subclasses watch the calls they care about. */
abstract class ForwardingBackend implements TrainingBackend {

    private final TrainingBackend delegate;

    ForwardingBackend(TrainingBackend delegate) {
        this.delegate = delegate;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public Capabilities capabilities() {
        return delegate.capabilities();
    }

    @Override
    public ProviderDefaults providerDefaults() {
        return delegate.providerDefaults();
    }

    @Override
    public EffectiveSpec resolve(JobSpec spec, SpecValues catalogDefaults) {
        return delegate.resolve(spec, catalogDefaults);
    }

    @Override
    public UploadedFile upload(DatasetFile file) {
        return delegate.upload(file);
    }

    @Override
    public ProviderJob create(EffectiveSpec spec, UploadedFile training, UploadedFile validationOrNull, String idempotencyKey) {
        return delegate.create(spec, training, validationOrNull, idempotencyKey);
    }

    @Override
    public ProviderJob get(String providerJobId) {
        return delegate.get(providerJobId);
    }

    @Override
    public Page<ProviderEvent> events(String providerJobId, String cursorOrNull) {
        return delegate.events(providerJobId, cursorOrNull);
    }

    @Override
    public List<MetricPoint> metrics(String providerJobId) {
        return delegate.metrics(providerJobId);
    }

    @Override
    public List<ProviderCheckpoint> checkpoints(String providerJobId) {
        return delegate.checkpoints(providerJobId);
    }

    @Override
    public ProviderJob cancel(String providerJobId) {
        return delegate.cancel(providerJobId);
    }

    @Override
    public ArtifactDownload download(String providerJobId, ProviderCheckpoint checkpointOrNull, OutputStream out) {
        return delegate.download(providerJobId, checkpointOrNull, out);
    }

    @Override
    public Page<ProviderJob> list(String cursorOrNull) {
        return delegate.list(cursorOrNull);
    }

    @Override
    public ProviderJob pause(String providerJobId) {
        return delegate.pause(providerJobId);
    }

    @Override
    public ProviderJob resume(String providerJobId) {
        return delegate.resume(providerJobId);
    }

    @Override
    public Optional<ProviderJob> findSubmitted(UploadedFile training) {
        return delegate.findSubmitted(training);
    }
}
