"""Supervised fine-tuning (LoRA through PEFT, or full) with a plain PyTorch loop.

A hand-written loop rather than transformers.Trainer: the loss is summed over assistant tokens and divided
by the number of such tokens in the whole optimizer step (so gradient accumulation weighs every token
alike), progress and ETA come from the loop itself, and the code does not depend on Trainer's arguments,
which change between Transformers releases.
"""

import os

from .errors import TrainerError, EXIT_USER_ERROR, EXIT_CRASH
from .data import encode_record, fit_to_length
from . import loop
from .loop import WindowResult, check_finite


def load_tokenizer(model_dir):
    from transformers import AutoTokenizer

    try:
        tokenizer = AutoTokenizer.from_pretrained(model_dir)
    except OSError as e:
        # A model id that names nothing is the user's to fix; anything else (network) may pass on a retry.
        not_found = "not a valid model identifier" in str(e) or "does not appear to have" in str(e)
        raise TrainerError("MODEL_NOT_FOUND" if not_found else "MODEL_LOAD_FAILED", f"cannot load the tokenizer of {model_dir}: {e}",
                           where={"field": "baseModel"}, exit_code=EXIT_USER_ERROR if not_found else EXIT_CRASH)
    if not getattr(tokenizer, "is_fast", False):
        raise TrainerError("MODEL_TOKENIZER_NOT_FAST",
                           "the model's tokenizer has no fast (tokenizers) version, which assistant-only loss needs for character offsets")
    if not getattr(tokenizer, "chat_template", None):
        raise TrainerError("MODEL_CHAT_TEMPLATE_MISSING",
                           "the model's tokenizer has no chat template; use an instruct/chat model or one whose tokenizer_config.json sets chat_template")
    return tokenizer


def chat_codec(tokenizer):
    """(render, encode_with_offsets) for data.encode_messages: the tokenizer's chat template and its offsets."""
    def render(messages, add_generation_prompt):
        return tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=add_generation_prompt)

    def encode_with_offsets(text):
        encoding = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
        return encoding["input_ids"], encoding["offset_mapping"]

    return render, encode_with_offsets


def max_seq_len_for(spec, context_length):
    """trainer.maxSeqLen, else the model's context; more than the context is refused."""
    max_seq_len = spec.max_seq_len or context_length
    if max_seq_len > context_length:
        raise TrainerError("SPEC_FIELD_INVALID", f"maxSeqLen {max_seq_len} exceeds the model's context of {context_length} tokens",
                           where={"field": "trainer.maxSeqLen"})
    return max_seq_len


def encode_dataset(records, tokenizer, spec, source, context_length):
    render, encode_with_offsets = chat_codec(tokenizer)
    max_seq_len = max_seq_len_for(spec, context_length)
    encoded = [encode_record(r, render, encode_with_offsets, spec.train_on_inputs) for r in records]
    return fit_to_length(encoded, max_seq_len, spec.overflow, source)


def context_length(model_dir, tokenizer):
    """The model's context in tokens: its config's max_position_embeddings, else the tokenizer's limit."""
    from transformers import AutoConfig

    config = AutoConfig.from_pretrained(model_dir)
    length = getattr(config, "max_position_embeddings", None)
    return int(length or min(tokenizer.model_max_length, 1 << 20))


def library_versions():
    import torch
    import transformers

    versions = {"torch": torch.__version__, "transformers": transformers.__version__}
    try:
        import peft
        versions["peft"] = peft.__version__
    except ImportError:
        pass
    if torch.cuda.is_available():
        versions["cuda"] = torch.version.cuda
        versions["gpu"] = torch.cuda.get_device_name(0)
    return versions


def choose_device():
    import torch

    if torch.cuda.is_available():
        return torch.device("cuda"), torch.cuda.is_bf16_supported()
    return torch.device("cpu"), False


def load_model(model_dir, spec, device, use_bf16, init_adapter_dir=None):
    """The base model; for LoRA with a fresh adapter from the spec's settings, or with init_adapter_dir's adapter made
    trainable (its own rank, alpha and target modules: the shape the earlier job trained)."""
    from transformers import AutoModelForCausalLM
    import torch

    model = AutoModelForCausalLM.from_pretrained(model_dir)
    if spec.training_type == "lora":
        if use_bf16:
            # The frozen base can live in bf16; PEFT keeps the adapter's own weights in fp32.
            model = model.to(torch.bfloat16)
        if init_adapter_dir:
            model = _load_adapter(model, init_adapter_dir)
        else:
            model = _new_adapter(model, spec)
    return model.to(device)


def _new_adapter(model, spec):
    from peft import LoraConfig, get_peft_model

    config = LoraConfig(r=spec.lora.rank, lora_alpha=spec.lora.alpha, lora_dropout=spec.lora.dropout,
                        target_modules=spec.lora.target_modules, task_type="CAUSAL_LM", bias="none")
    try:
        return get_peft_model(model, config)
    except ValueError as e:
        raise TrainerError("SPEC_LORA_TARGETS_INVALID", f"LoRA target modules do not fit this model: {e}",
                           where={"field": "lora.targetModules"})


def _load_adapter(model, folder):
    from peft import PeftModel

    try:
        return PeftModel.from_pretrained(model, folder, is_trainable=True)
    except (ValueError, RuntimeError, KeyError) as e:  # shapes or module names that do not fit this base
        raise TrainerError("INIT_ADAPTER_INVALID", f"the starting adapter does not load onto this base model: {e}",
                           where={"field": "initAdapter"})


def collate(batch, pad_id, device):
    """Right-padded ids, attention mask and target mask of EncodedExamples."""
    import torch

    width = max(len(e.input_ids) for e in batch)
    ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
    attention = torch.zeros((len(batch), width), dtype=torch.long)
    targets = torch.zeros((len(batch), width), dtype=torch.bool)
    for row, example in enumerate(batch):
        n = len(example.input_ids)
        ids[row, :n] = torch.tensor(example.input_ids)
        attention[row, :n] = 1
        targets[row, :n] = torch.tensor(example.labels)
    return ids.to(device), attention.to(device), targets.to(device)


def _summed_loss(model, ids, attention, targets, autocast):
    """Sum of the next-token cross-entropy over target tokens, and how many there were."""
    import torch
    import torch.nn.functional as F

    with autocast():
        logits = model(input_ids=ids, attention_mask=attention).logits
    logits = logits[:, :-1, :].float()
    wanted = targets[:, 1:]
    labels = ids[:, 1:].masked_fill(~wanted, -100)
    loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), labels.reshape(-1), ignore_index=-100, reduction="sum")
    return loss, int(wanted.sum().item())


class SftObjective:
    """Next-token cross-entropy on the target tokens, summed and divided by the number of targets in the whole window,
    so gradient accumulation weighs every token alike however the window is split into batches."""

    def __init__(self, model, validation_examples, batch_size, pad_id, device, autocast):
        self.model, self.validation_examples, self.batch_size = model, validation_examples, batch_size
        self.pad_id, self.device, self.autocast = pad_id, device, autocast
        self.step = 0
        self.has_validation = bool(validation_examples)

    def backward_window(self, window):
        window_targets = sum(sum(e.labels[1:]) for batch in window for e in batch)
        window_tokens = sum(len(e.input_ids) for batch in window for e in batch)
        summed = 0.0
        for batch in window:
            ids, attention, targets = collate(batch, self.pad_id, self.device)
            loss, _ = _summed_loss(self.model, ids, attention, targets, self.autocast)
            check_finite(loss, self.step)
            (loss / window_targets).backward()
            summed += loss.item()
        return WindowResult(summed / window_targets, window_tokens)

    def evaluate(self):
        return evaluate(self.model, self.validation_examples, self.batch_size, self.pad_id, self.device, self.autocast), {}


def train(spec, model, train_examples, validation_examples, pad_id, device, use_bf16, reporter):
    """Runs every epoch; returns a summary dict for result.json."""
    objective = SftObjective(model, validation_examples, spec.batch_size, pad_id, device, loop.autocast_for(use_bf16))
    return loop.run(spec, model, train_examples, objective, reporter,
                    {"examples": len(train_examples), "device": str(device), "bf16": use_bf16})


def evaluate(model, examples, batch_size, pad_id, device, autocast):
    """Mean loss per target token over the validation examples."""
    import torch

    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for start in range(0, len(examples), batch_size):
            ids, attention, targets = collate(examples[start:start + batch_size], pad_id, device)
            loss, n = _summed_loss(model, ids, attention, targets, autocast)
            total += loss.item()
            count += n
    return total / max(count, 1)


def save(model, tokenizer, spec, folder):
    """LoRA: the PEFT adapter (adapter_config.json + adapter_model.safetensors). Full: the model and tokenizer."""
    os.makedirs(folder, exist_ok=True)
    if spec.training_type == "lora":
        # Name the base by the spec's id, not the local folder it was loaded from, so that serving can check it.
        for config in model.peft_config.values():
            config.base_model_name_or_path = spec.base_model
    model.save_pretrained(folder)  # safetensors is the default of both Transformers and PEFT
    if spec.training_type == "full":
        tokenizer.save_pretrained(folder)
