"""Chat and preference JSONL datasets: every bad record reported in one pass, and tokens labelled for
assistant-only loss (SFT) or for the response's log-probability (DPO).

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
RESPONSE_ROLES = ("assistant", "tool")
MAX_REPORTED_PROBLEMS = 20


@dataclass(frozen=True)
class ChatRecord:
    line: int
    messages: list


@dataclass(frozen=True)
class PreferenceRecord:
    """A prompt and two responses to it, the preferred one first."""
    line: int
    prompt: list
    chosen: list
    rejected: list


@dataclass(frozen=True)
class EncodedExample:
    line: int
    input_ids: List[int]
    labels: List[bool]  # True where the token is predicted (counted in the loss)

    @property
    def trained_tokens(self):
        return sum(self.labels)


@dataclass(frozen=True)
class EncodedPair:
    line: int
    chosen: EncodedExample
    rejected: EncodedExample

    @property
    def tokens(self):
        return len(self.chosen.input_ids) + len(self.rejected.input_ids)


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
    return _read_jsonl(path, source_name or path, _read_chat_record)


def read_preference_jsonl(path, source_name=None):
    """Reads preference records, the shape our validator normalises every DPO dataset to:
    {"input": {"messages": [...]}, "preferred_output": [assistant turn(s)], "non_preferred_output": [...]}.
    """
    return _read_jsonl(path, source_name or path, _read_preference_record)


def _read_jsonl(path, source, read_record):
    """Runs read_record(document, line_no, problems) on every non-blank line, then reports all problems at once."""
    problems = _Problems(source)
    records = []
    with open(path, encoding="utf-8", errors="strict") as f:
        try:
            for line_no, line in enumerate(f, start=1):
                if not line.strip():
                    continue
                try:
                    document = json.loads(line)
                except json.JSONDecodeError as e:
                    problems.add(line_no, "$", "DATA_LINE_NOT_JSON", f"not JSON: {e.msg} at column {e.colno}")
                    continue
                record = read_record(document, line_no, problems)
                if record is not None:
                    records.append(record)
        except UnicodeDecodeError as e:
            raise DataError("DATA_NOT_UTF8", f"{source} is not UTF-8 text (byte {e.start} of a line)", where={"file": source})
    problems.raise_if_any("DATA_RECORDS_INVALID", "invalid record(s)")
    if not records:
        raise DataError("DATA_EMPTY", f"{source} holds no records", where={"file": source})
    return records


def _read_chat_record(document, line_no, problems):
    messages = document.get("messages") if isinstance(document, dict) else None
    if not isinstance(messages, list) or not messages:
        hint = " (this looks like a preference record: train it with method DPO)" if _looks_like_preference(document) else ""
        problems.add(line_no, "$.messages", "DATA_MESSAGES_MISSING", "a record needs a non-empty \"messages\" array" + hint)
        return None
    clean = _clean_messages(messages, "$.messages", line_no, problems)
    if clean is None:
        return None
    if not any(m["role"] == "assistant" for m in clean):
        problems.add(line_no, "$.messages", "DATA_NO_ASSISTANT_MESSAGE", "nothing to learn: the record has no assistant message")
        return None
    return ChatRecord(line_no, clean)


def _looks_like_preference(document):
    return isinstance(document, dict) and "preferred_output" in document


def _read_preference_record(document, line_no, problems):
    if not isinstance(document, dict) or "preferred_output" not in document and "messages" in document:
        problems.add(line_no, "$", "DATA_NOT_PREFERENCE_RECORD",
                     "DPO needs preference records ({\"input\": {\"messages\"}, \"preferred_output\", \"non_preferred_output\"}); "
                     "this is not one (a chat record trains with method SFT)")
        return None
    prompt_holder = document.get("input")
    prompt = prompt_holder.get("messages") if isinstance(prompt_holder, dict) else None
    if not isinstance(prompt, list) or not prompt:
        problems.add(line_no, "$.input.messages", "DATA_MESSAGES_MISSING", "a preference record needs a non-empty \"input.messages\" array")
        return None
    prompt = _clean_messages(prompt, "$.input.messages", line_no, problems)
    if prompt is None:
        return None
    chosen = _response(document, "preferred_output", line_no, problems)
    if chosen is None:
        return None
    rejected = _response(document, "non_preferred_output", line_no, problems)
    if rejected is None:
        return None
    return PreferenceRecord(line_no, prompt, chosen, rejected)


def _response(document, name, line_no, problems):
    """One side of a pair: a non-empty list of turns the model produced (assistant, or tool results between them)."""
    path = "$." + name
    turns = document.get(name)
    if not isinstance(turns, list) or not turns:
        problems.add(line_no, path, "DATA_OUTPUT_MISSING", f"a preference record needs a non-empty \"{name}\" array of assistant messages")
        return None
    clean = _clean_messages(turns, path, line_no, problems)
    if clean is None:
        return None
    for i, message in enumerate(clean):
        if message["role"] not in RESPONSE_ROLES:
            problems.add(line_no, f"{path}[{i}].role", "DATA_OUTPUT_ROLE_INVALID",
                         f"an output holds the model's turns (assistant, tool), not {message['role']!r}")
            return None
    if clean[-1]["role"] != "assistant":
        problems.add(line_no, f"{path}[{len(clean) - 1}].role", "DATA_OUTPUT_ROLE_INVALID", "an output must end with an assistant message")
        return None
    return clean


def _clean_messages(messages, path, line_no, problems):
    """[{"role", "content"}] with content as plain text, or None after recording the first problem."""
    clean = []
    for i, message in enumerate(messages):
        where = f"{path}[{i}]"
        if not isinstance(message, dict):
            problems.add(line_no, where, "DATA_MESSAGE_NOT_OBJECT", "each message must be an object with role and content")
            return None
        role = message.get("role")
        if role not in ROLES:
            problems.add(line_no, where + ".role", "DATA_ROLE_INVALID", f"role must be one of {', '.join(ROLES)}, not {role!r}")
            return None
        text = _content_text(message.get("content"))
        if text is None:
            problems.add(line_no, where + ".content", "DATA_CONTENT_INVALID", "content must be a string or a list of text parts")
            return None
        clean.append({"role": role, "content": text})
    return clean


def assistant_spans(messages, render, first_trained=0):
    """Character spans [start, end) of each assistant turn from index first_trained on, in render(messages, False).

    render(messages, add_generation_prompt) -> str is the chat template.
    """
    full = render(messages, False)
    spans = []
    for i, message in enumerate(messages):
        if message["role"] != "assistant" or i < first_trained:
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


def encode_messages(line, messages, render, encode_with_offsets, train_on_inputs=False, first_trained=0):
    """Tokens of the rendered conversation, labelled True where they start inside an assistant turn at or after
    first_trained (every token with train_on_inputs).

    encode_with_offsets(text) -> (ids, [(start, end)...]) as a fast tokenizer's offset mapping gives.
    """
    full, spans = assistant_spans(messages, render, first_trained)
    ids, offsets = encode_with_offsets(full)
    if train_on_inputs:
        labels = [True] * len(ids)
    else:
        labels = [any(start <= s < end for start, end in spans) and e > s for s, e in offsets]
    return EncodedExample(line, list(ids), labels)


def encode_record(record, render, encode_with_offsets, train_on_inputs=False):
    """An SFT example: every assistant turn of the conversation is a target."""
    return encode_messages(record.line, record.messages, render, encode_with_offsets, train_on_inputs)


def encode_pair(record, render, encode_with_offsets):
    """A DPO pair: prompt + each response, labelled on the response's assistant turns only (never the prompt's,
    even when the prompt holds earlier assistant turns), which are the tokens whose log-probability DPO compares."""
    first = len(record.prompt)
    chosen = encode_messages(record.line, record.prompt + record.chosen, render, encode_with_offsets, first_trained=first)
    rejected = encode_messages(record.line, record.prompt + record.rejected, render, encode_with_offsets, first_trained=first)
    return EncodedPair(record.line, chosen, rejected)


def _fit_example(example, max_seq_len, overflow):
    """(example to keep, or None, and why not: "too_long" to report, "dropped" to skip)."""
    if len(example.input_ids) > max_seq_len:
        if overflow == "fail":
            return None, "too_long"
        if overflow == "drop":
            return None, "dropped"
        example = EncodedExample(example.line, example.input_ids[:max_seq_len], example.labels[:max_seq_len])
    # A causal LM predicts token t from tokens before it, so the first token is never a target.
    if not any(example.labels[1:]):
        return None, "dropped"
    return example, None


def _too_long_message(example, max_seq_len):
    return f"{len(example.input_ids)} tokens, {len(example.input_ids) - max_seq_len} over maxSeqLen {max_seq_len}"


def fit_to_length(examples, max_seq_len, overflow, source):
    """Applies the overflow policy (fail | truncate | drop); returns (kept, dropped lines)."""
    kept, dropped = [], []
    too_long = _Problems(source)
    for example in examples:
        fitted, why = _fit_example(example, max_seq_len, overflow)
        if why == "too_long":
            too_long.add(example.line, "$", "DATA_TOO_LONG", _too_long_message(example, max_seq_len))
        elif why == "dropped":
            dropped.append(example.line)
        else:
            kept.append(fitted)
    return _kept_or_fail(kept, dropped, too_long, max_seq_len, source)


def fit_pairs_to_length(pairs, max_seq_len, overflow, source):
    """The overflow policy on both sides of each pair: a pair is kept only when both responses keep a target token."""
    kept, dropped = [], []
    too_long = _Problems(source)
    for pair in pairs:
        chosen, chosen_why = _fit_example(pair.chosen, max_seq_len, overflow)
        rejected, rejected_why = _fit_example(pair.rejected, max_seq_len, overflow)
        if "too_long" in (chosen_why, rejected_why):
            longer = max(pair.chosen, pair.rejected, key=lambda e: len(e.input_ids))
            side = "preferred_output" if longer is pair.chosen else "non_preferred_output"
            too_long.add(pair.line, "$." + side, "DATA_TOO_LONG", _too_long_message(longer, max_seq_len))
        elif chosen is None or rejected is None:
            dropped.append(pair.line)
        else:
            kept.append(EncodedPair(pair.line, chosen, rejected))
    return _kept_or_fail(kept, dropped, too_long, max_seq_len, source)


def _kept_or_fail(kept, dropped, too_long, max_seq_len, source):
    too_long.raise_if_any("DATA_TOO_LONG", "record(s) longer than maxSeqLen (set overflow to truncate or drop)")
    if not kept:
        raise DataError("DATA_NOTHING_TO_TRAIN", f"no record of {source} has an assistant token within maxSeqLen {max_seq_len}",
                        where={"file": source, "droppedLines": dropped[:MAX_REPORTED_PROBLEMS]})
    return kept, dropped
