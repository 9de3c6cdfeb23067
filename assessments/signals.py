"""Signals for apps that read assessments (cohorts cache their tables) without assessments
knowing about them."""

from django.dispatch import Signal

# Sent after an assessment's scores change: on submit and on reopen. Keyword: assessment.
scores_changed = Signal()
