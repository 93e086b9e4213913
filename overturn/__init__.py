"""Overturn: prepare a physician for the peer-to-peer review of a prior-authorization denial."""

from __future__ import annotations

__version__ = "0.1.0"
