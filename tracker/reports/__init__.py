"""Board-ready Word documents and reading plans from Word."""
