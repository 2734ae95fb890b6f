"""Bergen kommune's GP strategy figures for normkit (presentation 29.01.2024)."""

from normkit import ManifestPlugin

plugin = ManifestPlugin(__file__)
