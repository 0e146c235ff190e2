# SPDX-License-Identifier: Apache-2.0
# validate_features.py SCHEMA_DIR < DOC: validates a runtime-spec features
# document against features-schema.json (draft 4, with its $refs to the
# sibling defs*.json files). Exit 1 with the first error.
import json, pathlib, sys
import jsonschema
d = pathlib.Path(sys.argv[1])
doc = json.load(sys.stdin)
schema = json.loads((d / "features-schema.json").read_text())
try:
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4
    reg = Registry().with_resources(
        (p.name, Resource.from_contents(json.loads(p.read_text()), default_specification=DRAFT4))
        for p in d.glob("*.json"))
    v = jsonschema.Draft4Validator(schema, registry=reg)
except ImportError:
    v = jsonschema.Draft4Validator(schema, resolver=jsonschema.RefResolver(d.resolve().as_uri() + "/", schema))
v.validate(doc)
