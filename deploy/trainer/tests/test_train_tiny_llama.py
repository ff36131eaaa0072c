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


def write_dataset(bucket, key, indices):
    path = bucket / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(conversation(i)) + "\n" for i in indices))


def run_job(tmp_path, capsys, models_dir, **spec_fields):
    bucket = tmp_path / "bucket"
    write_dataset(bucket, "datasets/ds-1/validated/train.jsonl", range(16))
    write_dataset(bucket, "datasets/ds-1/validated/validation.jsonl", range(16, 20))
    spec = {"jobId": "job-tiny", "baseModel": MODEL_NAME, "trainingFile": "datasets/ds-1/validated/train.jsonl",
            "validationFile": "datasets/ds-1/validated/validation.jsonl"}
    spec.update(spec_fields)
    spec_path = tmp_path / "spec.json"
    spec_path.write_text(json.dumps(spec))
    environ = {"REFINERY_TRAINER_LOCAL_STORE": str(bucket), "REFINERY_TRAINER_MODELS_DIR": str(models_dir),
               "REFINERY_TERMINATION_LOG": str(tmp_path / "termination-log")}
    code = trainer.main(["--spec", str(spec_path), "--work-dir", str(tmp_path / "work")], environ=environ)
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    return code, lines, bucket / "jobs" / "job-tiny"


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
