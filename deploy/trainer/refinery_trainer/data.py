"""Chat JSONL datasets: every bad record reported in one pass, and tokens labelled for assistant-only loss.

The loss mask comes from the tokenizer's own chat template without requiring the template to carry
``{% generation %}`` markers (few do): each assistant turn's characters are located by rendering the
conversation up to the turn (with the generation prompt) and through the turn, and a token is trained on
when it starts inside such a span. That needs a template whose rendering of a prefix of the conversation
is a prefix of the whole rendering, which is checked, not assumed.
"""

import json
from dataclasses import dataclass
from typing import List

from .errors import DataError

ROLES = ("system", "user", "assistant", "tool")
MAX_REPORTED_PROBLEMS = 20


@dataclass(frozen=True)
class ChatRecord:
    line: int
    messages: list


@dataclass(frozen=True)
class EncodedExample:
    line: int
    input_ids: List[int]
    labels: List[bool]  # True where the token is predicted (counted in the loss)

    @property
    def trained_tokens(self):
        return sum(self.labels)


class _Problems:
    def __init__(self, source):
        self.source = source
        self.items = []
        self.count = 0

    def add(self, line, path, code, message):
        self.count += 1
        if len(self.items) < MAX_REPORTED_PROBLEMS:
            self.items.append({"line": line, "path": path, "code": code, "message": message})

    def raise_if_any(self, code, what):
        if self.count:
            first = self.items[0]
            raise DataError(code, f"{self.count} {what} in {self.source}; first at line {first['line']}: {first['message']}",
                            where={"file": self.source, "problems": self.items, "problemCount": self.count})


def _content_text(content):
    """Plain string content, or OpenAI-style content parts of type text joined; None if neither."""
    if isinstance(content, str):
        return content
    if isinstance(content, list) and all(isinstance(p, dict) and p.get("type") == "text" and isinstance(p.get("text"), str)
                                         for p in content):
        return "".join(p["text"] for p in content)
    return None


def read_chat_jsonl(path, source_name=None):
    """Reads {"messages": [{"role", "content"}...]} lines; blank lines are skipped."""
    source = source_name or path
    problems = _Problems(source)
    records = []
    with open(path, encoding="utf-8", errors="strict") as f:
        try:
            for line_no, line in enumerate(f, start=1):
                if not line.strip():
                    continue
                record = _read_record(line, line_no, problems)
                if record is not None:
                    records.append(record)
        except UnicodeDecodeError as e:
            raise DataError("DATA_NOT_UTF8", f"{source} is not UTF-8 text (byte {e.start} of a line)", where={"file": source})
    problems.raise_if_any("DATA_RECORDS_INVALID", "invalid record(s)")
    if not records:
        raise DataError("DATA_EMPTY", f"{source} holds no records", where={"file": source})
    return records


def _read_record(line, line_no, problems):
    try:
        document = json.loads(line)
    except json.JSONDecodeError as e:
        problems.add(line_no, "$", "DATA_LINE_NOT_JSON", f"not JSON: {e.msg} at column {e.colno}")
        return None
    messages = document.get("messages") if isinstance(document, dict) else None
    if not isinstance(messages, list) or not messages:
        problems.add(line_no, "$.messages", "DATA_MESSAGES_MISSING", "a record needs a non-empty \"messages\" array")
        return None
    clean = []
    for i, message in enumerate(messages):
        path = f"$.messages[{i}]"
        if not isinstance(message, dict):
            problems.add(line_no, path, "DATA_MESSAGE_NOT_OBJECT", "each message must be an object with role and content")
            return None
        role = message.get("role")
        if role not in ROLES:
            problems.add(line_no, path + ".role", "DATA_ROLE_INVALID", f"role must be one of {', '.join(ROLES)}, not {role!r}")
            return None
        text = _content_text(message.get("content"))
        if text is None:
            problems.add(line_no, path + ".content", "DATA_CONTENT_INVALID", "content must be a string or a list of text parts")
            return None
        clean.append({"role": role, "content": text})
    if not any(m["role"] == "assistant" for m in clean):
        problems.add(line_no, "$.messages", "DATA_NO_ASSISTANT_MESSAGE", "nothing to learn: the record has no assistant message")
        return None
    return ChatRecord(line_no, clean)


def assistant_spans(messages, render):
    """Character spans [start, end) of each assistant turn in render(messages, False).

    render(messages, add_generation_prompt) -> str is the chat template.
    """
    full = render(messages, False)
    spans = []
    for i, message in enumerate(messages):
        if message["role"] != "assistant":
            continue
        prompt = render(messages[:i], True) if i else ""
        through = render(messages[: i + 1], False)
        if not (through.startswith(prompt) and full.startswith(through)):
            raise DataError("DATA_TEMPLATE_NOT_PREFIX_STABLE",
                            "the model's chat template renders an earlier turn differently once later turns follow, "
                            "so assistant tokens cannot be located; set trainOnInputs=true or use a model whose template is stable",
                            where={"message": i})
        spans.append((len(prompt), len(through)))
    return full, spans


def encode_record(record, render, encode_with_offsets, train_on_inputs=False):
    """encode_with_offsets(text) -> (ids, [(start, end)...]) as a fast tokenizer's offset mapping gives."""
    full, spans = assistant_spans(record.messages, render)
    ids, offsets = encode_with_offsets(full)
    if train_on_inputs:
        labels = [True] * len(ids)
    else:
        labels = [any(start <= s < end for start, end in spans) and e > s for s, e in offsets]
    return EncodedExample(record.line, list(ids), labels)


def fit_to_length(examples, max_seq_len, overflow, source):
    """Applies the overflow policy (fail | truncate | drop); returns (kept, dropped lines)."""
    kept, dropped = [], []
    too_long = _Problems(source)
    for example in examples:
        if len(example.input_ids) > max_seq_len:
            if overflow == "fail":
                too_long.add(example.line, "$", "DATA_TOO_LONG",
                             f"{len(example.input_ids)} tokens, {len(example.input_ids) - max_seq_len} over maxSeqLen {max_seq_len}")
                continue
            if overflow == "drop":
                dropped.append(example.line)
                continue
            example = EncodedExample(example.line, example.input_ids[:max_seq_len], example.labels[:max_seq_len])
        # A causal LM predicts token t from tokens before it, so the first token is never a target.
        if not any(example.labels[1:]):
            dropped.append(example.line)
            continue
        kept.append(example)
    too_long.raise_if_any("DATA_TOO_LONG", "record(s) longer than maxSeqLen (set overflow to truncate or drop)")
    if not kept:
        raise DataError("DATA_NOTHING_TO_TRAIN", f"no record of {source} has an assistant token within maxSeqLen {max_seq_len}",
                        where={"file": source, "droppedLines": dropped[:MAX_REPORTED_PROBLEMS]})
    return kept, dropped
