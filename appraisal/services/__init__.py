"""Appraisal writes: schemes, manual values, the computation, adjustments, closing."""
