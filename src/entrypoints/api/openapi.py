"""The OpenAPI 3.1 document, generated from the route table and the pydantic models."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from entrypoints.api.operations import Operation, Security
from entrypoints.api.problems import PROBLEM_JSON
from entrypoints.api.schemas.common import SLUG_MAX_LENGTH, SLUG_PATTERN
from entrypoints.api.schemas.problems import Problem

_REF = "#/components/schemas/{model}"

SECURITY_SCHEMES: dict[str, dict[str, Any]] = {
    "adminBearer": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "A JWT signed with JWT_SECRET (HS256) or a key of JWT_JWKS_URL (RS256), "
        "with `exp`, and the admin claim (JWT_ADMIN_CLAIM, default `role=admin`).",
    },
    "internalToken": {
        "type": "apiKey",
        "in": "header",
        "name": "X-Internal-Token",
        "description": "One of the tokens in INTERNAL_SERVICE_TOKEN (comma-separated).",
    },
}
# Each operation's alternatives: any one of them is enough.
_SECURITY = {
    Security.ADMIN: ("adminBearer",),
    Security.INTERNAL: ("internalToken",),
    Security.ADMIN_OR_INTERNAL: ("adminBearer", "internalToken"),
}

_CACHE_HEADERS = {
    "ETag": {"description": "A hash of the body.", "schema": {"type": "string"}},
    "Cache-Control": {"schema": {"type": "string"}},
}
_REQUEST_ID_HEADER = {
    "X-Request-ID": {
        "description": "This request's id, as in the logs.",
        "schema": {"type": "string"},
    }
}


def _models(
    operations: Sequence[Operation], extra: Sequence[type[BaseModel]] = ()
) -> list[tuple[type[BaseModel], JsonSchemaMode]]:
    models: dict[tuple[type[BaseModel], JsonSchemaMode], None] = {(Problem, "serialization"): None}
    models.update({(model, "serialization"): None for model in extra})
    for operation in operations:
        for reply in operation.replies.values():
            if reply.model is not None:
                models[(reply.model, "serialization")] = None
        if operation.body is not None:
            models[(operation.body, "validation")] = None
    return list(models)


def _absent_not_null(schema: dict[str, Any]) -> dict[str, Any]:
    """An optional parameter's schema without its `null` branch: a query cannot say null (the
    word would be refused); leaving the parameter out is how it says "none"."""
    branches = schema.get("anyOf", ())
    kept = [branch for branch in branches if branch != {"type": "null"}]
    if len(kept) != 1 or len(kept) == len(branches):
        return schema
    rest = {key: value for key, value in schema.items() if key != "anyOf"}
    if rest.get("default", ...) is None:
        del rest["default"]
    return {**kept[0], **rest}


def _query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    schema = model.model_json_schema(mode="validation", ref_template=_REF)
    required = set(schema.get("required", ()))
    parameters = []
    for name, raw_schema in schema.get("properties", {}).items():
        property_schema = _absent_not_null(raw_schema)
        description = property_schema.pop("description", None)
        property_schema.pop("title", None)
        parameter: dict[str, Any] = {
            "name": name,
            "in": "query",
            "required": name in required,
            "schema": property_schema,
        }
        if description:
            parameter["description"] = description
        parameters.append(parameter)
    return parameters


_SLUG = (SLUG_PATTERN, SLUG_MAX_LENGTH)


def _path_schema(pattern: str, max_length: int) -> dict[str, Any]:
    return {"type": "string", "pattern": pattern, "minLength": 1, "maxLength": max_length}


def _operation(operation: Operation, refs: dict[Any, Any]) -> dict[str, Any]:
    document: dict[str, Any] = {
        "operationId": operation.operation_id,
        "summary": operation.summary,
        "tags": [operation.tag],
    }
    if operation.description:
        document["description"] = operation.description
    parameters: list[dict[str, Any]] = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "description": description,
            "schema": _path_schema(*operation.path_patterns.get(name, _SLUG)),
        }
        for name, description in operation.path_params
    ]
    if operation.query is not None:
        parameters.extend(_query_parameters(operation.query))
    if operation.cached:
        parameters.append(
            {
                "name": "If-None-Match",
                "in": "header",
                "required": False,
                "description": "An ETag from an earlier answer: 304 when it still holds.",
                "schema": {"type": "string"},
            }
        )
    if parameters:
        document["parameters"] = parameters
    if operation.body is not None:
        document["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": refs[(operation.body, "validation")]}},
        }
    if operation.security is not Security.PUBLIC:
        document["security"] = [{scheme: []} for scheme in _SECURITY[operation.security]]
    responses: dict[str, Any] = {}
    for status, reply in sorted(operation.replies.items()):
        response: dict[str, Any] = {
            "description": reply.description,
            "headers": dict(_REQUEST_ID_HEADER),
        }
        if status >= 400:
            response["content"] = {PROBLEM_JSON: {"schema": refs[(Problem, "serialization")]}}
        elif reply.model is not None:
            response["content"] = {
                "application/json": {"schema": refs[(reply.model, "serialization")]}
            }
        if status == 202:
            response["headers"]["Location"] = {
                "description": "Where to ask how it goes.",
                "schema": {"type": "string"},
            }
        if operation.cached and status in (200, 304):
            response["headers"].update(_CACHE_HEADERS)
        responses[str(status)] = response
    document["responses"] = responses
    return document


def _webhook(summary: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "post": {
            "summary": summary,
            "description": "Signed as Standard Webhooks say (`webhook-id`, `webhook-timestamp`, "
            "`webhook-signature`); delivered at least once, in id order per subscription.",
            "requestBody": {"required": True, "content": {"application/json": {"schema": schema}}},
            "responses": {
                "2XX": {"description": "Received; the next event follows."},
                "410": {"description": "Gone: the subscription is disabled."},
            },
        }
    }


def openapi_document(
    operations: Sequence[Operation],
    *,
    title: str,
    version: str,
    server_url: str | None = None,
    webhooks: Mapping[str, tuple[str, type[BaseModel]]] | None = None,
) -> dict[str, Any]:
    """`webhooks`: each event type's summary and body, by type."""
    visible = [operation for operation in operations if operation.include_in_schema]
    hooks = dict(webhooks or {})
    refs, schemas = models_json_schema(
        _models(visible, [model for _, model in hooks.values()]), ref_template=_REF
    )
    paths: dict[str, dict[str, Any]] = {}
    for operation in visible:
        paths.setdefault(operation.path, {})[operation.method.lower()] = _operation(
            operation, dict(refs)
        )
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": title,
            "version": version,
            "description": "Keeps a football prediction app's scores and league tables fresh. "
            "Every error is an RFC 9457 problem (application/problem+json).",
        },
        "paths": paths,
        "components": {
            "schemas": schemas.get("$defs", {}),
            "securitySchemes": SECURITY_SCHEMES,
        },
    }
    if hooks:
        document["webhooks"] = {
            name: _webhook(summary, dict(refs)[(model, "serialization")])
            for name, (summary, model) in hooks.items()
        }
    if server_url:
        document["servers"] = [{"url": server_url}]
    return document
