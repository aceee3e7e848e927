"""Generate the OpenAPI 3.1 document from the route table and the operations' types.

Response schemas come from each operation's selection set, request schemas from its input type,
so the document follows the schema and cannot drift from what the routes return.
"""

from __future__ import annotations

import re
from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
)

import ruri
from rest_compat.operations import Operation
from rest_compat.routes import Route

SCALARS: dict[str, dict[str, Any]] = {
    "String": {"type": "string"},
    "ID": {"type": "string"},
    "Int": {"type": "integer"},
    "Float": {"type": "number"},
    "Boolean": {"type": "boolean"},
    "DateTime": {"type": "string", "format": "date-time"},
    "JSON": {},
    "Upload": {"type": "string", "format": "binary"},
}

ERROR_SCHEMA = {
    "type": "object",
    "properties": {"error": {"type": "string"}},
    "required": ["error"],
}
FAILURES = {
    "400": "Invalid input; the message names the field",
    "401": "Not logged in or the session expired",
    "403": "Forbidden",
    "404": "Unknown id or path",
    "409": "Name or state conflict",
    "413": "Body too large",
    "415": "Wrong content type",
    "429": "Throttled",
    "500": "Unexpected error; the message repeats the logged error id",
}


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def _output_schema(gql_type, selection_set, fragments) -> dict[str, Any]:
    if isinstance(gql_type, GraphQLNonNull):
        return _output_schema(gql_type.of_type, selection_set, fragments)
    if isinstance(gql_type, GraphQLList):
        return {"type": "array", "items": _output_schema(gql_type.of_type, selection_set, fragments)}
    if isinstance(gql_type, GraphQLObjectType):
        return _object_schema(gql_type, selection_set, fragments)
    return dict(SCALARS.get(gql_type.name, {"type": "string"}))


def _object_schema(gql_type: GraphQLObjectType, selection_set, fragments) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    required: list[str] = []
    for node in _fields(selection_set, fragments):
        field = gql_type.fields[node.name.value]
        key = node.alias.value if node.alias else node.name.value
        schema = _output_schema(field.type, node.selection_set, fragments)
        if isinstance(field.type, GraphQLNonNull):
            required.append(key)
        else:
            schema = _nullable(schema)
        if field.description:
            schema["description"] = field.description
        properties[key] = schema
    return {"type": "object", "properties": properties, "required": required}


def _fields(selection_set, fragments) -> list[FieldNode]:
    fields: list[FieldNode] = []
    for selection in selection_set.selections if selection_set else ():
        if isinstance(selection, FieldNode):
            fields.append(selection)
        elif isinstance(selection, FragmentSpreadNode):
            fields.extend(_fields(fragments[selection.name.value].selection_set, fragments))
        elif isinstance(selection, InlineFragmentNode):
            fields.extend(_fields(selection.selection_set, fragments))
    return fields


def _input_schema(gql_type) -> dict[str, Any]:
    if isinstance(gql_type, GraphQLNonNull):
        return _input_schema(gql_type.of_type)
    if isinstance(gql_type, GraphQLList):
        return {"type": "array", "items": _input_schema(gql_type.of_type)}
    if isinstance(gql_type, GraphQLInputObjectType):
        return {
            "type": "object",
            "properties": {_snake(name): _input_schema(field.type) for name, field in gql_type.fields.items()},
        }
    return dict(SCALARS.get(gql_type.name, {"type": "string"}))


def _response_schema(route: Route, operation: Operation, schema: GraphQLSchema) -> dict[str, Any]:
    definition = next(d for d in operation.document.definitions if isinstance(d, OperationDefinitionNode))
    fragments = {d.name.value: d for d in operation.document.definitions if d.kind == "fragment_definition"}
    root_type = schema.get_root_type(definition.operation)
    whole = _object_schema(root_type, definition.selection_set, fragments)
    if route.result is None:
        return whole
    return whole["properties"][route.result]


def _parameters(route: Route, operation: Operation) -> list[dict[str, Any]]:
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in route.path_vars
    ]
    for name, variable in route.query_vars.items():
        gql_type = operation.variable_types[variable].rstrip("!")
        parameters.append({"name": name, "in": "query", "required": False, "schema": dict(SCALARS[gql_type])})
    return parameters


def _request_body(route: Route, operation: Operation, schema: GraphQLSchema) -> dict[str, Any] | None:
    if route.body_var:
        type_name = operation.variable_types[route.body_var].rstrip("!")
        body = _input_schema(schema.get_type(type_name))
        return {"required": True, "content": {"application/json": {"schema": body}}}
    if route.upload_var:
        form = {"type": "object", "properties": {"file": SCALARS["Upload"]}, "required": ["file"]}
        return {"required": True, "content": {"multipart/form-data": {"schema": form}}}
    return None


def _operation_object(route: Route, operation: Operation, schema: GraphQLSchema) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    if route.status == 204:
        responses["204"] = {"description": "Done; no body"}
    else:
        responses[str(route.status)] = {
            "description": "Success",
            "content": {"application/json": {"schema": _response_schema(route, operation, schema)}},
        }
    for status, description in FAILURES.items():
        responses[status] = {"$ref": f"#/components/responses/Error{status}"}
    item: dict[str, Any] = {
        "operationId": operation.name[0].lower() + operation.name[1:],
        "summary": route.summary,
        "tags": [route.tag],
        "parameters": _parameters(route, operation),
        "responses": responses,
        "x-graphql-operation": operation.source,
    }
    body = _request_body(route, operation, schema)
    if body:
        item["requestBody"] = body
    if route.public:
        item["security"] = []
    return item


def build_openapi(routes: list[Route], operations: dict[str, Operation], schema: GraphQLSchema) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        item = _operation_object(route, operations[route.operation], schema)
        paths.setdefault(route.path, {})[route.method.lower()] = item
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Ruri REST API",
            "version": ruri.__version__,
            "description": "Each route runs a fixed GraphQL operation on the schema at /graphql.",
        },
        "paths": paths,
        "components": {
            "schemas": {"Error": ERROR_SCHEMA},
            "responses": {
                f"Error{status}": {
                    "description": description,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                }
                for status, description in FAILURES.items()
            },
            "securitySchemes": {
                "sessionCookie": {"type": "apiKey", "in": "cookie", "name": "session"},
                "bearer": {"type": "http", "scheme": "bearer"},
            },
        },
        "security": [{"sessionCookie": []}, {"bearer": []}],
    }
