"""Signals for apps that read assessments (cohorts cache their tables) without assessments
knowing about them."""

from django.dispatch import Signal

# Sent after an assessment's scores change: on submit and on reopen. Keyword: assessment.
scores_changed = Signal()

# Sent after an organization is restored from its export. Keyword: organization.
organization_imported = Signal()
