"""Models for Change: the package behind the course notebooks."""

__version__ = "0.1.0"
