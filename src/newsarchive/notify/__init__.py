"""Alerts: tell people each time an archived article changes.

``notify`` sends each new version that passes a channel's filters to that channel
once: a webhook (a signed JSON POST), a local command (the JSON on its stdin), or any
service apprise reaches (the ``alerts`` extra). The archive keeps each channel's
position, so a run after every ``watch`` alerts each change exactly once.
"""

from __future__ import annotations

from .alert import Alert, ChangedSentence, build_alert, excerpt
from .channels import (
    AppriseChannel,
    Channel,
    CommandChannel,
    DeliveryError,
    WebhookChannel,
    body_bytes,
    channels_from_options,
)
from .run import AlertFilter, ChannelReport, Delivery, NotifyReport, notify, report_url

__all__ = [
    "Alert",
    "AlertFilter",
    "AppriseChannel",
    "ChangedSentence",
    "Channel",
    "ChannelReport",
    "CommandChannel",
    "Delivery",
    "DeliveryError",
    "NotifyReport",
    "WebhookChannel",
    "body_bytes",
    "build_alert",
    "channels_from_options",
    "excerpt",
    "notify",
    "report_url",
]
