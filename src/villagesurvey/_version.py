"""The installed version of villagesurvey, for the files it writes."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

__all__ = ["package_version"]


def package_version() -> str:
    """The version of the installed package, or ``"unknown"`` when run from loose sources."""
    try:
        return version("villagesurvey")
    except PackageNotFoundError:  # pragma: no cover - only without an installation
        return "unknown"
