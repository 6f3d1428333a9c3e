"""Signals of the calendar for the layers above it (bots turns them into webhooks)."""

from django.dispatch import Signal

# Sent inside the pausing/resuming transaction with `pause` (a CalendarPause) and `entries`
# ({persona id: ids of the approved/scheduled/published entries the pause holds or releases}).
calendar_paused = Signal()
calendar_resumed = Signal()
