"""Actions, the by-when parser, RAG rules and progress updates."""
