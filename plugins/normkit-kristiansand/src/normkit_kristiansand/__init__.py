"""Kristiansand kommune's physician figures for normkit (Plan for legetjenesten 2023–2025)."""

from normkit import ManifestPlugin

plugin = ManifestPlugin(__file__)
