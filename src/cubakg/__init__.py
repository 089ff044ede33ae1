"""cubakg: a knowledge graph of US–Cuba migration diplomacy built from news articles."""

__version__ = "0.1.0"
