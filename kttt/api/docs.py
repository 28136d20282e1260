"""docs/api.md, written from the OpenAPI document (issue 10): the API's description, then
each resource (tag) with its operations (parameters, answers, code samples) and the
schemas. `kttt api_docs` writes the file; tests/api/test_api_docs.py keeps it equal.

The prose is the document's own: the API's `description`, each operation's docstring, each
field's description, and the code samples (`x-codeSamples`, which Redoc also shows); then
the worked examples of kttt/api/examples/, a curl and a Python example per resource."""

import json
from pathlib import Path
from typing import Any

HEADER = (
    "<!-- Written by `kttt api_docs` from /api/v1/openapi.json: edit the code, not this file. -->\n"
)


def _type(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return f"[{schema['$ref'].rsplit('/', 1)[-1]}](#{_anchor(schema['$ref'])})"
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return " or ".join(_type(s) for s in schema[key])
    kind = schema.get("type", "any")
    if kind == "array":
        return f"list of {_type(schema.get('items', {}))}"
    if kind == "object" and "additionalProperties" in schema:
        extra = schema["additionalProperties"]
        return f"map of {_type(extra) if isinstance(extra, dict) else 'any'}"
    text = str(kind)
    if "format" in schema:
        text += f" ({schema['format']})"
    if "enum" in schema:
        text += ": " + ", ".join(f"`{v}`" for v in schema["enum"])
    return text


def _anchor(ref: str) -> str:
    return "schema-" + ref.rsplit("/", 1)[-1].lower()


def _bounds(schema: dict[str, Any]) -> str:
    for key in ("anyOf", "oneOf"):  # an optional value: the bounds of its non-null form
        for option in schema.get(key, []):
            if option.get("type") != "null":
                inner = _bounds(option)
                if "default" in schema:
                    inner = "; ".join(
                        x for x in (inner, f"default `{json.dumps(schema['default'])}`") if x
                    )
                return inner
    parts = []
    for key, label in (
        ("minimum", "≥"),
        ("maximum", "≤"),
        ("minLength", "length ≥"),
        ("maxLength", "length ≤"),
    ):
        if key in schema:
            parts.append(f"{label} {schema[key]}")
    if "pattern" in schema:
        parts.append(f"pattern `{schema['pattern']}`")
    if "default" in schema:
        parts.append(f"default `{json.dumps(schema['default'], ensure_ascii=False)}`")
    return "; ".join(parts)


def _cell(text: Any) -> str:
    return str(text or "").replace("|", "\\|").replace("\n", " ")


def _operation(path: str, method: str, op: dict[str, Any]) -> list[str]:
    lines = [f"### `{method.upper()} {path}`", ""]
    if op.get("description"):
        lines += [op["description"].strip(), ""]
    params = op.get("parameters", [])
    if params:
        lines += ["| parameter | in | type | required | notes |", "|---|---|---|---|---|"]
        for p in params:
            schema = p.get("schema", {})
            notes = "; ".join(x for x in (p.get("description", ""), _bounds(schema)) if x)
            lines.append(
                f"| `{p['name']}` | {p['in']} | {_cell(_type(schema))} | "
                f"{'yes' if p.get('required') else 'no'} | {_cell(notes)} |"
            )
        lines.append("")
    body = op.get("requestBody", {}).get("content", {}).get("application/json")
    if body:
        lines += [f"Body (JSON): {_type(body['schema'])}.", ""]
    lines += ["| answer | body |", "|---|---|"]
    for status, answer in sorted(op.get("responses", {}).items()):
        content = answer.get("content", {}).get("application/json", {})
        shown = _type(content["schema"]) if "schema" in content else "–"
        lines.append(f"| {status} | {_cell(shown)} |")
    lines.append("")
    for sample in op.get("x-codeSamples", []):
        lines += [
            f"{sample['label']}:",
            "",
            f"```{sample['lang']}",
            sample["source"].strip(),
            "```",
            "",
        ]
    return lines


def _schema(name: str, schema: dict[str, Any]) -> list[str]:
    lines = [f'<a id="schema-{name.lower()}"></a>', f"### {name}", ""]
    if schema.get("description"):
        lines += [schema["description"].strip(), ""]
    props = schema.get("properties", {})
    if props:
        required = set(schema.get("required", []))
        lines += ["| field | type | required | notes |", "|---|---|---|---|"]
        for field, spec in props.items():
            notes = "; ".join(x for x in (spec.get("description", ""), _bounds(spec)) if x)
            lines.append(
                f"| `{field}` | {_cell(_type(spec))} | {'yes' if field in required else 'no'} "
                f"| {_cell(notes)} |"
            )
        lines.append("")
    return lines


def markdown(document: dict[str, Any]) -> str:
    info = document["info"]
    lines = [HEADER, f"# {info['title']} (version {info['version']})", ""]
    lines += [info.get("description", "").strip(), ""]
    by_tag: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
    for path, methods in document["paths"].items():
        for method, op in methods.items():
            for tag in op.get("tags", ["API"])[:1]:
                by_tag.setdefault(tag, []).append((path, method, op))
    for tag, ops in by_tag.items():
        lines += [f"## {tag}", ""]
        for path, method, op in ops:
            lines += _operation(path, method, op)
    lines += examples()
    schemas = document.get("components", {}).get("schemas", {})
    if schemas:
        lines += ["## Schemas", ""]
        for name in sorted(schemas):
            lines += _schema(name, schemas[name])
    return "\n".join(lines).rstrip() + "\n"


def examples() -> list[str]:
    """The worked examples of kttt/api/examples/ (curl and Python, a file per group of
    resources), their headings one level down."""
    lines: list[str] = []
    for path in sorted((Path(__file__).parent / "examples").glob("*.md")):
        for line in path.read_text(encoding="utf-8").splitlines():
            lines.append("#" + line if line.startswith("#") else line)
        lines.append("")
    return lines


def current() -> str:
    from kttt.api.urls import api

    return markdown(json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1/"))))
