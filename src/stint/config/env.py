"""Small typed readers for environment variables that fail loudly.

Every variable read here is listed in `.env.example` and the README.
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None:
        if default is None:
            raise ImproperlyConfigured(f"Set the environment variable {name}.")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# CACHE_URL schemes → Django cache backends. A per-process cache (locmem) is only for
# development: rate limits and login throttles must be shared by every web process.
_CACHE_BACKENDS = {
    "redis": "django.core.cache.backends.redis.RedisCache",
    "rediss": "django.core.cache.backends.redis.RedisCache",
    "locmem": "django.core.cache.backends.locmem.LocMemCache",
    "dummy": "django.core.cache.backends.dummy.DummyCache",
}


def cache_from_url(url: str) -> dict[str, object]:
    """`redis://host:6379/1` → RedisCache; `locmem://` (or empty) → LocMemCache."""
    scheme = url.split("://", 1)[0].lower() if url else "locmem"
    backend = _CACHE_BACKENDS.get(scheme)
    if backend is None:
        known = ", ".join(sorted(_CACHE_BACKENDS))
        raise ImproperlyConfigured(f"CACHE_URL must start with one of {known}, not {url!r}.")
    config: dict[str, object] = {"BACKEND": backend}
    if scheme in ("redis", "rediss"):
        config["LOCATION"] = url
    return config


def env_rates(name: str) -> dict[str, int]:
    """`"GBP:1500, JPY:1800"` → {"GBP": 1500, "JPY": 1800} (amounts in minor units)."""
    out: dict[str, int] = {}
    for item in env_list(name, []):
        code, _, amount = item.partition(":")
        try:
            out[code.strip().upper()] = int(amount)
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"{name} takes CURRENCY:MINOR_UNITS pairs, e.g. GBP:1500,JPY:1800; not {item!r}."
            ) from exc
    return out
