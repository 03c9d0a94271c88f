"""Moving a model between apps without touching its table (ADR 0018).

The table keeps its name (`Meta.db_table`); the migrations move only Django's idea
of which app owns it (`SeparateDatabaseAndState`). Content types are keyed by app
label, so the moved model's content type row is relabelled here: permissions and
admin log entries point at that row and so follow the model, and no duplicate row
is left behind for `remove_stale_contenttypes` to delete (taking permissions with it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import migrations


def _relabel(apps: Any, old: str, new: str, models: Sequence[str]) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in models:
        # A fresh database has no row yet: post_migrate creates it under the new label.
        if content_type.objects.filter(app_label=new, model=model).exists():
            continue
        content_type.objects.filter(app_label=old, model=model).update(app_label=new)


def move_content_types(old_app: str, new_app: str, models: Sequence[str]) -> migrations.RunPython:
    """A reversible operation relabelling the content types of `models` (lower-case
    model names) from `old_app` to `new_app`."""
    names = [m.lower() for m in models]

    def forwards(apps: Any, schema_editor: Any) -> None:
        _relabel(apps, old_app, new_app, names)

    def backwards(apps: Any, schema_editor: Any) -> None:
        _relabel(apps, new_app, old_app, names)

    return migrations.RunPython(forwards, backwards, elidable=False)
