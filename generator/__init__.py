"""digest: a static site generator for curated research-paper digests."""

__version__ = "0.2.0"
