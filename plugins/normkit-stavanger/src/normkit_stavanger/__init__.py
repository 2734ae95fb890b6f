"""Stavanger kommune's physician figures for normkit (Temaplan 2024–2027)."""

from normkit import ManifestPlugin

plugin = ManifestPlugin(__file__)
