"""One error shape for every API failure, documented in the schema as ``Error``:

    {"status": 400, "code": "invalid_parameter", "detail": "ordering: unknown value '-x'",
     "parameter": "ordering", "allowed": ["stars", "-stars", …]}

``parameter`` names the query parameter or body field at fault (null when none is), and
``allowed`` lists the accepted values when there is a fixed set.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, JsonResponse
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from catalog.tool_queries import ToolQueryError


class ParameterError(exceptions.APIException):
    """A query parameter or body field that cannot be honoured (400 unless told otherwise)."""

    status_code: int = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_parameter"

    def __init__(
        self,
        parameter: str,
        message: str,
        *,
        allowed: list[str] | None = None,
        status_code: int | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(detail=f"{parameter}: {message}", code=code or self.default_code)
        self.parameter = parameter
        self.allowed = allowed
        if status_code is not None:
            self.status_code = status_code

    @classmethod
    def from_query_error(cls, error: ToolQueryError) -> ParameterError:
        return cls(error.field, error.message, allowed=error.allowed)


class NotFound(ParameterError):
    status_code: int = status.HTTP_404_NOT_FOUND
    default_code = "not_found"


class NotModified(exceptions.APIException):
    """Raised before any work when the client's validator still matches (304, no body)."""

    status_code = status.HTTP_304_NOT_MODIFIED

    def __init__(self, headers: dict[str, str]) -> None:
        super().__init__()
        self.headers = headers


class ErrorSerializer(serializers.Serializer):
    """For the schema only: what every 4xx response body looks like."""

    status = serializers.IntegerField(help_text="The HTTP status code, repeated.")
    code = serializers.CharField(help_text="Machine-readable reason, e.g. invalid_parameter.")
    detail = serializers.CharField(help_text="What went wrong, in words.")
    parameter = serializers.CharField(
        allow_null=True, help_text="The query parameter or body field at fault, if any."
    )
    allowed = serializers.ListField(
        child=serializers.CharField(),
        allow_null=True,
        help_text="The values the parameter accepts, when there is a fixed set.",
    )
    # Named like the body's key; shadows Serializer.errors, which this schema-only class never uses.
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Every invalid body field with its messages (writes only).",
    )


def _first_message(value: Any) -> str:
    while isinstance(value, list | dict) and value:
        value = next(iter(value.values())) if isinstance(value, dict) else value[0]
    return str(value)


def _body(exc: exceptions.APIException, status_code: int) -> dict[str, Any]:
    body: dict[str, Any] = {
        "status": status_code,
        "code": "error",
        "detail": "",
        "parameter": getattr(exc, "parameter", None),
        "allowed": getattr(exc, "allowed", None),
    }
    codes = exc.get_codes()
    if isinstance(exc.detail, dict):  # a body that failed validation: name each field
        field = next(iter(exc.detail))
        body["parameter"] = None if field == "non_field_errors" else field
        body["errors"] = {name: [str(m) for m in _listed(ms)] for name, ms in exc.detail.items()}
        body["detail"] = f"{field}: {_first_message(exc.detail[field])}"
        body["code"] = "invalid"
    else:
        body["detail"] = _first_message(exc.detail)
        body["code"] = _first_message(codes) if codes else "error"
    return body


def _listed(messages: Any) -> list:
    if isinstance(messages, dict):
        return [f"{key}: {_first_message(value)}" for key, value in messages.items()]
    return messages if isinstance(messages, list) else [messages]


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's handler, with every error body in the one documented shape."""
    if isinstance(exc, NotModified):
        return Response(status=status.HTTP_304_NOT_MODIFIED, headers=exc.headers)
    if isinstance(exc, ToolQueryError):
        exc = ParameterError.from_query_error(exc)
    if isinstance(exc, Http404) and not isinstance(exc, exceptions.APIException):
        exc = NotFound("path", str(exc) or "Not found.")
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    response.data = _body(exc, response.status_code)
    return response


def error_body(
    status_code: int,
    code: str,
    detail: str,
    *,
    parameter: str | None = None,
    allowed: list[str] | None = None,
) -> dict[str, Any]:
    """The one error shape, for errors raised outside DRF's views (see config/errors.py)."""
    return {
        "status": status_code,
        "code": code,
        "detail": detail,
        "parameter": parameter,
        "allowed": allowed,
    }


def json_error(
    status_code: int,
    code: str,
    detail: str,
    *,
    parameter: str | None = None,
    headers: dict[str, str] | None = None,
) -> JsonResponse:
    """A JSON error response in the one shape, rendered without DRF (no database needed)."""
    return JsonResponse(
        error_body(status_code, code, detail, parameter=parameter),
        status=status_code,
        headers=headers,
    )
