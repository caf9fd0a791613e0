"""Pages of the materials app."""
