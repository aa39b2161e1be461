"""Durations in words a reader counts in."""

from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def whole_minutes(duration: timedelta | None) -> int:
    """A duration in whole minutes, rounded up (a lock-out of 90 s is "2 minutes")."""
    if duration is None:
        return 0
    return -(-int(duration.total_seconds()) // 60)
