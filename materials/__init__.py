"""Materials and terminals (SPEC §6)."""
