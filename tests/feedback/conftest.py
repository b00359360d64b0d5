"""The shared fixtures of the public-service areas (tests/petitions/fixtures.py)."""

from tests.petitions.fixtures import _clear_cache, _fresh_limits, world  # noqa: F401
