#!/usr/bin/env python3
"""Extract example responses from the published OpenAPI snapshot.

The spec (tests/data/images-openapi.json) carries no whole-response
examples, only `example` values on schemas and properties. This script
assembles a response the way a mock server (Prism) does: take a schema's
`example` when it has one, else follow `$ref`, merge `allOf`, build objects
property by property, arrays from one item, enums from their first value.

Writes tests/data/responses/spec/<name>.<status>.json, one per operation
and documented status (200, 4XX). The parser tests read them; run this
again (standard library only) whenever the spec snapshot changes:

    python3 tools/extract_examples.py [--check]

--check exits 1 when a committed fixture differs from what it would write.
"""
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPEC = os.path.join(ROOT, "tests", "data", "images-openapi.json")
OUT = os.path.join(ROOT, "tests", "data", "responses", "spec")

# operationId -> short fixture name (the C++ builder it answers).
NAMES = {
    "cloudflare-images-upload-an-image-via-url": "v1_create",
    "cloudflare-images-list-images": "v1_list",
    "cloudflare-images-image-details": "v1_get",
    "cloudflare-images-update-image": "v1_edit",
    "cloudflare-images-delete-image": "v1_remove",
    "cloudflare-images-base-image": "v1_blobs_get",
    "cloudflare-images-keys-list-signing-keys": "v1_keys_list",
    "cloudflare-images-keys-add-signing-key": "v1_keys_update",
    "cloudflare-images-keys-delete-signing-key": "v1_keys_remove",
    "cloudflare-images-images-usage-statistics": "v1_stats_get",
    "cloudflare-images-variants-list-variants": "v1_variants_list",
    "cloudflare-images-variants-variant-details": "v1_variants_get",
    "cloudflare-images-variants-create-a-variant": "v1_variants_create",
    "cloudflare-images-variants-update-a-variant": "v1_variants_edit",
    "cloudflare-images-variants-delete-a-variant": "v1_variants_remove",
    "cloudflare-images-list-images-v2": "v2_list",
    "cloudflare-images-create-authenticated-direct-upload-url-v-2": "v2_direct_uploads_create",
}


def resolve(spec, ref):
    node = spec
    for part in ref.lstrip("#/").split("/"):
        node = node[part]
    return node


def deep_merge(a, b):
    """allOf merges objects member by member, as a mock server does."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = dict(a)
        for k, v in b.items():
            out[k] = deep_merge(out.get(k), v) if k in out else v
        return out
    return b


def example(spec, schema, depth=0):
    if depth > 40:
        raise RuntimeError("schema nesting too deep")
    if "example" in schema:
        return schema["example"]
    if "$ref" in schema:
        return example(spec, resolve(spec, schema["$ref"]), depth + 1)
    if "allOf" in schema:
        merged = None
        for sub in schema["allOf"]:
            value = example(spec, sub, depth + 1)
            merged = deep_merge(merged, value)
        return merged
    if "enum" in schema:
        return schema["enum"][0]
    if "properties" in schema or schema.get("type") == "object":
        return {k: example(spec, v, depth + 1) for k, v in schema.get("properties", {}).items()}
    if schema.get("type") == "array":
        return [example(spec, schema.get("items", {}), depth + 1)]
    return {"string": "", "integer": 0, "number": 0, "boolean": False}.get(schema.get("type"))


def fixtures(spec):
    out = {}
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            if not isinstance(op, dict) or "operationId" not in op:
                continue
            name = NAMES[op["operationId"]]
            for status, response in op.get("responses", {}).items():
                media = response.get("content", {}).get("application/json")
                if media is None:
                    continue  # the blob's 200 is image bytes, not JSON
                doc = example(spec, media["schema"])
                out["%s.%s.json" % (name, status.lower())] = json.dumps(doc, indent=2, sort_keys=True) + "\n"
    return out


def main():
    check = "--check" in sys.argv[1:]
    with open(SPEC, encoding="utf-8") as f:
        spec = json.load(f)
    wanted = fixtures(spec)
    if len(wanted) != 2 * len(NAMES) - 1:
        print("expected %d fixtures, made %d" % (2 * len(NAMES) - 1, len(wanted)), file=sys.stderr)
        return 1
    os.makedirs(OUT, exist_ok=True)
    stale = []
    for name, text in sorted(wanted.items()):
        target = os.path.join(OUT, name)
        current = open(target, encoding="utf-8").read() if os.path.exists(target) else None
        if current == text:
            continue
        if check:
            stale.append(name)
        else:
            with open(target, "w", encoding="utf-8") as f:
                f.write(text)
            print("wrote", os.path.relpath(target, ROOT))
    if stale:
        print("out of date (run tools/extract_examples.py):", ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
