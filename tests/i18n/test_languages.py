"""Languages (ADR 0021): English by default, Spanish for a Spanish browser or after the
footer's switcher, and a catalogue with every marked string translated."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils.translation.template import templatize

from stint.accounts.models import User

SRC = Path(settings.SRC_DIR) / "stint"
CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "es" / "LC_MESSAGES"


def html(response: Any) -> str:
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_english_stays_the_default() -> None:
    page = html(Client().get("/"))
    assert '<html lang="en">' in page
    assert "Log in" in page and "Sign up" in page and "Iniciar sesión" not in page


@pytest.mark.django_db
def test_a_spanish_browser_gets_spanish_pages() -> None:
    page = html(Client(HTTP_ACCEPT_LANGUAGE="es-ES,es;q=0.9,en;q=0.5").get("/"))
    assert '<html lang="es">' in page
    assert "Iniciar sesión" in page and "Registrarse" in page and "Oportunidades" in page
    assert "Log in" not in page
    # allauth's own pages come in Spanish from its catalogue, inside our layout.
    login = html(Client(HTTP_ACCEPT_LANGUAGE="es").get("/accounts/login/"))
    assert '<html lang="es">' in login and "Iniciar sesión" in login


@pytest.mark.django_db
def test_a_signed_in_candidate_gets_spanish_navigation_and_dashboard(
    alice: User, client_for: Any
) -> None:
    client = client_for(alice)
    english = html(client.get("/dashboard/"))
    assert "Applications</a>" in english and "Your candidate dashboard" in english

    page = html(client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="es"))
    assert '<html lang="es">' in page
    for word in ("Panel</a>", "Postulaciones</a>", "Perfil</a>", "Cerrar sesión"):
        assert word in page, word
    assert "Tu panel de candidato" in page and "Applications</a>" not in page

    # The candidate's own pages: profile and applications.
    profile = html(client.get("/profile/", HTTP_ACCEPT_LANGUAGE="es"))
    assert "<h1>Tu perfil</h1>" in profile and "Añadir habilidad" in profile
    applications = html(client.get("/applications/", HTTP_ACCEPT_LANGUAGE="es"))
    assert "<h1>Tus postulaciones</h1>" in applications


@pytest.mark.django_db
def test_the_switcher_works_without_javascript_and_is_remembered() -> None:
    client = Client(enforce_csrf_checks=True)
    home = html(client.get("/opportunities/"))
    # A plain POST form to Django's set_language, with its token and the way back.
    form = re.search(r'<form action="/i18n/setlang/" method="post".*?</form>', home, re.S)
    assert form is not None
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group(0))
    assert token is not None and 'name="next" value="/opportunities/"' in form.group(0)
    assert '<option value="es" lang="es">Español</option>' in form.group(0)

    r = client.post(
        "/i18n/setlang/",
        {"language": "es", "next": "/opportunities/", "csrfmiddlewaretoken": token.group(1)},
    )
    assert r.status_code == 302 and r["Location"] == "/opportunities/"
    assert r.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"

    # Remembered: the next pages are Spanish although the browser asks for English.
    page = html(client.get("/opportunities/", HTTP_ACCEPT_LANGUAGE="en"))
    assert '<html lang="es">' in page and "<h1>Oportunidades</h1>" in page
    assert '<option value="es" lang="es" selected>Español</option>' in page


@pytest.mark.django_db
def test_an_unknown_language_falls_back_to_english() -> None:
    page = html(Client(HTTP_ACCEPT_LANGUAGE="xx-YY").get("/"))
    assert '<html lang="en">' in page and "Log in" in page


def _marked_strings() -> set[str]:
    """Every msgid marked in the project's templates, found the way makemessages finds
    them (Django's templatize), singular and plural forms alike."""
    found: set[str] = set()
    call = re.compile(r"\b(?:gettext|ngettext|pgettext|npgettext)\((.*?)\)\s", re.S)
    literal = re.compile(r"u?('(?:[^'\\]|\\.)*')")
    for path in SRC.rglob("*.html"):
        source = templatize(path.read_text(encoding="utf-8"), origin=str(path))
        for args in call.findall(source):
            found.update(ast.literal_eval(s) for s in literal.findall(args))
    return found


def _po_entries() -> list[tuple[str, str, list[str]]]:
    """(msgid, msgid_plural or "", msgstr lines) of each entry of the .po file."""
    text = (CATALOGUE / "django.po").read_text(encoding="utf-8")
    assert "#, fuzzy" not in text
    entries: list[tuple[str, str, list[str]]] = []
    for block in text.split("\n\n")[1:]:
        fields: dict[str, str] = {}
        key = ""
        for line in block.splitlines():
            if line.startswith("#") or not line.strip():
                continue
            if not line.startswith('"'):
                key, _, line = line.partition(" ")
                fields[key] = ""
            fields[key] += ast.literal_eval(line)
        translations = [v for k, v in fields.items() if k.startswith("msgstr")]
        entries.append((fields["msgid"], fields.get("msgid_plural", ""), translations))
    return entries


def test_every_marked_string_has_a_spanish_translation() -> None:
    """Fails when a template gains a {% translate %} without a Spanish line in
    src/stint/locale/es/LC_MESSAGES/django.po (`manage.py makemessages -l es`, then
    translate), or when the .mo was not compiled again (`manage.py compilemessages`)."""
    entries = _po_entries()
    marked = _marked_strings()
    assert len(marked) > 100  # the layout, navigation, home and the candidate's pages
    known = {m for m, _p, _t in entries} | {p for _m, p, _t in entries if p}
    assert sorted(marked - known) == []
    assert [m for m, _p, t in entries if not all(t)] == []

    with (CATALOGUE / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    shown = {m: compiled.ngettext(m, p, 1) if p else compiled.gettext(m) for m, p, _t in entries}
    stale = [m for m, _p, t in entries if shown[m] != t[0]]
    assert stale == [], "django.mo is older than django.po: run manage.py compilemessages"
