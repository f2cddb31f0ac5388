"""Where records go: a receiver's base URL and a project's APPID, checked once."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from urllib.parse import urlsplit

from demogen.errors import ConfigError

__all__ = ["Target", "mask_appid"]


def mask_appid(appid: str) -> str:
    """``3f2a…91c0``: enough to tell projects apart on screen, not enough to send data."""
    if len(appid) <= 8:
        return "…" + appid[-2:] if len(appid) > 2 else "…"
    return f"{appid[:4]}…{appid[-4:]}"


@dataclass(frozen=True)
class Target:
    """A receiver (scheme, host, port) and a project APPID.

    Like the official server SDKs, requests go to ``<scheme>://<host:port>/<endpoint>``: a
    path in the URL is dropped (thinkingdata-format.md §8), and :attr:`dropped_path` says so.
    """

    scheme: str
    host: str
    port: int
    appid: str
    dropped_path: str = ""

    @classmethod
    def parse(cls, url: str, appid: str | None) -> Target:
        if not appid or not appid.strip():
            raise ConfigError("no APPID: pass --appid APPID or set DEMOGEN_TE_APPID (the "
                              "project's APPID, shown in ThinkingEngine's project settings)")
        parts = urlsplit(url.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(f"receiver URL {url!r} is not usable: write it as "
                              "https://receiver.example or http://host:8991")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise ConfigError(f"receiver URL {url!r} has a bad port") from None
        path = parts.path if parts.path not in ("", "/") else ""
        return cls(parts.scheme, parts.hostname, port, appid.strip(), path)

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return f"{self.scheme}://{host}" + ("" if self.port == default else f":{self.port}")

    @property
    def masked(self) -> str:
        return mask_appid(self.appid)

    @property
    def key(self) -> str:
        """The checkpoint's name for this target: receiver and a hash of the APPID (the
        APPID itself is never written to disk by the uploader)."""
        digest = hashlib.sha256(self.appid.encode()).hexdigest()[:16]
        return f"{self.base_url} {digest}"
