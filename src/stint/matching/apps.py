from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "stint.matching"
    label = "matching"

    def ready(self) -> None:
        # Title vectors shared by every process through the cache (title_store.py).
        from stint.matching.title_store import CacheTitleStore
        from stint_engine.retrieval import ranker

        ranker.use_title_store(CacheTitleStore())
