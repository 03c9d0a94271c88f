import os

from django.core.asgi import get_asgi_application

# One BLAS/OpenMP thread per web process, set before numpy loads: every worker already
# has a core's worth of requests, and the encoder's matrix products in a request each
# spawning a thread per core made workers fight (load run with 1,000 visitors: the
# recommendations page's p99 4.2 s -> 2.0 s; docs/bench/load-visitors.md).
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stint.config.settings")
application = get_asgi_application()
