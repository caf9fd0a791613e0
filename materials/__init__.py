"""Materials and terminals (docs/materials.md)."""
