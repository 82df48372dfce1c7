"""Routes of the documents feature."""
from . import bp  # noqa: F401
