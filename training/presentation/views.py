"""Routes of the presentation feature."""
from . import bp  # noqa: F401
