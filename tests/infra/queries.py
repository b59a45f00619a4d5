"""Small readers over a synthesized template (plain dicts), shared by the infra tests."""

from __future__ import annotations

from typing import Any

#: What the pseudo parameters render as when a test needs a concrete string.
PSEUDO = {"AWS::AccountId": "123456789012", "AWS::Region": "us-east-1",
          "AWS::Partition": "aws", "AWS::URLSuffix": "amazonaws.com"}


def of_type(template: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    return {logical: body for logical, body in template["Resources"].items()
            if body["Type"] == resource_type}


def only(template: dict[str, Any], resource_type: str) -> tuple[str, dict[str, Any]]:
    found = of_type(template, resource_type)
    assert len(found) == 1, f"expected one {resource_type}, found {sorted(found)}"
    return next(iter(found.items()))


def props(body: dict[str, Any]) -> dict[str, Any]:
    properties: dict[str, Any] = body.get("Properties", {})
    return properties


def render(value: Any) -> Any:
    """Fn::Join and pseudo-parameter Refs as text; other references as `<Logical>`."""
    if isinstance(value, dict) and len(value) == 1:
        (fn, arg), = value.items()
        if fn == "Fn::Join":
            separator, parts = arg
            return separator.join(str(render(part)) for part in parts)
        if fn == "Ref":
            return PSEUDO.get(arg, f"<{arg}>")
        if fn == "Fn::GetAtt":
            return f"<{arg[0]}.{arg[1]}>"
    return value


def ref_target(value: Any) -> str | None:
    """The logical id a `Ref` or `Fn::GetAtt` points at, else None."""
    if isinstance(value, dict):
        if "Ref" in value:
            return str(value["Ref"])
        if "Fn::GetAtt" in value:
            return str(value["Fn::GetAtt"][0])
    return None


def by_property(template: dict[str, Any], resource_type: str, name: str,
                value: Any) -> tuple[str, dict[str, Any]]:
    for logical, body in of_type(template, resource_type).items():
        if render(props(body).get(name)) == value:
            return logical, body
    raise AssertionError(f"no {resource_type} with {name} = {value!r}")


def statements(template: dict[str, Any], role_logical: str) -> list[dict[str, Any]]:
    """Every statement of the inline policies attached to a role."""
    found: list[dict[str, Any]] = []
    for body in of_type(template, "AWS::IAM::Policy").values():
        if any(ref_target(r) == role_logical for r in props(body).get("Roles", [])):
            found += props(body)["PolicyDocument"]["Statement"]
    return found


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
