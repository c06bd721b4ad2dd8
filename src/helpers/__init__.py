"""framekit helpers: parsing, corpus tables and analyses behind the notebooks."""

__version__ = "0.1.0"
