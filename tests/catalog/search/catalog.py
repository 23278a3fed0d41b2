"""A hand-written test catalog for the relevance suite: real project names, their real
categories and short descriptions in our own words. Some tools have no description, as the
bundled catalog has none before a GitHub refresh: they can be found only by their names and
their category."""

from __future__ import annotations

from catalog.models import FormerName, Tool, Topic
from tests.factories import make_category, make_layer, make_tool

LAYERS = {
    "infrastructure": "Infrastructure",
    "model-development": "Model development",
    "application-development": "Application development",
    "applications": "Applications",
}

# slug: (layer, name, description, synonyms)
CATEGORIES = {
    "serving": (
        "infrastructure", "Serving",
        "Servers, runtimes and gateways that expose trained models behind an API.",
        "LLM serving, inference server, local LLM",
    ),
    "vector-search": (
        "infrastructure", "Vector search & databases",
        "Approximate nearest-neighbour libraries and databases that store and query embeddings.",
        "vector database, vector store, similarity search",
    ),
    "monitoring": (
        "infrastructure", "Monitoring & observability",
        "Tracing and monitoring of LLM applications in production.",
        "LLM observability, tracing",
    ),
    "modeling-training": (
        "model-development", "Modeling & training",
        "Frameworks for defining, training and fine-tuning models.",
        "deep learning framework, LoRA",
    ),
    "inference-optimization": (
        "model-development", "Inference optimization",
        "Quantization, compilation and kernels that make models run faster or smaller.",
        "GGUF, model compression",
    ),
    "evaluation": (
        "model-development", "Evaluation",
        "Benchmarks, evaluation harnesses and guardrails.",
        "LLM evaluation, red teaming",
    ),
    "prompt-engineering": (
        "application-development", "Prompt engineering",
        "Libraries for writing, structuring, optimizing and constraining prompts.",
        "prompt optimization, structured output",
    ),
    "agents": (
        "application-development", "Agents",
        "Agent frameworks, multi-agent orchestration and tool integrations.",
        "AI agent, function calling, MCP server",
    ),
    "aie-frameworks": (
        "application-development", "AI engineering frameworks",
        "General LLM app frameworks and SDK wrappers.",
        "LLM framework, chains",
    ),
    "rag": (
        "application-development", "RAG & memory",
        "Retrieval-augmented generation, document Q&A and long-term memory.",
        "chat with documents, knowledge base",
    ),
    "audio-production": (
        "applications", "Audio production",
        "End-user apps for speech, voice and music generation.",
        "speech to text, transcription, text to speech, TTS",
    ),
    "image-production": (
        "applications", "Image production",
        "End-user apps for generating or editing images.",
        "text to image",
    ),
    "coding": (
        "applications", "Coding",
        "Code assistants, coding agents and IDE extensions.",
        "code completion, copilot",
    ),
    "lists": (
        "applications", "Lists",
        "Curated collections of tools, prompts and papers.",
        "awesome list",
    ),
}  # fmt: skip

# (full_name, category, stars, description, topics, display name)
TOOLS = [
    ("vllm-project/vllm", "serving", 60000,
     "A high-throughput and memory-efficient inference and serving engine for LLMs",
     ["llm", "inference"], ""),
    ("ollama/ollama", "serving", 150000,
     "Get up and running with Llama, Mistral, Gemma and other large language models.",
     ["llm", "ollama"], "Ollama"),
    ("huggingface/text-generation-inference", "serving", 10000,
     "Large Language Model Text Generation Inference", [], ""),
    ("sgl-project/sglang", "serving", 15000, "", [], ""),
    ("triton-inference-server/server", "serving", 9000, "", [], ""),
    ("bentoml/BentoML", "serving", 7000, "The easiest way to serve AI apps and models", [], ""),
    ("tensorflow/serving", "serving", 6000,
     "A flexible, high-performance serving system for machine learning models", [], ""),
    ("milvus-io/milvus", "vector-search", 35000, "", [], ""),
    ("qdrant/qdrant", "vector-search", 25000, "", ["vector-database", "rust"], ""),
    ("chroma-core/chroma", "vector-search", 20000, "", [], ""),
    ("weaviate/weaviate", "vector-search", 13000, "", [], ""),
    ("facebookresearch/faiss", "vector-search", 35000,
     "A library for efficient similarity search and clustering of dense vectors.", [], ""),
    ("pgvector/pgvector", "vector-search", 15000,
     "Open-source vector similarity search for Postgres", [], ""),
    ("lancedb/lancedb", "vector-search", 6000, "", [], ""),
    ("langfuse/langfuse", "monitoring", 12000,
     "Open source LLM engineering platform: observability, metrics, evals, prompt management",
     [], ""),
    ("Arize-ai/phoenix", "monitoring", 5000, "AI Observability & Evaluation", [], ""),
    ("huggingface/transformers", "modeling-training", 140000, "", ["nlp", "pytorch"], ""),
    ("pytorch/pytorch", "modeling-training", 90000, "", [], "PyTorch"),
    ("huggingface/peft", "modeling-training", 18000, "Parameter-Efficient Fine-Tuning", [], ""),
    ("hiyouga/LLaMA-Factory", "modeling-training", 50000,
     "Unified efficient fine-tuning of 100+ LLMs", [], ""),
    ("axolotl-ai-cloud/axolotl", "modeling-training", 9000, "", [], ""),
    ("unslothai/unsloth", "modeling-training", 40000,
     "Finetune Llama, Mistral and Gemma LLMs 2x faster with 70% less memory", [], ""),
    ("speechbrain/speechbrain", "modeling-training", 10000, "A PyTorch-based Speech Toolkit",
     [], ""),
    ("ggml-org/llama.cpp", "inference-optimization", 80000, "LLM inference in C/C++", [], ""),
    ("ggml-org/whisper.cpp", "inference-optimization", 40000,
     "Port of OpenAI's Whisper model in C/C++", [], ""),
    ("AutoGPTQ/AutoGPTQ", "inference-optimization", 4500,
     "An easy-to-use LLM quantization package", [], ""),
    ("EleutherAI/lm-evaluation-harness", "evaluation", 9000,
     "A framework for few-shot evaluation of language models.", [], ""),
    ("explodinggradients/ragas", "evaluation", 9000,
     "Supercharge your LLM application evaluations", [], ""),
    ("promptfoo/promptfoo", "evaluation", 8000, "Test your prompts, agents, and RAGs", [], ""),
    ("stanfordnlp/dspy", "prompt-engineering", 25000,
     "The framework for programming, not prompting, language models", [], "DSPy"),
    ("zou-group/textgrad", "prompt-engineering", 2500, "", [], ""),
    ("linshenkx/prompt-optimizer", "prompt-engineering", 15000,
     "A prompt optimizer for writing high-quality prompts", [], ""),
    ("guidance-ai/guidance", "prompt-engineering", 19000, "", [], ""),
    ("dottxt-ai/outlines", "prompt-engineering", 10000, "Structured text generation", [], ""),
    ("crewAIInc/crewAI", "agents", 30000,
     "Framework for orchestrating role-playing, autonomous AI agents", [], "CrewAI"),
    ("microsoft/autogen", "agents", 40000, "A programming framework for agentic AI", [], ""),
    ("langchain-ai/langgraph", "agents", 15000, "Build resilient language agents as graphs",
     [], ""),
    ("Significant-Gravitas/AutoGPT", "agents", 170000, "", [], ""),
    ("langchain-ai/langchain", "aie-frameworks", 100000,
     "Build context-aware reasoning applications", [], "LangChain"),
    ("run-llama/llama_index", "aie-frameworks", 40000, "", [], "LlamaIndex"),
    ("run-llama/LlamaIndexTS", "aie-frameworks", 2000, "", [], ""),
    ("deepset-ai/haystack", "aie-frameworks", 20000, "", [], ""),
    ("langchain4j/langchain4j", "aie-frameworks", 8000, "Java version of LangChain", [], ""),
    ("infiniflow/ragflow", "rag", 50000, "RAG engine based on deep document understanding",
     [], ""),
    ("mem0ai/mem0", "rag", 30000, "Memory layer for AI agents", [], ""),
    ("Mintplex-Labs/anything-llm", "rag", 40000, "", [], ""),
    ("openai/whisper", "audio-production", 80000,
     "Robust speech recognition via large-scale weak supervision", [], ""),
    ("coqui-ai/TTS", "audio-production", 40000, "A deep learning toolkit for Text-to-Speech",
     [], ""),
    ("Vaibhavs10/insanely-fast-whisper", "audio-production", 8000, "", [], ""),
    ("suno-ai/bark", "audio-production", 37000, "", [], ""),
    ("magenta/magenta", "audio-production", 19000,
     "Music and art generation with machine intelligence", [], ""),
    ("AUTOMATIC1111/stable-diffusion-webui", "image-production", 150000, "", [], ""),
    ("comfyanonymous/ComfyUI", "image-production", 80000,
     "The most powerful and modular diffusion model GUI", [], ""),
    ("CompVis/stable-diffusion", "image-production", 70000,
     "A latent text-to-image diffusion model", [], ""),
    ("invoke-ai/InvokeAI", "image-production", 25000, "", [], ""),
    ("Aider-AI/aider", "coding", 35000, "AI pair programming in your terminal", [], ""),
    ("continuedev/continue", "coding", 25000, "", [], ""),
    ("TabbyML/tabby", "coding", 30000, "Self-hosted AI coding assistant", [], ""),
    ("Hannibal046/Awesome-LLM", "lists", 20000,
     "A curated list of papers about large language models", [], ""),
    ("e2b-dev/awesome-ai-agents", "lists", 10000, "A list of AI autonomous agents", [], ""),
    # Noise: small projects whose words overlap the popular ones.
    ("someone/vector-notes", "lists", 3, "Notes about vector databases", [], ""),
    ("student/speech-homework", "lists", None, "Homework on speech", [], ""),
]  # fmt: skip

FORMER_NAMES = {"hwchase17/langchain": "langchain-ai/langchain"}


def build_catalog() -> dict[str, Tool]:
    layers = {
        slug: make_layer(slug, name=name, position=n)
        for n, (slug, name) in enumerate(LAYERS.items())
    }
    categories = {
        slug: make_category(
            slug, layer=layers[layer], name=name, description=description, synonyms=synonyms
        )
        for slug, (layer, name, description, synonyms) in CATEGORIES.items()
    }
    tools: dict[str, Tool] = {}
    for full_name, category, stars, description, topics, display_name in TOOLS:
        tool = make_tool(
            full_name,
            category=categories[category],
            stars=stars,
            description=description,
            display_name=display_name,
        )
        if topics:
            tool.topics.set([Topic.objects.get_or_create(name=name)[0] for name in topics])
            tool.search_document = tool.compose_search_document(topics)
            tool.save(update_fields=["search_document"])
        tools[full_name] = tool
    for old, current in FORMER_NAMES.items():
        FormerName.objects.create(tool=tools[current], full_name=old)
    return tools
