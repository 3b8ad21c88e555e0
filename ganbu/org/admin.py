"""Django admin for code tables and accounts (county administrators only). Every save and delete
writes an audit event, like the services do (`admin.add`, `admin.change`, `admin.delete` in
`events.py`; the event names the object, so the 记实 page tells a code-table edit from an account's)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db import transaction
from django.db.models import Model
from django.forms import ModelForm
from django.http import HttpRequest

from ganbu.audit.services import record_event
from ganbu.org.models import CodeItem, CodeTable, Unit, User


class AuditedAdminMixin:
    def save_model(self, request: HttpRequest, obj: Model, form: ModelForm, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)  # type: ignore[misc]
            record_event(
                actor=request.user,
                action="admin.change" if change else "admin.add",
                obj=obj,
                payload={"changed": form.changed_data},
            )

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        with transaction.atomic():
            record_event(actor=request.user, action="admin.delete", obj=obj, payload={})
            super().delete_model(request, obj)  # type: ignore[misc]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_formset(request, form, formset, change)  # type: ignore[misc]
            for obj in formset.new_objects + [o for o, _ in formset.changed_objects]:
                record_event(actor=request.user, action="admin.change", obj=obj, payload={})
            for obj in formset.deleted_objects:
                record_event(actor=request.user, action="admin.delete", obj=obj, payload={})


class CodeItemInline(admin.TabularInline):
    model = CodeItem
    extra = 1
    fields = ["code", "name", "group", "sort_order", "is_active"]


@admin.register(CodeTable)
class CodeTableAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["key", "name", "standard"]
    inlines = [CodeItemInline]


@admin.register(User)
class GanbuUserAdmin(AuditedAdminMixin, UserAdmin):
    list_display = ["username", "display_name", "role", "scope_unit", "is_active", "last_login"]
    list_filter = ["role", "is_active"]
    fieldsets = (
        *UserAdmin.fieldsets,  # type: ignore[misc]
        ("数据范围与角色", {"fields": ("display_name", "role", "scope_unit")}),
    )
    add_fieldsets = (
        *UserAdmin.add_fieldsets,
        ("数据范围与角色", {"fields": ("display_name", "role", "scope_unit")}),
    )
    autocomplete_fields = ["scope_unit"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    """Read-only here: units change through the unit pages (org.services), which keep paths right."""

    list_display = ["code", "name", "kind", "category", "households"]
    search_fields = ["code", "name"]
    list_filter = ["kind"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
