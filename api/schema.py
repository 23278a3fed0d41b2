"""How drf-spectacular describes Strata's API, where its defaults need help."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework.permissions import SAFE_METHODS

from api.permissions import StaffWritesOrReadOnly


class AutoSchema(SpectacularAutoSchema):
    def get_auth(self) -> list[dict]:
        """Reads need no credentials (``{}``): say so, as for IsAuthenticatedOrReadOnly."""
        auths = super().get_auth()
        reads_are_public = any(
            isinstance(permission, StaffWritesOrReadOnly)
            for permission in self.view.get_permissions()
        )
        if reads_are_public and self.method in SAFE_METHODS and {} not in auths:
            auths.append({})
        return auths
