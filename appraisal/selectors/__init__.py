"""Appraisal reads: indicator values computed set-based, schemes, scorecards."""
