"""Default synonyms of the bundled categories: other words people use when they mean them.

Written into ``Category.synonyms`` by migration 0003 for categories that exist then; a category
whose synonyms are empty answers to these defaults, so a catalog imported later gets them too.
A curator's own synonyms (admin) replace the defaults for that category.
"""

from __future__ import annotations

DEFAULT_SYNONYMS: dict[str, tuple[str, ...]] = {
    "serving": (
        "LLM serving", "model serving", "inference server", "inference engine",
        "local LLM", "run models locally", "OpenAI-compatible API", "deployment",
    ),
    "compute-management": (
        "GPU cluster", "job scheduler", "workflow orchestration", "pipeline orchestration",
        "MLOps", "distributed computing", "Kubernetes",
    ),
    "vector-search": (
        "vector database", "vector store", "embedding database", "similarity search",
        "nearest neighbor search", "ANN index", "semantic search",
    ),
    "monitoring": (
        "LLM observability", "tracing", "logging", "telemetry", "experiment tracking",
        "model monitoring", "drift detection",
    ),
    "tooling": ("notebook", "IDE", "Jupyter", "developer tools", "workspace"),
    "modeling-training": (
        "deep learning framework", "machine learning library", "fine-tuning",
        "training framework", "LoRA", "distributed training", "speech recognition toolkit",
    ),
    "inference-optimization": (
        "quantization", "model compression", "compiler", "GPU kernels", "GGUF",
        "faster inference", "speculative decoding",
    ),
    "dataset-engineering": (
        "data labeling", "annotation", "synthetic data", "data cleaning", "data loading",
        "web scraping", "document parsing", "ETL",
    ),
    "evaluation": (
        "LLM evaluation", "benchmark", "evals", "red teaming", "guardrails",
        "interpretability", "testing LLM apps",
    ),
    "prompt-engineering": (
        "prompt optimization", "prompt management", "structured output", "constrained generation",
        "prompt templates", "JSON output",
    ),
    "ai-interface": (
        "chat UI", "chat interface", "web UI", "frontend", "voice interface",
    ),
    "agents": (
        "AI agent", "multi-agent", "autonomous agent", "tool calling", "function calling",
        "MCP server", "Model Context Protocol", "computer use", "browser automation",
    ),
    "aie-frameworks": (
        "LLM framework", "LLM app framework", "LLM SDK", "orchestration framework",
        "low-code", "no-code", "chains",
    ),
    "rag": (
        "retrieval augmented generation", "document question answering", "chat with documents",
        "chat with PDF", "knowledge base", "long-term memory", "GraphRAG",
    ),
    "coding": (
        "code assistant", "coding agent", "code generation", "code completion", "copilot",
        "AI pair programmer", "code review",
    ),
    "workflow-automation": ("automation", "productivity", "RPA", "task automation"),
    "info-aggregation": (
        "research assistant", "AI search engine", "summarization", "deep research",
        "news aggregation",
    ),
    "data-analytics": (
        "text to SQL", "data analysis", "business intelligence", "chat with data",
        "spreadsheet", "charts",
    ),
    "bots": ("chatbot", "personal assistant", "Discord bot", "Telegram bot", "companion"),
    "image-production": (
        "image generation", "text to image", "image editing", "Stable Diffusion UI",
        "diffusion", "AI art",
    ),
    "video-production": (
        "video generation", "text to video", "video editing", "talking head", "animation",
    ),
    "audio-production": (
        "speech to text", "speech recognition", "transcription", "ASR", "text to speech",
        "TTS", "voice cloning", "speech synthesis", "music generation",
    ),
    "writing": ("writing assistant", "translation", "content generation", "copywriting"),
    "education": ("tutor", "learning", "teaching"),
    "other-apps": ("games", "simulation", "science", "healthcare", "finance"),
    "model-repo": (
        "model weights", "pretrained model", "open-weight model", "foundation model",
        "LLM", "checkpoint",
    ),
    "tutorials": ("course", "book", "guide", "from scratch", "learn", "examples"),
    "lists": ("awesome list", "curated list", "collection", "resources", "papers"),
}  # fmt: skip


def default_synonyms(slug: str) -> str:
    """The defaults for a category, as a curator would write them (comma-separated)."""
    return ", ".join(DEFAULT_SYNONYMS.get(slug, ()))
