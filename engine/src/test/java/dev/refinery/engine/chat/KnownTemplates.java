package dev.refinery.engine.chat;

/**
 * chat_template strings as published in the tokenizer_config.json of well-known models (data, copied
 * verbatim). Expected renderings in the tests were produced with Python's Jinja set up as transformers'
 * apply_chat_template sets it up (trim_blocks, lstrip_blocks, raise_exception).
 */
final class KnownTemplates {

    private KnownTemplates() {
    }

    /** Generic ChatML (e.g. OpenHermes). */
    static final String CHATML = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    /** Qwen2-Instruct: ChatML with a default system prompt. */
    static final String QWEN2 = "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}{% endif %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    /** SmolLM2-Instruct: ChatML with its own default system prompt. */
    static final String SMOLLM2 = "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\\n' }}{% endif %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    /** Meta-Llama-3-Instruct. */
    static final String LLAMA3 = "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}";

    /** Llama-2-chat. */
    static final String LLAMA2 = "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}{% set system_message = messages[0]['content'] %}{% else %}{% set loop_messages = messages %}{% set system_message = false %}{% endif %}{% for message in loop_messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if loop.index0 == 0 and system_message != false %}{% set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + message['content'] %}{% else %}{% set content = message['content'] %}{% endif %}{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ ' '  + content.strip() + ' ' + eos_token }}{% endif %}{% endfor %}";

    /** TinyLlama-1.1B-Chat (Zephyr format), with real newlines between its tags. */
    static final String TINYLLAMA = "{% for message in messages %}\n{% if message['role'] == 'user' %}\n{{ '<|user|>\n' + message['content'] + eos_token }}\n{% elif message['role'] == 'system' %}\n{{ '<|system|>\n' + message['content'] + eos_token }}\n{% elif message['role'] == 'assistant' %}\n{{ '<|assistant|>\n'  + message['content'] + eos_token }}\n{% endif %}\n{% if loop.last and add_generation_prompt %}\n{{ '<|assistant|>' }}\n{% endif %}\n{% endfor %}";

    /** Qwen2.5-Instruct: indented, with whitespace control, tool branches and a default system prompt. */
    static final String QWEN25 = String.join("\n",
            "{%- if tools %}",
            "    {{- '<|im_start|>system\\n' }}",
            "    {%- if messages[0]['role'] == 'system' %}",
            "        {{- messages[0]['content'] }}",
            "    {%- else %}",
            "        {{- 'You are Qwen, created by Alibaba Cloud. You are a helpful assistant.' }}",
            "    {%- endif %}",
            "    {{- \"\\n\\n# Tools\\n\\nYou may call one or more functions to assist with the user query.\\n\\nYou are provided with function signatures within <tools></tools> XML tags:\\n<tools>\" }}",
            "    {%- for tool in tools %}",
            "        {{- \"\\n\" }}",
            "        {{- tool | tojson }}",
            "    {%- endfor %}",
            "    {{- \"\\n</tools>\\n\\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\\n<tool_call>\\n{\\\"name\\\": <function-name>, \\\"arguments\\\": <args-json-object>}\\n</tool_call><|im_end|>\\n\" }}",
            "{%- else %}",
            "    {%- if messages[0]['role'] == 'system' %}",
            "        {{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}",
            "    {%- else %}",
            "        {{- '<|im_start|>system\\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\\n' }}",
            "    {%- endif %}",
            "{%- endif %}",
            "{%- for message in messages %}",
            "    {%- if (message.role == \"user\") or (message.role == \"system\" and not loop.first) or (message.role == \"assistant\" and not message.tool_calls) %}",
            "        {{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>' + '\\n' }}",
            "    {%- elif message.role == \"assistant\" %}",
            "        {{- '<|im_start|>' + message.role }}",
            "        {%- if message.content %}",
            "            {{- '\\n' + message.content }}",
            "        {%- endif %}",
            "        {%- for tool_call in message.tool_calls %}",
            "            {%- if tool_call.function is defined %}",
            "                {%- set tool_call = tool_call.function %}",
            "            {%- endif %}",
            "            {{- '\\n<tool_call>\\n{\"name\": \"' }}",
            "            {{- tool_call.name }}",
            "            {{- '\", \"arguments\": ' }}",
            "            {{- tool_call.arguments | tojson }}",
            "            {{- '}\\n</tool_call>' }}",
            "        {%- endfor %}",
            "        {{- '<|im_end|>\\n' }}",
            "    {%- elif message.role == \"tool\" %}",
            "        {%- if (loop.index0 == 0) or (messages[loop.index0 - 1].role != \"tool\") %}",
            "            {{- '<|im_start|>user' }}",
            "        {%- endif %}",
            "        {{- '\\n<tool_response>\\n' }}",
            "        {{- message.content }}",
            "        {{- '\\n</tool_response>' }}",
            "        {%- if loop.last or (messages[loop.index0 + 1].role != \"tool\") %}",
            "            {{- '<|im_end|>\\n' }}",
            "        {%- endif %}",
            "    {%- endif %}",
            "{%- endfor %}",
            "{%- if add_generation_prompt %}",
            "    {{- '<|im_start|>assistant\\n' }}",
            "{%- endif %}",
            "");
}
