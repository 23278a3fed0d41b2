"""Who may do what: everyone reads, only staff (curators) write."""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission


class StaffWritesOrReadOnly(BasePermission):
    """Reads for anyone; writes only for an authenticated staff user (e.g. by API token)."""

    message = "Only curators (staff users) can change the catalog."

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return bool(request.user and request.user.is_authenticated and request.user.is_staff)
