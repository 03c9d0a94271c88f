"""The adapter to PyLTI1p3: registrations read from `Platform` rows, OIDC state
and nonces kept in the database, and a message launch that also refuses a
replayed nonce and a foreign audience (the library checks neither by itself)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.contrib.django import DjangoMessageLaunch, DjangoOIDCLogin
from pylti1p3.deployment import Deployment
from pylti1p3.exception import LtiException
from pylti1p3.launch_data_storage.base import LaunchDataStorage
from pylti1p3.names_roles import NamesRolesProvisioningService
from pylti1p3.registration import Registration
from pylti1p3.service_connector import ServiceConnector
from pylti1p3.tool_config.abstract import ToolConfAbstract

from stint.lti import keys, rules
from stint.lti.models import LaunchValue, Platform

STATE_LIFETIME = 10 * 60  # seconds between login initiation and launch


def registration_for(platform: Platform) -> Registration:
    key = keys.current_key()
    reg = Registration()
    reg.set_issuer(platform.issuer).set_client_id(platform.client_id)
    reg.set_key_set_url(platform.key_set_url).set_auth_token_url(platform.auth_token_url)
    reg.set_auth_login_url(platform.auth_login_url)
    if platform.auth_audience:
        reg.set_auth_audience(platform.auth_audience)
    reg.set_tool_private_key(keys.private_pem(key)).set_tool_public_key(key.public_pem)
    return reg


def find_platform(iss: str, client_id: str | None) -> Platform | None:
    qs = Platform.objects.filter(issuer=iss)
    if client_id:
        return qs.filter(client_id=client_id).first()
    # Login initiation may omit client_id; then the issuer must name one registration.
    found = list(qs[:2])
    return found[0] if len(found) == 1 else None


class DatabaseToolConf(ToolConfAbstract[Any]):
    """Every issuer may have several client ids (one per registration)."""

    def __init__(self) -> None:
        self.platform: Platform | None = None

    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def find_registration_by_issuer(self, iss: str, *args: Any, **kwargs: Any) -> Registration:
        raise NotImplementedError

    def find_registration_by_params(
        self, iss: str, client_id: str | None, *args: Any, **kwargs: Any
    ) -> Registration:
        # The library treats a falsy answer as "not registered" despite its annotation.
        self.platform = find_platform(iss, client_id)
        return registration_for(self.platform) if self.platform else None  # type: ignore[return-value]

    def find_deployment(self, iss: str, deployment_id: str) -> Deployment | None:
        raise NotImplementedError

    def find_deployment_by_params(
        self, iss: str, deployment_id: str, client_id: str, *args: Any, **kwargs: Any
    ) -> Deployment | None:
        platform = find_platform(iss, client_id)
        if platform is None or deployment_id not in (platform.deployment_ids or []):
            return None
        return Deployment().set_deployment_id(deployment_id)


class DatabaseStorage(LaunchDataStorage[Any]):
    """State, nonces and launch data in `LaunchValue` rows, not tied to a cookie."""

    _session_cookie_name = ""

    def get_session_cookie_name(self) -> None:
        return None

    def can_set_keys_expiration(self) -> bool:
        return True

    def get_value(self, key: str) -> Any:
        row = LaunchValue.objects.filter(
            key=self._prepare_key(key), expires_at__gt=timezone.now()
        ).first()
        return row.value if row else None

    def set_value(self, key: str, value: Any, exp: int | None = None) -> None:
        LaunchValue.objects.update_or_create(
            key=self._prepare_key(key),
            defaults={
                "value": value,
                "expires_at": timezone.now() + timedelta(seconds=exp or STATE_LIFETIME),
            },
        )

    def check_value(self, key: str) -> bool:
        return LaunchValue.objects.filter(
            key=self._prepare_key(key), expires_at__gt=timezone.now()
        ).exists()

    def consume(self, key: str) -> bool:
        """Delete the key; True if this call was the one that found it unexpired."""
        deleted, _ = LaunchValue.objects.filter(
            key=self._prepare_key(key), expires_at__gt=timezone.now()
        ).delete()
        return deleted > 0


class StintOIDCLogin(DjangoOIDCLogin):
    def __init__(self, request: HttpRequest, conf: DatabaseToolConf) -> None:
        super().__init__(request, conf)
        self.set_launch_data_storage(DatabaseStorage())
        self.set_launch_data_lifetime(STATE_LIFETIME)


class StintMessageLaunch(DjangoMessageLaunch):
    """Validation in an order where nothing is spent before the signature holds:
    state, format, registration and audience, signature (with `exp`), then the
    nonce (used up), deployment and message."""

    def __init__(self, request: HttpRequest, conf: DatabaseToolConf) -> None:
        self._storage = DatabaseStorage()
        super().__init__(request, conf, launch_data_storage=self._storage)
        self.set_launch_data_lifetime(STATE_LIFETIME)

    def validate(self) -> StintMessageLaunch:
        self._validated = True
        self.validate_state()
        self.validate_jwt_format()
        self.validate_registration()
        self.validate_jwt_signature()
        self.validate_nonce()
        self.validate_deployment()
        self.validate_message()
        return self

    def validate_registration(self) -> StintMessageLaunch:
        super().validate_registration()
        body = self._get_jwt_body()
        assert self._registration is not None
        if not rules.audience_ok(
            body.get("aud"), body.get("azp"), self._registration.get_client_id() or ""
        ):
            raise LtiException("The token is not addressed to this tool (aud).")
        return self

    def validate_nonce(self) -> StintMessageLaunch:
        nonce = self._get_jwt_body().get("nonce")
        if not nonce:
            raise LtiException('"nonce" is empty')
        if not self._storage.consume(self._session_service._get_key("nonce", nonce)):
            raise LtiException("This launch was already used or has expired (nonce).")
        return self

    @property
    def platform(self) -> Platform:
        platform = self._tool_config.platform
        assert platform is not None, "validate() first"
        return platform


def connector(platform: Platform) -> tuple[Registration, ServiceConnector]:
    reg = registration_for(platform)
    return reg, ServiceConnector(reg)


def names_roles(platform: Platform, memberships_url: str) -> NamesRolesProvisioningService:
    _, conn = connector(platform)
    return NamesRolesProvisioningService(conn, {"context_memberships_url": memberships_url})


def grades_service(platform: Platform, *, lineitems_url: str, scopes: list[str]) -> Any:
    _, conn = connector(platform)
    return AssignmentsGradesService(conn, {"scope": scopes, "lineitems": lineitems_url})  # type: ignore[typeddict-item]
