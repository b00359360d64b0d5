"""Fixtures of the service-to-the-public areas (petitions, feedback, portal, indicators): one petitions world, a
clean cache and fresh anti-spam limits for every test. Each area's conftest imports them."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db):
    from tests.petitions.factories import World

    return World()


@pytest.fixture(autouse=True)
def _fresh_limits():
    from bureau.kernel.antispam import forget_limits

    forget_limits()
    yield
    forget_limits()
