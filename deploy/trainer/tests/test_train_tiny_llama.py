"""End to end on a tiny randomly initialised Llama (2 layers, hidden 64) and a tokenizer trained here.

Runs wherever torch, transformers, peft and tokenizers are installed: on a GPU (bf16 autocast) or a CPU.
Nothing is downloaded; object storage is a local folder.
"""

import json
import os

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")
pytest.importorskip("peft")
pytest.importorskip("tokenizers")

import trainer  # noqa: E402
from refinery_trainer import data, sft  # noqa: E402
from refinery_trainer.spec import parse_spec  # noqa: E402

MODEL_NAME = "tiny-llama"
CHATML = ("{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n{% endfor %}"
          "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}")
COLOURS = ["red", "green", "blue", "yellow"]


def conversation(i):
    return {"messages": [{"role": "system", "content": "Answer briefly."},
                         {"role": "user", "content": f"What colour is item {i}?"},
                         {"role": "assistant", "content": f"Item {i} is {COLOURS[i % 4]}."}]}


def make_tokenizer():
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    bpe = trainers.BpeTrainer(vocab_size=300, special_tokens=["<|pad|>", "<|im_start|>", "<|im_end|>"],
                              initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    corpus = [m["content"] for i in range(40) for m in conversation(i)["messages"]] + ["system user assistant"]
    tokenizer.train_from_iterator(corpus, trainer=bpe)
    # Transformers 5 renamed the class behind fast tokenizers and kept the old name as an alias.
    fast_class = getattr(transformers, "PreTrainedTokenizerFast", None) or getattr(transformers, "TokenizersBackend")
    fast = fast_class(tokenizer_object=tokenizer, pad_token="<|pad|>", bos_token="<|im_start|>", eos_token="<|im_end|>",
                      model_max_length=128)
    fast.chat_template = CHATML
    return fast


@pytest.fixture(scope="module")
def models_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("models")
    folder = root / MODEL_NAME
    tokenizer = make_tokenizer()
    tokenizer.save_pretrained(str(folder))
    torch.manual_seed(0)
    config = transformers.LlamaConfig(vocab_size=len(tokenizer), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                                      num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=128,
                                      pad_token_id=tokenizer.pad_token_id, bos_token_id=tokenizer.bos_token_id,
                                      eos_token_id=tokenizer.eos_token_id)
    transformers.LlamaForCausalLM(config).save_pretrained(str(folder))
    return root


def write_dataset(bucket, key, indices, record=conversation):
    path = bucket / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(record(i)) + "\n" for i in indices))


def run_job(tmp_path, capsys, models_dir, job_id="job-tiny", record=conversation, **spec_fields):
    """Runs the whole command on 16 training and 4 validation records of record(i) in a local bucket shared by the
    jobs of one test (so a second stage finds the first's adapter)."""
    bucket = tmp_path / "bucket"
    dataset = f"datasets/ds-{record.__name__}/validated"
    write_dataset(bucket, f"{dataset}/train.jsonl", range(16), record)
    write_dataset(bucket, f"{dataset}/validation.jsonl", range(16, 20), record)
    spec = {"jobId": job_id, "baseModel": MODEL_NAME, "trainingFile": f"{dataset}/train.jsonl",
            "validationFile": f"{dataset}/validation.jsonl"}
    spec.update(spec_fields)
    spec_path = tmp_path / f"spec-{job_id}.json"
    spec_path.write_text(json.dumps(spec))
    environ = {"REFINERY_TRAINER_LOCAL_STORE": str(bucket), "REFINERY_TRAINER_MODELS_DIR": str(models_dir),
               "REFINERY_TERMINATION_LOG": str(tmp_path / "termination-log")}
    code = trainer.main(["--spec", str(spec_path), "--work-dir", str(tmp_path / f"work-{job_id}")], environ=environ)
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    return code, lines, bucket / "jobs" / job_id


def test_the_loss_mask_covers_exactly_the_assistant_answer(models_dir):
    tokenizer = sft.load_tokenizer(str(models_dir / MODEL_NAME))
    spec = parse_spec({"jobId": "j", "baseModel": MODEL_NAME, "method": "SFT", "trainingFile": "t"})
    records = [data.ChatRecord(1, conversation(3)["messages"])]
    (example,), dropped = sft.encode_dataset(records, tokenizer, spec, "t", 128)
    trained = [token for token, keep in zip(example.input_ids, example.labels) if keep]
    assert tokenizer.decode(trained) == "Item 3 is yellow.<|im_end|>\n"
    assert dropped == []


def test_lora_sft_learns_and_writes_a_peft_adapter_metrics_and_result(tmp_path, capsys, models_dir):
    code, lines, job = run_job(
        tmp_path, capsys, models_dir,
        settings={"trainingType": "LORA", "loraRank": 8, "loraAlpha": 16.0, "loraDropout": 0.0,
                  "loraTargetModules": ["q", "k", "v", "o", "gate", "up", "down"], "epochs": 10, "batchSize": 4,
                  "learningRate": 0.01, "lrScheduler": "LINEAR", "warmupRatio": 0.1, "nEvals": 4, "seed": 1},
        trainer={"gradientAccumulation": 2, "maxSeqLen": 64})
    assert code == 0, lines[-1]
    progress = [line for line in lines if line["event"] == "progress"]
    total = lines[0]["totalSteps"]
    assert lines[0]["event"] == "started" and total == 10 * 2  # 16 examples / 4 per batch / 2 accumulated, 10 epochs
    assert [p["step"] for p in progress] == list(range(1, total + 1))
    assert all("etaSeconds" in p for p in progress[1:]) and progress[-1]["etaSeconds"] == 0
    assert progress[-1]["epoch"] == 10
    # Seen on an H200 and on a CPU: 5.68 -> 4.74 (LoRA on a random base learns slowly); a flat loss fails this.
    assert progress[-1]["loss"] < 0.9 * progress[0]["loss"], (progress[0]["loss"], progress[-1]["loss"])
    validations = [line["validationLoss"] for line in lines if line["event"] == "validation"]
    assert len(validations) == 4 and validations[-1] < validations[0]
    assert lines[-1]["event"] == "completed" and lines[-1]["outputPrefix"] == "jobs/job-tiny/adapter/"
    with capsys.disabled():  # what a run prints, for whoever reads the test log
        for line in (lines[0], progress[0], progress[-1], lines[-1]):
            print(json.dumps(line))

    adapter_config = json.loads((job / "adapter" / "adapter_config.json").read_text())
    assert adapter_config["base_model_name_or_path"] == MODEL_NAME
    assert adapter_config["r"] == 8 and adapter_config["lora_alpha"] == 16
    assert set(adapter_config["target_modules"]) == {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"}
    assert (job / "adapter" / "adapter_model.safetensors").is_file()
    metrics = [json.loads(line) for line in (job / "metrics.jsonl").read_text().splitlines()]
    assert [m["step"] for m in metrics if m["kind"] == "train"] == list(range(1, total + 1))
    result = json.loads((job / "result.json").read_text())
    assert result["status"] == "SUCCEEDED" and result["steps"] == total and result["trainedExamples"] == 16
    assert result["finalValidationLoss"] == pytest.approx(validations[-1], abs=1e-6)  # the line rounds to 6 places

    # The adapter loads onto the base with PEFT and changes what the model predicts.
    from peft import PeftModel

    base = transformers.AutoModelForCausalLM.from_pretrained(str(models_dir / MODEL_NAME))
    ids = torch.tensor([[1, 5, 9, 12]])
    before = base(input_ids=ids).logits.detach().clone()
    tuned = PeftModel.from_pretrained(base, str(job / "adapter"))
    assert not torch.allclose(tuned(input_ids=ids).logits, before)


def test_full_fine_tuning_writes_a_whole_model(tmp_path, capsys, models_dir):
    code, lines, job = run_job(tmp_path, capsys, models_dir,
                               settings={"trainingType": "FULL", "epochs": 1, "batchSize": "8", "learningRate": 0.001})
    assert code == 0, lines[-1]
    assert lines[-1]["outputPrefix"] == "jobs/job-tiny/model/"
    reloaded = transformers.AutoModelForCausalLM.from_pretrained(str(job / "model"))
    assert reloaded.config.num_hidden_layers == 2
    assert (job / "model" / "tokenizer_config.json").is_file()


def test_records_longer_than_max_seq_len_fail_the_job_with_their_lines(tmp_path, capsys, models_dir):
    code, lines, _ = run_job(tmp_path, capsys, models_dir, trainer={"maxSeqLen": 8})
    assert code == 2
    assert lines[-1]["code"] == "DATA_TOO_LONG" and lines[-1]["where"]["problems"][0]["line"] == 1


# --- DPO -----------------------------------------------------------------------------------------------------------

def preference(i):
    """Trivially separable: the right colour is preferred to a refusal."""
    prompt = conversation(i)["messages"][:2]
    return {"input": {"messages": prompt},
            "preferred_output": [{"role": "assistant", "content": f"Item {i} is {COLOURS[i % 4]}."}],
            "non_preferred_output": [{"role": "assistant", "content": "I do not know."}]}


DPO_SETTINGS = {"trainingType": "LORA", "loraRank": 8, "loraAlpha": 16.0, "loraDropout": 0.0, "epochs": 8, "batchSize": 4,
                "learningRate": 0.01, "lrScheduler": "LINEAR", "warmupRatio": 0.1, "nEvals": 2, "seed": 1, "dpoBeta": 0.1}


def progress_of(lines):
    return [line for line in lines if line["event"] == "progress"]


def show(lines):
    with_capsys_disabled = [lines[0], progress_of(lines)[0], progress_of(lines)[-1], lines[-1]]
    return "\n".join(json.dumps(line) for line in with_capsys_disabled)


def test_lora_dpo_separates_the_preferred_answers_and_writes_an_adapter(tmp_path, capsys, models_dir):
    code, lines, job = run_job(tmp_path, capsys, models_dir, record=preference, method="DPO", settings=DPO_SETTINGS)
    assert code == 0, lines[-1]
    progress = progress_of(lines)
    with capsys.disabled():
        print(show(lines))
    assert lines[0]["dpoVariant"] == "STANDARD" and lines[0]["pairs"] == 16
    # A fresh adapter adds nothing yet, so the policy starts equal to its reference: loss log 2, no margin.
    assert progress[0]["loss"] == pytest.approx(0.693147, abs=2e-3)
    assert abs(progress[0]["rewardMargin"]) < 1e-2
    assert progress[-1]["loss"] < 0.8 * progress[0]["loss"], (progress[0]["loss"], progress[-1]["loss"])
    assert progress[-1]["rewardAccuracy"] == 1.0 and progress[-1]["rewardMargin"] > 0.1
    validations = [line for line in lines if line["event"] == "validation"]
    assert validations[-1]["validationLoss"] < 0.693 and validations[-1]["validationRewardAccuracy"] == 1.0
    result = json.loads((job / "result.json").read_text())
    assert result["method"] == "dpo" and result["dpo"]["reference"] == "base model (adapter off)"
    assert result["finalRewardAccuracy"] == 1.0 and lines[-1]["finalValidationRewardAccuracy"] == 1.0
    assert (job / "adapter" / "adapter_model.safetensors").is_file()
    metrics = [json.loads(line) for line in (job / "metrics.jsonl").read_text().splitlines()]
    assert {"rewardAccuracy", "rewardMargin"} <= set(metrics[0])


@pytest.mark.parametrize("variant, extra", [("LENGTH_NORMALIZED", {}), ("SIMPO", {"simpoGamma": 0.5, "dpoBeta": 2.0}),
                                            ("STANDARD", {"dpoNllWeight": 1.0})])
def test_every_variant_trains(tmp_path, capsys, models_dir, variant, extra):
    settings = dict(DPO_SETTINGS, dpoVariant=variant, epochs=4, nEvals=0, **extra)
    code, lines, _ = run_job(tmp_path, capsys, models_dir, record=preference, method="DPO", settings=settings)
    assert code == 0, lines[-1]
    progress = progress_of(lines)
    assert progress[-1]["loss"] < progress[0]["loss"], (variant, progress[0]["loss"], progress[-1]["loss"])
    assert progress[-1]["rewardMargin"] > progress[0]["rewardMargin"]


def test_sft_then_dpo_from_the_sft_adapter(tmp_path, capsys, models_dir):
    from peft import PeftModel

    sft_settings = {k: v for k, v in DPO_SETTINGS.items() if k != "dpoBeta"}
    code, lines, sft_job = run_job(tmp_path, capsys, models_dir, job_id="job-sft", settings=sft_settings)
    assert code == 0, lines[-1]

    # The second stage names the first's adapter; its own LoRA settings differ and do not apply (the adapter keeps its shape).
    code, lines, dpo_job = run_job(tmp_path, capsys, models_dir, job_id="job-dpo", record=preference, method="DPO",
                                   initAdapter="jobs/job-sft/adapter/", settings=dict(DPO_SETTINGS, loraRank=4))
    assert code == 0, lines[-1]
    progress = progress_of(lines)
    with capsys.disabled():
        print(show(lines))
    # The reference is the SFT model itself (adapter on): had it been the bare base, the SFT adapter's effect would
    # show as a margin at step 1 and the loss would not start at log 2.
    assert progress[0]["loss"] == pytest.approx(0.693147, abs=2e-3)
    assert abs(progress[0]["rewardMargin"]) < 1e-2
    assert progress[-1]["loss"] < 0.8 * progress[0]["loss"] and progress[-1]["rewardAccuracy"] == 1.0
    result = json.loads((dpo_job / "result.json").read_text())
    assert result["initAdapter"] == "jobs/job-sft/adapter/" and result["dpo"]["reference"] == "the starting model"
    config = json.loads((dpo_job / "adapter" / "adapter_config.json").read_text())
    assert config["r"] == 8 and config["base_model_name_or_path"] == MODEL_NAME

    # The DPO adapter continued the SFT one: it loads onto the base and predicts differently from it.
    ids = torch.tensor([[1, 5, 9, 12]])
    base = transformers.AutoModelForCausalLM.from_pretrained(str(models_dir / MODEL_NAME))
    after_sft = PeftModel.from_pretrained(base, str(sft_job / "adapter"))(input_ids=ids).logits.detach().clone()
    base = transformers.AutoModelForCausalLM.from_pretrained(str(models_dir / MODEL_NAME))
    after_dpo = PeftModel.from_pretrained(base, str(dpo_job / "adapter"))(input_ids=ids).logits.detach()
    assert not torch.allclose(after_sft, after_dpo)


def test_full_fine_tuning_dpo_uses_the_initial_weights_as_its_reference(tmp_path, capsys, models_dir):
    code, lines, job = run_job(tmp_path, capsys, models_dir, record=preference, method="DPO",
                               settings={"trainingType": "FULL", "epochs": 2, "batchSize": 8, "learningRate": 0.001})
    assert code == 0, lines[-1]
    progress = progress_of(lines)
    assert progress[0]["loss"] == pytest.approx(0.693147, abs=2e-3)
    assert progress[-1]["loss"] < progress[0]["loss"]
    assert lines[-1]["outputPrefix"] == "jobs/job-tiny/model/"
    assert json.loads((job / "result.json").read_text())["dpo"]["reference"] == "the starting model"
