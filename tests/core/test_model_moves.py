"""Moving a model between apps relabels its content type (and so its permissions)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType

from stint.core.model_moves import move_content_types

pytestmark = pytest.mark.django_db


def test_content_type_and_permissions_follow_the_model_and_come_back() -> None:
    old = ContentType.objects.create(app_label="oldhome", model="widget")
    Permission.objects.create(content_type=old, codename="view_widget", name="Can view widget")
    op = move_content_types("oldhome", "newhome", ["Widget"])

    op.code(apps, None)
    moved = ContentType.objects.get(pk=old.pk)
    assert (moved.app_label, moved.model) == ("newhome", "widget")
    assert Permission.objects.get(codename="view_widget").content_type_id == old.pk

    assert op.reverse_code is not None
    op.reverse_code(apps, None)
    assert ContentType.objects.get(pk=old.pk).app_label == "oldhome"


def test_a_row_already_under_the_new_label_is_left_alone() -> None:
    old = ContentType.objects.create(app_label="oldhome", model="gadget")
    new = ContentType.objects.create(app_label="newhome", model="gadget")
    move_content_types("oldhome", "newhome", ["gadget"]).code(apps, None)
    assert ContentType.objects.get(pk=old.pk).app_label == "oldhome"
    assert ContentType.objects.get(pk=new.pk).app_label == "newhome"
