"""The demo world: a few employers, an institution, candidates with varied
profiles, and a marketplace between them (`stint.demo.market`). Built with
get-or-create so running it twice changes nothing."""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from stint.accounts.models import User
from stint.demo.market import MarketSummary, build_market
from stint.orgs.models import InstitutionDomain, Membership, Organisation, OrgKind, OrgRole
from stint.orgs.services import affiliation_link_from_email

# A published demo login, never used in production.
DEMO_PASSWORD = "stint-demo-2026"


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    note: str


EMPLOYERS = [
    (
        "Northwind Analytics",
        "https://northwind.example.com",
        True,
        "Data and analytics consultancy.",
    ),
    ("Brightside Health", "https://brightside.example.org", True, "A community health non-profit."),
    ("Fernhill Studio", "https://fernhill.example.net", False, "A small design and web studio."),
]
INSTITUTION = ("University of Example", "example.edu")

CANDIDATES = [
    ("ada@example.edu", "Ada Okafor", "Computer science student, Python and SQL"),
    ("ben@example.edu", "Ben Laurent", "Marketing student, content and social media"),
    ("chloe@demo.stint.local", "Chloé Martin", "Recent graduate, UX research and Figma"),
    ("dev@demo.stint.local", "Dev Patel", "Career changer into data analysis"),
    ("emma@example.edu", "Emma Schulz", "Finance major, Excel and financial modelling"),
]


def _user(email: str, full_name: str, *, candidate: bool = False, staff: bool = False) -> User:
    user, created = User.objects.get_or_create(
        email=email, defaults={"full_name": full_name, "is_candidate": candidate, "is_staff": staff}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        if staff:
            user.is_superuser = True
        user.save()
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


@dataclass(frozen=True)
class World:
    logins: list[DemoLogin]
    market: MarketSummary


@transaction.atomic
def build_world() -> World:
    logins: list[DemoLogin] = []
    _user("admin@demo.stint.local", "Platform Admin", staff=True)
    logins.append(
        DemoLogin("admin@demo.stint.local", "platform admin", "moderates employers; /admin/")
    )

    for i, (name, site, verified, description) in enumerate(EMPLOYERS):
        org, _ = Organisation.objects.get_or_create(
            slug=name.lower().replace(" ", "-"),
            defaults={
                "kind": OrgKind.EMPLOYER,
                "name": name,
                "website": site,
                "description": description,
            },
        )
        if verified and org.verified_at is None:
            org.verified_at = timezone.now()
            org.save(update_fields=["verified_at"])
        email = f"employer{i + 1}@demo.stint.local"
        owner = _user(email, f"{name.split()[0]} Hiring Lead")
        Membership.objects.get_or_create(
            organisation=org, user=owner, defaults={"role": OrgRole.OWNER}
        )
        logins.append(
            DemoLogin(email, "employer owner", f"{name}{'' if verified else ' (not verified yet)'}")
        )

    inst_name, domain = INSTITUTION
    inst, _ = Organisation.objects.get_or_create(
        slug="university-of-example", defaults={"kind": OrgKind.INSTITUTION, "name": inst_name}
    )
    InstitutionDomain.objects.get_or_create(
        domain=domain, defaults={"organisation": inst, "verified_at": timezone.now()}
    )
    staff = _user("careers@example.edu", "Career Services")
    Membership.objects.get_or_create(
        organisation=inst, user=staff, defaults={"role": OrgRole.OWNER}
    )
    logins.append(DemoLogin("careers@example.edu", "institution staff", inst_name))

    for email, full_name, note in CANDIDATES:
        user = _user(email, full_name, candidate=True)
        affiliation_link_from_email(user=user, email=email)
        logins.append(DemoLogin(email, "candidate", note))
    return World(logins=logins, market=build_market(inst))
