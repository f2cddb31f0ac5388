"""demogen: realistic product-analytics data from an event taxonomy."""

__version__ = "0.1.0"

__all__ = ["__version__"]
