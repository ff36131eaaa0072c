import json

import pytest

from refinery_trainer.data import (ChatRecord, EncodedExample, EncodedPair, PreferenceRecord, assistant_spans, encode_pair,
                                   encode_record, fit_pairs_to_length, fit_to_length, read_chat_jsonl, read_preference_jsonl)
from refinery_trainer.errors import DataError


def chatml(messages, add_generation_prompt):
    text = "".join(f"<{m['role']}>{m['content']}</s>\n" for m in messages)
    return text + ("<assistant>" if add_generation_prompt else "")


def char_tokens(text):
    """One token per character: ids are code points, offsets are positions."""
    return [ord(c) for c in text], [(i, i + 1) for i in range(len(text))]


def write_lines(tmp_path, lines):
    path = tmp_path / "train.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_every_bad_record_is_reported_with_its_line_and_path(tmp_path):
    good = json.dumps({"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]})
    path = write_lines(tmp_path, [
        good,
        "{not json",
        json.dumps({"messages": []}),
        json.dumps({"messages": [{"role": "robot", "content": "x"}]}),
        "",
        json.dumps({"messages": [{"role": "user", "content": "only a question"}]}),
        json.dumps({"messages": [{"role": "user", "content": 5}, {"role": "assistant", "content": "x"}]}),
    ])
    with pytest.raises(DataError) as raised:
        read_chat_jsonl(path, "train.jsonl")
    problems = raised.value.where["problems"]
    assert [(p["line"], p["path"], p["code"]) for p in problems] == [
        (2, "$", "DATA_LINE_NOT_JSON"),
        (3, "$.messages", "DATA_MESSAGES_MISSING"),
        (4, "$.messages[0].role", "DATA_ROLE_INVALID"),
        (6, "$.messages", "DATA_NO_ASSISTANT_MESSAGE"),
        (7, "$.messages[0].content", "DATA_CONTENT_INVALID"),
    ]
    assert raised.value.where["problemCount"] == 5


def test_text_content_parts_are_joined(tmp_path):
    parts = [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]
    path = write_lines(tmp_path, [json.dumps({"messages": [{"role": "user", "content": parts}, {"role": "assistant", "content": "c"}]})])
    assert read_chat_jsonl(path)[0].messages[0]["content"] == "ab"


def test_only_assistant_turns_are_trained_on():
    record = ChatRecord(1, [{"role": "system", "content": "S"}, {"role": "user", "content": "Q1"},
                            {"role": "assistant", "content": "A1"}, {"role": "user", "content": "Q2"},
                            {"role": "assistant", "content": "A2"}])
    example = encode_record(record, chatml, char_tokens)
    trained = "".join(chr(t) for t, keep in zip(example.input_ids, example.labels) if keep)
    assert trained == "A1</s>\nA2</s>\n"


def test_train_on_inputs_trains_on_every_token():
    record = ChatRecord(1, [{"role": "user", "content": "Q"}, {"role": "assistant", "content": "A"}])
    example = encode_record(record, chatml, char_tokens, train_on_inputs=True)
    assert all(example.labels) and len(example.labels) == len(chatml(record.messages, False))


def test_a_template_that_rewrites_earlier_turns_is_refused():
    def unstable(messages, add_generation_prompt):
        return f"[{len(messages)} turns]" + chatml(messages, add_generation_prompt)

    with pytest.raises(DataError) as raised:
        assistant_spans([{"role": "user", "content": "Q"}, {"role": "assistant", "content": "A"}], unstable)
    assert raised.value.code == "DATA_TEMPLATE_NOT_PREFIX_STABLE"


def example(line, length, trained_from):
    return EncodedExample(line, list(range(length)), [i >= trained_from for i in range(length)])


def test_overflow_fail_lists_every_long_record():
    with pytest.raises(DataError) as raised:
        fit_to_length([example(1, 10, 5), example(2, 4, 2), example(3, 12, 5)], 8, "fail", "train.jsonl")
    assert [p["line"] for p in raised.value.where["problems"]] == [1, 3]
    assert "2 over maxSeqLen 8" in raised.value.where["problems"][0]["message"]


def test_overflow_truncate_keeps_records_with_targets_left_and_drop_drops():
    kept, dropped = fit_to_length([example(1, 10, 5), example(2, 10, 9), example(3, 4, 2)], 8, "truncate", "t")
    assert [e.line for e in kept] == [1, 3] and dropped == [2]
    assert len(kept[0].input_ids) == 8
    kept, dropped = fit_to_length([example(1, 10, 5), example(3, 4, 2)], 8, "drop", "t")
    assert [e.line for e in kept] == [3] and dropped == [1]


def test_nothing_left_to_train_is_an_error():
    with pytest.raises(DataError) as raised:
        fit_to_length([example(1, 10, 9)], 8, "truncate", "t")
    assert raised.value.code == "DATA_NOTHING_TO_TRAIN"


def preference(prompt, chosen="good", rejected="bad"):
    return {"input": {"messages": prompt}, "preferred_output": [{"role": "assistant", "content": chosen}],
            "non_preferred_output": [{"role": "assistant", "content": rejected}]}


def test_every_bad_preference_record_is_reported_with_its_line_and_path(tmp_path):
    question = [{"role": "user", "content": "Q"}]
    no_rejected = preference(question)
    del no_rejected["non_preferred_output"]
    user_output = preference(question)
    user_output["preferred_output"] = [{"role": "user", "content": "not the model's"}]
    tool_last = preference(question)
    tool_last["non_preferred_output"] = [{"role": "assistant", "content": "calling"}, {"role": "tool", "content": "42"}]
    path = write_lines(tmp_path, [
        json.dumps(preference(question, [{"type": "text", "text": "go"}, {"type": "text", "text": "od"}])),
        json.dumps({"messages": question + [{"role": "assistant", "content": "A"}]}),
        json.dumps(preference([])),
        json.dumps(no_rejected),
        "",
        json.dumps(user_output),
        json.dumps(tool_last),
        json.dumps(preference([{"role": "user", "content": 7}])),
        "[1, 2",
    ])
    with pytest.raises(DataError) as raised:
        read_preference_jsonl(path, "train.jsonl")
    problems = raised.value.where["problems"]
    assert [(p["line"], p["path"], p["code"]) for p in problems] == [
        (2, "$", "DATA_NOT_PREFERENCE_RECORD"),
        (3, "$.input.messages", "DATA_MESSAGES_MISSING"),
        (4, "$.non_preferred_output", "DATA_OUTPUT_MISSING"),
        (6, "$.preferred_output[0].role", "DATA_OUTPUT_ROLE_INVALID"),
        (7, "$.non_preferred_output[1].role", "DATA_OUTPUT_ROLE_INVALID"),
        (8, "$.input.messages[0].content", "DATA_CONTENT_INVALID"),
        (9, "$", "DATA_LINE_NOT_JSON"),
    ]
    assert "train.jsonl" in raised.value.message and "line 2" in raised.value.message


def test_a_preference_record_keeps_prompt_and_both_responses(tmp_path):
    path = write_lines(tmp_path, [json.dumps(preference([{"role": "system", "content": "S"}, {"role": "user", "content": "Q"}],
                                                        [{"type": "text", "text": "A"}], "B"))])
    (record,) = read_preference_jsonl(path)
    assert (record.line, [m["role"] for m in record.prompt]) == (1, ["system", "user"])
    assert record.chosen == [{"role": "assistant", "content": "A"}]
    assert record.rejected == [{"role": "assistant", "content": "B"}]


def test_a_chat_dataset_given_preference_records_says_so(tmp_path):
    path = write_lines(tmp_path, [json.dumps(preference([{"role": "user", "content": "Q"}]))])
    with pytest.raises(DataError) as raised:
        read_chat_jsonl(path)
    problem = raised.value.where["problems"][0]
    assert problem["path"] == "$.messages" and "method DPO" in problem["message"]


def test_a_pair_is_labelled_on_its_responses_only_never_the_prompts_earlier_answers():
    record = PreferenceRecord(1, [{"role": "user", "content": "Q1"}, {"role": "assistant", "content": "A1"},
                                  {"role": "user", "content": "Q2"}],
                              [{"role": "assistant", "content": "Yes"}], [{"role": "assistant", "content": "No"}])
    pair = encode_pair(record, chatml, char_tokens)
    trained = lambda e: "".join(chr(t) for t, keep in zip(e.input_ids, e.labels) if keep)  # noqa: E731
    assert (trained(pair.chosen), trained(pair.rejected)) == ("Yes</s>\n", "No</s>\n")
    assert pair.tokens == len(pair.chosen.input_ids) + len(pair.rejected.input_ids)


def pair(line, chosen_length, rejected_length, prompt_length):
    return EncodedPair(line, example(line, chosen_length, prompt_length), example(line, rejected_length, prompt_length))


def test_pairs_over_max_seq_len_fail_with_the_longer_side_named_or_are_truncated_together():
    with pytest.raises(DataError) as raised:
        fit_pairs_to_length([pair(1, 6, 12, 3), pair(2, 6, 6, 3)], 8, "fail", "t")
    (problem,) = raised.value.where["problems"]
    assert (problem["line"], problem["path"]) == (1, "$.non_preferred_output")
    kept, dropped = fit_pairs_to_length([pair(1, 6, 12, 3), pair(2, 10, 6, 9), pair(3, 12, 12, 3)], 8, "truncate", "t")
    assert [p.line for p in kept] == [1, 3] and dropped == [2]  # pair 2's chosen side loses every response token
    assert len(kept[0].rejected.input_ids) == 8 and len(kept[0].chosen.input_ids) == 6
    kept, dropped = fit_pairs_to_length([pair(1, 6, 12, 3), pair(2, 6, 6, 3)], 8, "drop", "t")
    assert [p.line for p in kept] == [2] and dropped == [1]
