"""Signals for apps that read outcome data (cohorts cache their disparity trend)."""

from django.dispatch import Signal

# Sent after a measure or its counts change. Keyword: program_id.
outcomes_changed = Signal()
