from __future__ import annotations

from django.core.files.storage import default_storage
from django_tasks import task

from stint.profiles.models import CandidateProfile


@task()
def delete_resume_file(name: str) -> None:
    """Delete a replaced or removed resume file once the change is committed.

    Idempotent, and never deletes a file a profile still points at.
    """
    if not name or CandidateProfile.objects.filter(resume=name).exists():
        return
    default_storage.delete(name)
