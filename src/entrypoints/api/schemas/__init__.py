"""The API's request and response bodies, as pydantic models (camelCase on the wire), by concern.

These are the edge's own types: routes translate domain values into them, and the OpenAPI
document is generated from them, so what is documented is what is sent.
"""
