from collections.abc import Callable
from typing import Any

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from stint.accounts.mfa import second_factor_required
from stint.accounts.models import ApiToken, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "full_name", "is_candidate", "is_staff", "is_active", "date_joined")
    list_filter = ("is_candidate", "is_staff", "is_active")
    search_fields = ("email", "full_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("full_name", "is_candidate")}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("key_hash", "prefix")
    search_fields = ("user__email", "name", "prefix")


# The admin site signs in through allauth (so the second factor is asked for), and a
# platform admin without a second factor is sent to set one up before any admin page.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
_admin_view = admin.site.admin_view


def _admin_view_with_second_factor(view: Callable[..., Any], cacheable: bool = False) -> Any:
    return _admin_view(second_factor_required(view), cacheable)


admin.site.admin_view = _admin_view_with_second_factor  # type: ignore[method-assign]
