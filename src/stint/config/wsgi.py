import os
import threading

from django.core.wsgi import get_wsgi_application

# One BLAS/OpenMP thread per web process, set before numpy loads: every worker already
# has a core's worth of requests, and the encoder's matrix products in a request each
# spawning a thread per core made workers fight (load run with 1,000 visitors: the
# recommendations page's p99 4.2 s -> 2.0 s; docs/bench/load-visitors.md).
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stint.config.settings")
application = get_wsgi_application()


def _warm_text() -> None:
    """Build the engine's text indexes and load the encoder before the first request
    needs them (the first resume upload would otherwise wait for them)."""
    from stint.matching.engine import taxonomy
    from stint_engine.text import warm_up

    warm_up(taxonomy())


# A web server process only: management commands and tests do not import this module.
if os.environ.get("STINT_WARM_TEXT", "true").lower() not in ("0", "false", "no"):
    threading.Thread(target=_warm_text, name="stint-warm-text", daemon=True).start()
