"""Well-known tools sit where an AI engineer looks for them first (docs/taxonomy.md).

Written by hand from the rubric, not read from the data: a wrong move in ai_tools.csv fails
here. Each entry is owner/name -> category slug.
"""

from __future__ import annotations

import pytest

from tests.catalog.data.bundled import tool_by_name

WELL_KNOWN = {
    # Infrastructure
    "vllm-project/vllm": "serving",
    "sgl-project/sglang": "serving",
    "huggingface/text-generation-inference": "serving",
    "triton-inference-server/server": "serving",
    "ggml-org/llama.cpp": "serving",
    "ollama/ollama": "serving",
    "InternLM/lmdeploy": "serving",
    "NVIDIA/TensorRT-LLM": "serving",
    "kserve/kserve": "serving",
    "bentoml/BentoML": "serving",
    "mudler/LocalAI": "serving",
    "BerriAI/litellm": "serving",
    "microsoft/onnxruntime": "serving",
    "flyteorg/flyte": "compute-management",
    "zenml-io/zenml": "compute-management",
    "Netflix/metaflow": "compute-management",
    "kubeflow/kubeflow": "compute-management",
    "apache/airflow": "compute-management",
    "ray-project/ray": "compute-management",
    "skypilot-org/skypilot": "compute-management",
    "qdrant/qdrant": "vector-search",
    "milvus-io/milvus": "vector-search",
    "weaviate/weaviate": "vector-search",
    "chroma-core/chroma": "vector-search",
    "pgvector/pgvector": "vector-search",
    "facebookresearch/faiss": "vector-search",
    "lancedb/lancedb": "vector-search",
    "langfuse/langfuse": "monitoring",
    "Arize-ai/phoenix": "monitoring",
    "evidentlyai/evidently": "monitoring",
    "Helicone/helicone": "monitoring",
    "jupyterlab/jupyterlab": "tooling",
    "marimo-team/marimo": "tooling",
    # Model development
    "huggingface/transformers": "modeling-training",
    "pytorch/pytorch": "modeling-training",
    "huggingface/peft": "modeling-training",
    "huggingface/trl": "modeling-training",
    "axolotl-ai-cloud/axolotl": "modeling-training",
    "unslothai/unsloth": "modeling-training",
    "hiyouga/LlamaFactory": "modeling-training",
    "mlflow/mlflow": "modeling-training",
    "wandb/wandb": "modeling-training",
    "huggingface/optimum": "inference-optimization",
    "Dao-AILab/flash-attention": "inference-optimization",
    "AutoGPTQ/AutoGPTQ": "inference-optimization",
    "bitsandbytes-foundation/bitsandbytes": "inference-optimization",
    "huggingface/datasets": "dataset-engineering",
    "docling-project/docling": "dataset-engineering",
    "HumanSignal/label-studio": "dataset-engineering",
    "unclecode/crawl4ai": "dataset-engineering",
    "EleutherAI/lm-evaluation-harness": "evaluation",
    "explodinggradients/ragas": "evaluation",
    "promptfoo/promptfoo": "evaluation",
    "NVIDIA/garak": "evaluation",
    "stanford-crfm/helm": "evaluation",
    # Application development
    "dottxt-ai/outlines": "prompt-engineering",
    "stanfordnlp/dspy": "prompt-engineering",
    "jxnl/instructor": "prompt-engineering",
    "guidance-ai/guidance": "prompt-engineering",
    "open-webui/open-webui": "ai-interface",
    "danny-avila/LibreChat": "ai-interface",
    "lobehub/lobe-chat": "ai-interface",
    "gradio-app/gradio": "ai-interface",
    "janhq/jan": "ai-interface",
    "langchain-ai/langgraph": "agents",
    "microsoft/autogen": "agents",
    "crewAIInc/crewAI": "agents",
    "huggingface/smolagents": "agents",
    "browser-use/browser-use": "agents",
    "modelcontextprotocol/python-sdk": "agents",
    "langchain-ai/langchain": "aie-frameworks",
    "langgenius/dify": "aie-frameworks",
    "vercel/ai": "aie-frameworks",
    "run-llama/llama_index": "rag",
    "infiniflow/ragflow": "rag",
    "microsoft/graphrag": "rag",
    "mem0ai/mem0": "rag",
    # Applications
    "gpt-engineer-org/gpt-engineer": "coding",
    "Aider-AI/aider": "coding",
    "cline/cline": "coding",
    "OpenHands/OpenHands": "coding",
    "anthropics/claude-code": "coding",
    "n8n-io/n8n": "workflow-automation",
    "assafelovic/gpt-researcher": "info-aggregation",
    "stanford-oval/storm": "info-aggregation",
    "vanna-ai/vanna": "data-analytics",
    "chat2db/Chat2DB": "data-analytics",
    "zhayujie/CowAgent": "bots",
    "AUTOMATIC1111/stable-diffusion-webui": "image-production",
    "Comfy-Org/ComfyUI": "image-production",
    "harry0703/MoneyPrinterTurbo": "video-production",
    "RVC-Boss/GPT-SoVITS": "audio-production",
    "Byaidu/PDFMathTranslate": "writing",
    "HKUDS/DeepTutor": "education",
    "a16z-infra/AI-town": "other-apps",
    # Model repos, tutorials and lists
    "haotian-liu/LLaVA": "model-repo",
    "deepseek-ai/DeepSeek-V3": "model-repo",
    "openai/whisper": "model-repo",
    "meta-llama/llama3": "model-repo",
    "mlabonne/llm-course": "tutorials",
    "rasbt/LLMs-from-scratch": "tutorials",
    "karpathy/llama2.c": "tutorials",
    "Hannibal046/Awesome-LLM": "lists",
    "punkpeye/awesome-mcp-servers": "lists",
    "f/prompts.chat": "lists",
}

# Issue 9 named these as misplaced, not an AI tool, or both; they must not come back.
REMOVED = ["thedaviddias/Front-End-Checklist", "moby/moby", "gitleaks/gitleaks"]


def test_the_table_is_big_enough_to_mean_something():
    assert len(WELL_KNOWN) >= 60


@pytest.mark.parametrize(("full_name", "category"), WELL_KNOWN.items())
def test_a_well_known_tool_sits_in_its_category(full_name, category):
    row = tool_by_name().get(full_name.lower())

    assert row is not None, f"{full_name} is missing from ai_tools.csv"
    assert (row["full_name"], row["category"]) == (full_name, category)


def test_tools_that_are_not_ai_tools_are_gone():
    by_name = tool_by_name()

    assert [name for name in REMOVED if name.lower() in by_name] == []


def test_a_kotlin_api_client_is_a_framework_not_an_audio_app():
    assert tool_by_name()["aallam/openai-kotlin"]["category"] == "aie-frameworks"
