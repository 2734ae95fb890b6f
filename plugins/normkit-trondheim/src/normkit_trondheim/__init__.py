"""Trondheim kommune's physician measures for normkit (Tiltaksplan, version 23.01.2024)."""

from normkit import ManifestPlugin

plugin = ManifestPlugin(__file__)
