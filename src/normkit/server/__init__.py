"""normkit as a service: an HTTP API over the public API (the ``server`` extra).

``create_app()`` gives a FastAPI app; ``normkit serve`` runs it with uvicorn.
This package imports FastAPI, so ``import normkit`` never imports it.
"""

from __future__ import annotations

from .app import API, ServerSettings, create_app

__all__ = ["API", "ServerSettings", "create_app"]
