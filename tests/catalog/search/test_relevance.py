"""The relevance suite: everyday questions and the tools that must answer them in the first
ten results, on the hand-written catalog of ``catalog.py``. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.tool_queries import parse_tool_query, tool_list
from tests.catalog.search.catalog import TOOLS, build_catalog

# query → tools that must be among the first ten results
EXPECTED: dict[str, list[str]] = {
    # Concepts, answered by categories, synonyms and descriptions (stemmed)
    "vector database": ["milvus-io/milvus", "qdrant/qdrant", "chroma-core/chroma",
                        "weaviate/weaviate"],
    "vector databases": ["milvus-io/milvus", "qdrant/qdrant"],
    "vector store": ["chroma-core/chroma", "qdrant/qdrant"],
    "similarity search": ["facebookresearch/faiss", "pgvector/pgvector"],
    "prompt optimization": ["stanfordnlp/dspy", "linshenkx/prompt-optimizer",
                            "zou-group/textgrad"],
    "speech to text": ["openai/whisper", "Vaibhavs10/insanely-fast-whisper"],
    "text to speech": ["coqui-ai/TTS"],
    "llm serving": ["vllm-project/vllm", "sgl-project/sglang",
                    "huggingface/text-generation-inference"],
    "inference server": ["triton-inference-server/server", "vllm-project/vllm"],
    "fine-tuning": ["huggingface/peft", "hiyouga/LLaMA-Factory"],
    "finetuning": ["unslothai/unsloth"],
    "quantization": ["AutoGPTQ/AutoGPTQ", "ggml-org/llama.cpp"],
    "agent framework": ["crewAIInc/crewAI", "microsoft/autogen", "langchain-ai/langgraph"],
    "multi-agent": ["crewAIInc/crewAI", "microsoft/autogen"],
    "retrieval augmented generation": ["infiniflow/ragflow"],
    "chat with documents": ["infiniflow/ragflow", "Mintplex-Labs/anything-llm"],
    "text to image": ["AUTOMATIC1111/stable-diffusion-webui", "comfyanonymous/ComfyUI",
                      "CompVis/stable-diffusion"],
    "generating images": ["comfyanonymous/ComfyUI", "AUTOMATIC1111/stable-diffusion-webui"],
    "code assistant": ["TabbyML/tabby", "Aider-AI/aider", "continuedev/continue"],
    "llm observability": ["langfuse/langfuse", "Arize-ai/phoenix"],
    "llm evaluation": ["EleutherAI/lm-evaluation-harness", "explodinggradients/ragas"],
    "music generation": ["magenta/magenta"],
    "structured output": ["dottxt-ai/outlines", "guidance-ai/guidance"],
    "awesome list": ["Hannibal046/Awesome-LLM"],
    # Misspellings
    "langchian": ["langchain-ai/langchain"],
    "olama": ["ollama/ollama"],
    "stable difusion": ["CompVis/stable-diffusion", "AUTOMATIC1111/stable-diffusion-webui"],
    "hugingface transformers": ["huggingface/transformers"],
    "qdrnt": ["qdrant/qdrant"],
    "milvsu": ["milvus-io/milvus"],
    "pytroch": ["pytorch/pytorch"],
    "lama.cpp": ["ggml-org/llama.cpp"],
    # Bare names and their spellings
    "llamaindex": ["run-llama/llama_index"],
    "llama_index": ["run-llama/llama_index"],
    "llama-index": ["run-llama/llama_index"],
    "LlamaIndex": ["run-llama/llama_index", "run-llama/LlamaIndexTS"],
    "crewai": ["crewAIInc/crewAI"],
    "autogpt": ["Significant-Gravitas/AutoGPT"],
    "comfyui": ["comfyanonymous/ComfyUI"],
    "text-generation-inference": ["huggingface/text-generation-inference"],
    "dspy": ["stanfordnlp/dspy"],
    # Owners, full names and former names
    "huggingface": ["huggingface/transformers", "huggingface/peft",
                    "huggingface/text-generation-inference"],
    "run-llama": ["run-llama/llama_index", "run-llama/LlamaIndexTS"],
    "langchain-ai": ["langchain-ai/langchain", "langchain-ai/langgraph"],
    "ggml-org": ["ggml-org/llama.cpp", "ggml-org/whisper.cpp"],
    "vllm-project/vllm": ["vllm-project/vllm"],
    "hwchase17/langchain": ["langchain-ai/langchain"],
    # Two-word phrases
    "whisper cpp": ["ggml-org/whisper.cpp"],
    "stable diffusion": ["CompVis/stable-diffusion", "AUTOMATIC1111/stable-diffusion-webui"],
    "lm evaluation": ["EleutherAI/lm-evaluation-harness"],
    "memory layer": ["mem0ai/mem0"],
    "deep learning toolkit": ["coqui-ai/TTS"],
}  # fmt: skip

# query → the tool that must come first
FIRST = {
    "llamaindex": "run-llama/llama_index",
    "llama_index": "run-llama/llama_index",
    "langchian": "langchain-ai/langchain",
    "olama": "ollama/ollama",
    "qdrnt": "qdrant/qdrant",
    "hwchase17/langchain": "langchain-ai/langchain",
    "vllm-project/vllm": "vllm-project/vllm",
    "crewai": "crewAIInc/crewAI",
    "whisper cpp": "ggml-org/whisper.cpp",
}

# query → tools that must NOT be found at all (no false friends)
ABSENT = {
    "agent": ["magenta/magenta"],  # "agent" is not in "magenta"
    "vector database": ["openai/whisper", "ollama/ollama"],
}


def first_ten(q: str) -> list[str]:
    return [tool.full_name for tool in tool_list(query=parse_tool_query({"q": q}))[:10]]


def found(q: str) -> list[str]:
    return [tool.full_name for tool in tool_list(query=parse_tool_query({"q": q}))]


@pytest.fixture
def tools(db):
    return build_catalog()


def test_the_suite_asks_at_least_forty_questions():
    assert len(EXPECTED) >= 40


def test_every_question_finds_its_tools_in_the_first_ten(tools, subtests):
    for q, expected in EXPECTED.items():
        with subtests.test(q=q):
            results = first_ten(q)
            missing = [name for name in expected if name not in results]
            assert not missing, f"{q!r}: {missing} not in the first ten: {results}"


def test_the_best_answer_comes_first(tools, subtests):
    for q, expected in FIRST.items():
        with subtests.test(q=q):
            assert first_ten(q)[:1] == [expected]


def test_no_false_friends(tools, subtests):
    for q, unexpected in ABSENT.items():
        with subtests.test(q=q):
            results = found(q)
            assert results, f"{q!r} found nothing"
            assert not set(unexpected) & set(results)


def test_a_category_answers_with_its_most_starred_tools_first(tools):
    # Most have no description: only their category says what they are.
    vector_search = {name for name, category, *_ in TOOLS if category == "vector-search"}
    assert set(first_ten("vector database")[:7]) == vector_search


def test_a_search_takes_a_few_queries_however_many_tools_match(tools):
    # Categories, names (SQLite's fuzzy matching), then the page: never one per tool.
    for q in ("vector database", "llm", "langchian", "hwchase17/langchain"):
        with CaptureQueriesContext(connection) as captured:
            assert first_ten(q)
        assert len(captured) <= 5, q
