"""`manage.py rotate_signing_key [--output FILE]`: a new Ed25519 key signs credentials
from now on; every old public key stays published at /p/keys/platform.json, so
credentials signed before still verify (the proof names its key by id)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from stint.core.errors import DomainError
from stint.reviews.services import signing_key_rotate


class Command(BaseCommand):
    help = (
        "Rotate the key that signs Open Badges credentials. In development the key under "
        "var/ is replaced; with STINT_SIGNING_KEY set, the new key is written to --output "
        "for you to deploy. Old public keys stay published."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            help="A new file (mode 0600) that receives the base64 PEM for STINT_SIGNING_KEY. "
            "Required when STINT_SIGNING_KEY is set.",
        )

    def handle(self, *args: Any, output: str | None = None, **options: Any) -> None:
        try:
            rotation = signing_key_rotate(output=output)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if rotation.old_key_id:
            self.stdout.write(f"Old key (still published, still verifies): {rotation.old_key_id}")
        self.stdout.write(f"New key: {rotation.new_key_id}")
        if rotation.pending_deploy:
            self.stdout.write(
                f"Set STINT_SIGNING_KEY to the contents of {rotation.written_to} and restart the "
                "web and worker processes; until then the old key keeps signing. Then delete "
                "the file."
            )
        else:
            self.stdout.write(
                f"Written to {rotation.written_to}. Restart running web and worker processes "
                "to sign with it (the old key stays valid meanwhile)."
            )
