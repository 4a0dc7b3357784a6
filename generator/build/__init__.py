"""Building the site: the recipe, incremental planning, caches, workers and the atomic output swap."""
from .recipe import BuildOptions, BuildResult, Session, build

__all__ = ["BuildOptions", "BuildResult", "Session", "build"]
