"""A version counter in the shared cache that tells every process "the table changed" (the working-day calendar,
the rules): the writer bumps it; a reader asks for it at most once per request (`begin_request`, called by kernel
RequestContextMiddleware) and otherwise at most once every `recheck` seconds, so a page with fifty lookups asks the
shared cache (a network round trip with Redis) once."""

from __future__ import annotations

from django.core.cache import cache


class SharedVersion:
    def __init__(self, key: str, recheck: float = 1.0) -> None:
        self.key = key
        self.recheck = recheck
        self._seen: tuple[float, int] | None = None  # (recheck after, the version last read)

    def bump(self) -> None:
        """The table changed here: every process (this one at once) reads the new version at its next lookup."""
        self._seen = None
        try:
            cache.incr(self.key)
        except ValueError:
            cache.set(self.key, 1, None)

    def begin_request(self) -> None:
        """Read the version again at the next lookup."""
        self._seen = None

    def current(self, now: float) -> int:
        """The shared version, read again when `now` (time.monotonic) is past the recheck moment."""
        seen = self._seen
        if seen is not None and seen[0] > now:
            return seen[1]
        version = cache.get(self.key) or 0
        self._seen = (now + self.recheck, version)
        return version
