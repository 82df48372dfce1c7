"""Routes of the attendance feature."""
from . import bp  # noqa: F401
