"""How drf-spectacular describes Strata's API, where its defaults need help:

- reads need no credentials (the permission lets anyone read), so GETs carry ``{}`` security;
- every cacheable read documents its validators (ETag, Last-Modified, Cache-Control), the
  conditional request headers it honours and its 304 answer, in one place.
"""

from __future__ import annotations

from typing import Literal

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.permissions import SAFE_METHODS

from api.caching import CACHE_MAX_AGE, ConditionalGetMixin
from api.permissions import StaffWritesOrReadOnly


def _header(name: str, description: str, *, response: bool = False) -> OpenApiParameter:
    return OpenApiParameter(
        name,
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        description=description,
        response=[200, 304] if response else False,
    )


CACHING = [
    _header("If-None-Match", "An ETag from an earlier response: 304 when still current."),
    _header("If-Modified-Since", "An HTTP date: 304 when nothing changed since (no ETag sent)."),
    _header("ETag", "Validator of this response; send it back in If-None-Match.", response=True),
    _header(
        "Last-Modified",
        "When the catalog last changed (refresh, rankings, curation).",
        response=True,
    ),
    _header(
        "Cache-Control",
        f"`public, max-age={CACHE_MAX_AGE}` (private when authenticated).",
        response=True,
    ),
]


class AutoSchema(SpectacularAutoSchema):
    def _is_cached_read(self) -> bool:
        return self.method == "GET" and isinstance(self.view, ConditionalGetMixin)

    def get_auth(self) -> list[dict]:
        auths = super().get_auth()
        permissions = self.view.get_permissions()
        public_reads = any(isinstance(p, StaffWritesOrReadOnly) for p in permissions)
        if public_reads and self.method in SAFE_METHODS and {} not in auths:
            auths.append({})
        return auths

    def get_override_parameters(self) -> list:
        parameters = super().get_override_parameters()
        return [*parameters, *CACHING] if self._is_cached_read() else parameters

    def _get_response_bodies(self, direction: Literal["request", "response"] = "response") -> dict:
        responses = super()._get_response_bodies(direction)
        if self._is_cached_read():
            responses["304"] = {"description": "Not modified: the copy you have is current."}
        return responses
