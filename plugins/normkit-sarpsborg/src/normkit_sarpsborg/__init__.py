"""Sarpsborg kommune's physician norms for normkit (Handlingsprogram 2020–2026)."""

from normkit import ManifestPlugin

plugin = ManifestPlugin(__file__)
