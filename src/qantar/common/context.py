"""Where the current action comes from (set by the web middleware or the CLI)."""

from __future__ import annotations

import contextvars

client_address: contextvars.ContextVar[str] = contextvars.ContextVar("client_address", default="")
channel: contextvars.ContextVar[str] = contextvars.ContextVar("channel", default="system")
