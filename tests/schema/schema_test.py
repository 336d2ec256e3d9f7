#!/usr/bin/python3
"""Checks the JSON Schemas in docs/ against sizesel itself.

Run by ctest (tests/schema/CMakeLists.txt) with the system interpreter and Debian's
python3-jsonschema, one check per call:

  schema_test.py CHECK --source REPO --sizesel BUILD/sizesel [--keys BUILD/.../sizesel_reader_keys]

  schemas            the three schemas are valid draft-07, and every object in them says whether
                     it allows other keys
  configs            every file in configs/ (any depth) validates against the scenario or table
                     schema, and `sizesel validate` accepts it
  scenario-reader    the scenario schema and the reader agree: the same keys in every object, the
                     same value lists, and the same verdict on some 2,000 documents that probe
                     every key, bound, type and value list the schema declares
  table-reader       the same for the table schema
  solve-results      `sizesel solve --format json` on every table in configs/, in several
                     settings, validates against the result schema
  recommend-result   real tiny `sizesel recommend --format json` runs validate against it

Exit 0: passed; 1: failed (each problem on stderr); 77: skipped (said why).
"""

import argparse
import copy
import json
import math
import os
import re
import subprocess
import sys
import tempfile

try:
    import jsonschema
except ImportError:
    sys.exit("schema_test.py: needs Debian's python3-jsonschema (scripts/setup installs it) for " + sys.executable)

SKIP = 77
UNKNOWN_KEY = "zz_unknown_key"
NOT_A_VALUE = "zz-not-a-value"


# ---------------------------------------------------------------------------------------------
# Reading files as sizesel does


def strip_comments(text):
    """`text` with // and /* */ comments outside strings blanked (newlines kept), as sizesel skips them."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.loads(strip_comments(f.read()))


def check_strip_comments():
    text = '{"a": "x // y /* z */", // one\n "b\\"//": 1 /* two\n */, "c": "\\\\"}// end'
    want = {"a": "x // y /* z */", 'b"//': 1, "c": "\\"}
    got = json.loads(strip_comments(text))
    assert got == want, f"strip_comments: {got!r} != {want!r}"


def is_table(document):
    """As sizesel validate and batch tell them apart: a table has "options" at its top level."""
    return isinstance(document, dict) and "options" in document


class Problems:
    def __init__(self):
        self.items = []

    def add(self, text):
        self.items.append(text)

    def finish(self, what):
        for text in self.items[:40]:
            print("FAIL: " + text, file=sys.stderr)
        if len(self.items) > 40:
            print(f"FAIL: ... and {len(self.items) - 40} more", file=sys.stderr)
        if self.items:
            print(f"{what}: {len(self.items)} problems", file=sys.stderr)
            return 1
        print(f"{what}: ok")
        return 0


# ---------------------------------------------------------------------------------------------
# Schemas


def load_schema(source, name):
    return load_json(os.path.join(source, "docs", name))


def validator(schema, node=None):
    """A draft-07 validator of `node` (default: the whole schema), resolving $refs in `schema`."""
    resolver = jsonschema.RefResolver.from_schema(schema)
    return jsonschema.Draft7Validator(schema if node is None else node, resolver=resolver)


def schema_error(check, document):
    errors = sorted(check.iter_errors(document), key=lambda e: list(e.absolute_path))
    if not errors:
        return None
    best = jsonschema.exceptions.best_match(errors)
    return "/" + "/".join(str(p) for p in best.absolute_path) + ": " + best.message[:200]


class Node:
    """A schema node seen through its $ref and allOf members."""

    def __init__(self, schema, node):
        self.schema = schema
        self.parts = []
        self._collect(node)

    def _collect(self, node):
        if not isinstance(node, dict):
            return
        if "$ref" in node:
            target = self.schema
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part]
            self._collect(target)
            return
        self.parts.append(node)
        for member in node.get("allOf", []):
            self._collect(member)

    def get(self, key, default=None):
        for part in self.parts:
            if key in part:
                return part[key]
        return default

    def all(self, key):
        return [part[key] for part in self.parts if key in part]

    def alternatives(self):
        """This node's parts and those of its anyOf/oneOf branches (for value samples)."""
        nodes = [self]
        for part in self.parts:
            for branch in part.get("anyOf", []) + part.get("oneOf", []):
                nodes.extend(Node(self.schema, branch).alternatives())
        return nodes

    def own_types(self):
        kinds = set()
        for kind in self.all("type"):
            kinds.update([kind] if isinstance(kind, str) else kind)
        return kinds

    def types(self):
        kinds = set()
        for node in self.alternatives():
            kinds |= node.own_types()
            if node.get("enum") is not None and not node.all("type"):
                kinds.add("string")
        return kinds

    def properties(self):
        merged = {}
        for props in self.all("properties"):
            merged.update(props)
        return merged

    def additional(self):
        """False, a schema node for the values of other keys, or None (not said)."""
        return self.get("additionalProperties")

    def is_object(self):
        return "object" in self.types() or bool(self.properties())

    def array_items(self):
        return [node.get("items") for node in self.alternatives() if node.get("items") is not None]


def walk_objects(schema, free_keys):
    """(concrete pointer or None, pattern, Node) of every object schema, depth first. Patterns
    have "*" for an array index or a key the document chooses (as scenario_keys() names them);
    the concrete pointer names index 0, or the first of free_keys[pointer], and is None below a
    free key that has none."""
    found = []

    def visit(node, concrete, pattern):
        node = node if isinstance(node, Node) else Node(schema, node)
        if node.is_object():
            found.append((concrete, pattern, node))
            for key, child in node.properties().items():
                visit(child, None if concrete is None else concrete + "/" + key, pattern + "/" + key)
            extra = node.additional()
            if isinstance(extra, dict):
                keys = free_keys.get(concrete, []) if concrete is not None else []
                visit(extra, concrete + "/" + keys[0] if keys else None, pattern + "/*")
            # An object among the branches ("stopped": null or an object; the result's oneOf), not a
            # branch that only refines this object (the weights' "at least one > 0").
            for branch in node.alternatives()[1:]:
                if "object" in branch.own_types():
                    visit(branch, concrete, pattern)
        for items in node.array_items():
            visit(items, None if concrete is None else concrete + "/0", pattern + "/*")

    visit(schema, "", "")
    return found


def check_schema_file(source, name, problems):
    schema = load_schema(source, name)
    try:
        jsonschema.Draft7Validator.check_schema(schema)
    except jsonschema.exceptions.SchemaError as error:
        problems.add(f"docs/{name}: not a valid draft-07 schema: {error.message}")
        return
    if schema.get("$schema") != "http://json-schema.org/draft-07/schema#":
        problems.add(f"docs/{name}: $schema is not draft-07")
    for _, pattern, node in walk_objects(schema, {}):
        if node.additional() is None and node.properties():
            problems.add(f"docs/{name}: the object at {pattern or '/'} lists properties but does not say "
                         "additionalProperties (false where sizesel rejects other keys)")


def run_schemas(args):
    problems = Problems()
    check_strip_comments()
    for name in ("scenario.schema.json", "table.schema.json", "result.schema.json"):
        check_schema_file(args.source, name, problems)
    result = load_schema(args.source, "result.schema.json")
    if [branch.get("$ref") for branch in result.get("oneOf", [])] != ["#/definitions/recommend", "#/definitions/solve"]:
        problems.add("docs/result.schema.json: expected oneOf recommend, solve (docs/output.md says so)")
    return problems.finish("schemas")


# ---------------------------------------------------------------------------------------------
# sizesel validate, many files in one call


def validate_files(sizesel, paths):
    """{path: None when `sizesel validate` accepts it, else its one-line error, less the path},
    from one call (sizesel starts in about 0.7 s). An error that names another file (the CSV
    a table names) goes to the files, in order, that got no verdict otherwise."""
    run = subprocess.run([sizesel, "validate"] + paths, capture_output=True, text=True)
    verdicts, unnamed = {}, []
    for line in run.stdout.splitlines():
        match = re.match(r"ok (.*?): (scenario|table) ", line)
        if match:
            verdicts[match.group(1)] = None
    given = set(paths)
    for line in run.stderr.splitlines():
        path, _, message = line.removeprefix("sizesel: error: ").partition(": ")
        if path in given:
            verdicts[path] = message
        else:
            unnamed.append(line)
    silent = [p for p in paths if p not in verdicts]
    if len(silent) == len(unnamed):
        verdicts.update(zip(silent, unnamed))
    return verdicts, run


def run_configs(args):
    problems = Problems()
    schemas = {"scenario": validator(load_schema(args.source, "scenario.schema.json")),
               "table": validator(load_schema(args.source, "table.schema.json"))}
    configs = os.path.join(args.source, "configs")
    json_files, other_files, csv_named = [], [], set()
    for folder, _, names in os.walk(configs):
        for name in sorted(names):
            path = os.path.join(folder, name)
            (json_files if name.endswith(".json") else other_files).append(path)
    counts = {"scenario": 0, "table": 0}
    for path in json_files:
        document = load_json(path)
        kind = "table" if is_table(document) else "scenario"
        counts[kind] += 1
        error = schema_error(schemas[kind], document)
        if error:
            problems.add(f"{os.path.relpath(path, args.source)} ({kind}): {error}")
        if kind == "table" and isinstance(document.get("options"), str):
            csv_named.add(os.path.normpath(os.path.join(os.path.dirname(path), document["options"])))
    verdicts, run = validate_files(args.sizesel, json_files)
    for path in json_files:
        if path not in verdicts or verdicts[path] is not None:
            problems.add(f"{os.path.relpath(path, args.source)}: sizesel validate: {verdicts.get(path, run.stderr.strip())}")
    for path in other_files:
        # A file no schema covers must be the options of a table, which sizesel validate reads.
        if os.path.normpath(path) not in csv_named:
            problems.add(f"{os.path.relpath(path, args.source)}: neither a scenario nor a table nor a table's CSV "
                         "options: no schema checks it (teach tests/schema/schema_test.py about it)")
    if counts["scenario"] < 2 or counts["table"] < 1:
        problems.add(f"configs/: expected at least 2 scenarios and 1 table, found {counts}")
    # The starters of `sizesel init` are scenarios users begin from: the schema must take them too.
    for dataset in ("fashion-mnist", "cifar10"):
        init = subprocess.run([args.sizesel, "init", "--dataset", dataset], capture_output=True, text=True)
        if init.returncode != 0:
            problems.add(f"sizesel init --dataset {dataset}: exit {init.returncode}: {init.stderr.strip()}")
            continue
        error = schema_error(schemas["scenario"], json.loads(strip_comments(init.stdout)))
        if error:
            problems.add(f"sizesel init --dataset {dataset} (scenario): {error}")
    print(f"configs: {counts['scenario']} scenarios, {counts['table']} tables, {len(other_files)} other files")
    return problems.finish("configs")


# ---------------------------------------------------------------------------------------------
# Probing the reader with documents derived from the schema


def split(pointer):
    return [int(p) if p.isdigit() else p for p in pointer.split("/")[1:]] if pointer else []


def get_at(document, pointer, default=None):
    for part in split(pointer):
        try:
            document = document[part]
        except (KeyError, IndexError, TypeError):
            return default
    return document


def set_at(document, pointer, value):
    parts = split(pointer)
    for part in parts[:-1]:
        if isinstance(document, dict) and part not in document:
            document[part] = {}
        document = document[part]
    if isinstance(document, list) and parts[-1] == len(document):
        document.append(value)
    else:
        document[parts[-1]] = value


def remove_at(document, pointer):
    parts = split(pointer)
    for part in parts[:-1]:
        document = document[part]
    del document[parts[-1]]


def merge(into, extra):
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            merge(into[key], value)
        else:
            into[key] = copy.deepcopy(value)


def number_samples(node):
    """Every bound of the node and its branches, with the nearest doubles on either side."""
    values = [1, -1, 0, 1e300, -1e300]
    for branch in node.alternatives():
        for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "const"):
            for bound in branch.all(key):
                if isinstance(bound, (int, float)) and not isinstance(bound, bool):
                    values += [bound, math.nextafter(bound, math.inf), math.nextafter(bound, -math.inf)]
    return values


def integer_samples(node):
    values = [1, 0, -1, 1.5]
    for key in ("minimum", "maximum"):
        for bound in node.all(key):
            values += [bound, bound - 1, bound + 1]
    return values


def samples(schema, node, checker):
    """Values to try for a property: its default and examples, every enum value and one that is
    not, values at and just beyond every bound, each type's typical values, and a wrong type."""
    node = Node(schema, node)
    values = []
    if node.get("default") is not None:
        values.append(node.get("default"))
    for examples in node.all("examples"):
        values += examples
    enums = [v for n in node.alternatives() for e in n.all("enum") for v in e]
    values += enums
    kinds = node.types()
    if enums:
        values.append(NOT_A_VALUE)
    if "integer" in kinds:
        values += integer_samples(node) + ["1"]
    if "number" in kinds:
        values += number_samples(node) + ["1"]
    if "string" in kinds:
        values += ["x", "", 1]
        if any(n.all("pattern") for n in node.alternatives()):
            values += ["  ", "a\tb", "1x"]
    if "boolean" in kinds:
        values += [True, False, "true"]
    if "null" in kinds:
        values.append(None)
    if "object" in kinds:
        minimal = minimal_valid(schema, node, checker)
        values += ([minimal] if minimal is not None else []) + [{}, []]
    if "array" in kinds:
        values += [[], {}]
        for items in node.array_items():
            item = Node(schema, items)
            if item.is_object():
                values.append([{}])
                continue
            item_values = samples(schema, items, checker)
            values += [[v] for v in item_values]
            valid = [v for v in item_values if checker(items, v)]
            if valid:
                values.append([valid[0], valid[0]])
                for bound in node.all("maxItems"):
                    values += [[valid[0]] * bound, [valid[0]] * (bound + 1)]
    unique = []
    for value in values:
        if not any(json.dumps(value) == json.dumps(seen) for seen in unique):
            unique.append(value)
    return unique


def minimal_valid(schema, node, checker):
    """An object with only the required keys, each with its first valid sample; None if none."""
    node = node if isinstance(node, Node) else Node(schema, node)
    value = {}
    for key in node.get("required", []):
        child = node.properties().get(key)
        if child is None:
            return None
        valid = [v for v in samples(schema, child, checker) if checker(child, v)]
        if not valid:
            return None
        value[key] = valid[0]
    return value


class Probe:
    def __init__(self, document, what, pointer, unknown=False, enum=None):
        self.document = document
        self.what = what
        self.pointer = pointer
        self.unknown = unknown
        self.enum = enum  # (pattern, schema's values) when the probe gives a value outside a list


def probes_for(schema, config, checker):
    """Documents that each change one thing of config.base: every key of every object (every
    sample value, and removed), and an unknown key in each object that rejects them."""
    probes = []
    for concrete, pattern, node in walk_objects(schema, config.free_keys):
        if concrete is None:
            continue
        bases = config.bases.get(concrete)
        if bases is None:
            present = get_at(config.base, concrete)
            bases = [present if present is not None else minimal_valid(schema, node, checker) or {}]
        for base in bases:
            start = copy.deepcopy(config.base)
            for prefix, extra in config.context.items():
                if concrete.startswith(prefix):
                    merge(start, extra)
            if concrete:
                set_at(start, concrete, copy.deepcopy(base))
            probes.append(Probe(start, "unchanged", concrete))
            keys = [(key, child, pattern + "/" + key) for key, child in node.properties().items()]
            extra = node.additional()
            if isinstance(extra, dict):
                keys += [(key, extra, pattern + "/*") for key in config.free_keys.get(concrete, [])]
            for key, child, child_pattern in keys:
                for value in samples(schema, child, checker):
                    document = copy.deepcopy(start)
                    set_at(document, concrete + "/" + key, value)
                    enum = None
                    if value == NOT_A_VALUE:
                        enum = (child_pattern, [v for n in Node(schema, child).alternatives() for e in n.all("enum") for v in e])
                    elif value == [NOT_A_VALUE]:
                        items = Node(schema, Node(schema, child).array_items()[0])
                        enum = (child_pattern + "/*", [v for e in items.all("enum") for v in e])
                    probes.append(Probe(document, f"{key} = {json.dumps(value)}", concrete + "/" + key, enum=enum))
            if extra is False:
                document = copy.deepcopy(start)
                set_at(document, concrete + "/" + UNKNOWN_KEY, 1)
                probes.append(Probe(document, "an unknown key", concrete + "/" + UNKNOWN_KEY, unknown=True))
            for key in base if isinstance(base, dict) else []:
                if key in node.properties():
                    document = copy.deepcopy(start)
                    remove_at(document, concrete + "/" + key)
                    probes.append(Probe(document, f"{key} removed", concrete + "/" + key))
    return probes


def matches(pattern, reader_pattern):
    a, b = pattern.split("/"), reader_pattern.split("/")
    return len(a) == len(b) and all(x == y or y == "*" for x, y in zip(a, b))


def compare_keys(schema, reader_keys, free_keys, file, problems):
    """Every object of the schema that rejects other keys lists exactly the reader's keys for it,
    and every object the reader reads with a fixed list of keys is such an object of the schema."""
    closed = [(pattern, node) for _, pattern, node in walk_objects(schema, free_keys) if node.additional() is False]
    for pattern, node in closed:
        readers = [r for r in reader_keys if matches(pattern, r)]
        if len(readers) != 1:
            problems.add(f"{file}: {pattern or '/'} rejects other keys, but the reader has "
                         f"{'no' if not readers else len(readers)} key list for it ({', '.join(readers)})")
            continue
        schema_set, reader_set = set(node.properties()), set(reader_keys[readers[0]])
        for key in sorted(reader_set - schema_set):
            problems.add(f"{file}: {pattern or '/'}: the reader accepts \"{key}\", the schema does not list it")
        for key in sorted(schema_set - reader_set):
            problems.add(f"{file}: {pattern or '/'}: the schema lists \"{key}\", the reader does not accept it")
    for reader in reader_keys:
        if not any(matches(pattern, reader) for pattern, _ in closed):
            problems.add(f"{file}: the reader reads {reader or '/'} with a fixed key list, but the schema has no "
                         "object there with additionalProperties: false")


def reader_values(message, probe, values_of):
    """The allowed values the reader names for a probe that gave a value outside a list."""
    match = re.search(r"must be one of (.*) \(got ", message)
    if match:
        return match.group(1).split(", ")
    for pattern, values in values_of.items():
        if matches(probe.enum[0], pattern):
            return values
    return None


class Config:
    def __init__(self, schema_file, keys_section, base, bases=None, context=None, free_keys=None,
                 gaps=None, agree=None, files=None):
        self.schema_file = schema_file
        self.keys_section = keys_section
        self.base = base
        self.bases = bases or {}
        self.context = context or {}
        self.free_keys = free_keys or {}
        self.gaps = gaps or []      # (what, document): sizesel rejects it, the schema cannot tell
        self.agree = agree or []    # (what, document): the schema must give sizesel's verdict
        self.files = files or {}    # other files the documents refer to


def patch(base, pointer_values, remove=()):
    document = copy.deepcopy(base)
    for pointer in remove:
        remove_at(document, pointer)
    for pointer, value in pointer_values.items():
        set_at(document, pointer, value)
    return document


SCENARIO_BASE = {
    "dataset": {"format": "idx", "root": "data"},
    "candidates": [{"name": "c", "preset": "resnet8"}],
    "weights": {"P": 1},
    # One metric each, so that a constraint may name any criterion.
    "criteria": {"P": {"accuracy": 1}, "R": {"corruption_robustness": 1}, "M": {"checkpoint_mib": 1}},
}
FIVE_RANGES = {"accuracy": {"worst": 0.5, "best": 1}, "devices": {"worst": 20, "best": 1},
               "faithfulness": {"worst": 0, "best": 0.5}, "corruption_robustness": {"worst": 0.5, "best": 1},
               "checkpoint_mib": {"worst": 100, "best": 0}}
SCENARIO = Config(
    "scenario.schema.json", "scenario", SCENARIO_BASE,
    bases={"/candidates/0": [{"name": "c", "preset": "resnet8"}, {"name": "c", "stages": [1], "width": 1}],
           "/criteria/E": [{"faithfulness": 1}]},
    context={"/constraints": {"training": {"repeats": 2}}},  # constraints.confidence needs them
    gaps=[
        ("an integer written 1.0", patch(SCENARIO_BASE, {"/training": {"epochs": 1.0}})),
        ("two candidates of one name", patch(SCENARIO_BASE, {"/candidates/1": {"name": "c", "preset": "resnet20"}})),
        ("seed + repeats - 1 beyond 2^63-1", patch(SCENARIO_BASE, {"/training": {"seed": 2**63 - 1, "repeats": 2}})),
        ("max_width below width", patch(SCENARIO_BASE, {"/candidates/0": {"name": "c", "stages": [1], "width": 32, "max_width": 16}})),
        ("rungs that do not increase", patch(SCENARIO_BASE, {"/early_stopping": {"rungs": [0.5, 0.25]}})),
        ("a minimum above the maximum", patch(SCENARIO_BASE, {"/constraints": {"min": {"params": 10}, "max": {"params": 5}}})),
        ("a constraint on a criterion of several metrics", patch(SCENARIO_BASE, {"/constraints": {"min": {"P": 0.5}}}, remove=["/criteria"])),
        ("reference normalisation without every range", patch(SCENARIO_BASE, {"/decision": {"normalization": "reference", "reference": {"accuracy": {"worst": 0, "best": 1}}}})),
        ("a reference range against its metric's direction", patch(SCENARIO_BASE, {"/decision": {"normalization": "reference", "reference": dict(FIVE_RANGES, devices={"worst": 1, "best": 20})}})),
    ],
    agree=[
        ("confidence with one seed", patch(SCENARIO_BASE, {"/constraints": {"confidence": 0.9}})),
        ("confidence with two seeds", patch(SCENARIO_BASE, {"/constraints": {"confidence": 0.9}, "/training": {"repeats": 2}})),
        ("reference normalisation with every range", patch(SCENARIO_BASE, {"/decision": {"normalization": "reference", "reference": FIVE_RANGES}})),
        ("the documented minimal scenario", {"dataset": {"format": "idx", "root": "/usr/share/datasets/fashion-mnist"},
                                             "candidates": [{"name": "r20", "preset": "resnet20"}], "weights": {"P": 1}}),
    ])

TABLE_BASE = {"levels": {"x": 0.5}, "criteria": {"A": {"direction": "max"}}, "weights": {"A": 1},
              "options": [{"name": "o", "A": 1}]}
TABLE = Config(
    "table.schema.json", "table", TABLE_BASE,
    free_keys={"/levels": ["x", "y", "1x", " ", "a\tb", ""], "/criteria": ["A", "name"], "/weights": ["A"],
               "/constraints/min": ["A"], "/constraints/max": ["A"], "/constraints/per_option/min": ["A"],
               "/constraints/per_option/max": ["A"], "/options/0": ["A"]},
    files={"x": "name,A\no,1\n"},  # "options": "x" names this CSV
    gaps=[
        ("a weight of no criterion", patch(TABLE_BASE, {"/weights/B": 1})),
        ("a limit on no criterion", patch(TABLE_BASE, {"/constraints": {"max": {"B": 1}}})),
        ("an option without a value for a criterion", patch(TABLE_BASE, {"/options/0": {"name": "o"}})),
        ("an undeclared level", patch(TABLE_BASE, {"/options/0/A": "y"})),
        ("two options of one name", patch(TABLE_BASE, {"/options/1": {"name": "o", "A": 2}})),
        ("a reference range against its criterion's direction", patch(TABLE_BASE, {"/normalization": "reference", "/criteria/A/reference": {"worst": 1, "best": 0}})),
        ("a minimum above the maximum", patch(TABLE_BASE, {"/constraints": {"min": {"A": 2}, "max": {"A": 1}}})),
        ("options from a CSV file that is not there", patch(TABLE_BASE, {"/options": "missing.csv"})),
    ],
    agree=[
        ("reference normalisation without a range", patch(TABLE_BASE, {"/normalization": "reference"})),
        ("reference normalisation with every range", patch(TABLE_BASE, {"/normalization": "reference", "/criteria/A/reference": {"worst": 0, "best": 1}})),
    ])


def run_reader(args, config):
    problems = Problems()
    schema = load_schema(args.source, config.schema_file)
    whole = validator(schema)
    checks = {}

    def checker(node, value):
        key = id(node)
        if key not in checks:
            checks[key] = validator(schema, node)
        return checks[key].is_valid(value)

    keys = json.loads(subprocess.run([args.keys], capture_output=True, text=True, check=True).stdout)
    compare_keys(schema, keys[config.keys_section], config.free_keys, "docs/" + config.schema_file, problems)

    probes = probes_for(schema, config, checker)
    named = [("probe", probe) for probe in probes] + [("gap", Probe(d, w, "")) for w, d in config.gaps] + \
            [("agree", Probe(d, w, "")) for w, d in config.agree]
    with tempfile.TemporaryDirectory() as folder:
        for name, text in config.files.items():
            with open(os.path.join(folder, name), "w") as f:
                f.write(text)
        paths = [os.path.join(folder, f"{i:05d}.json") for i in range(len(named))]
        for path, (_, probe) in zip(paths, named):
            with open(path, "w") as f:
                json.dump(probe.document, f)
        verdicts, run = validate_files(args.sizesel, paths)
    accepted_keys = set()
    enums_seen = {}  # pattern -> whether sizesel named its values
    for file, (kind, probe) in zip(paths, named):
        if file not in verdicts:
            problems.add(f"sizesel validate said nothing about {probe.what} at {probe.pointer}: {run.stderr[-300:]}")
            continue
        reader = verdicts[file]
        schema_says = schema_error(whole, probe.document)
        where = f"{probe.pointer or '/'}: {probe.what}"
        if kind == "gap":
            if reader is None:
                problems.add(f"known gap \"{probe.what}\": sizesel now accepts it; remove it from the gaps and the schema's description")
            elif schema_says is not None:
                problems.add(f"known gap \"{probe.what}\": the schema now rejects it ({schema_says}); remove it from the gaps "
                             "and from the schema's description of what it cannot check")
            continue
        if (reader is None) != (schema_says is None):
            problems.add(f"{where}: sizesel {'accepts' if reader is None else 'rejects (' + reader + ')'}, "
                         f"the schema {'accepts' if schema_says is None else 'rejects (' + schema_says + ')'}"
                         f"; document {json.dumps(probe.document)[:300]}")
            continue
        if reader is None:
            collect_keys(probe.document, "", accepted_keys)
        if probe.unknown and reader is not None and not reader.startswith(probe.pointer + ": unknown key"):
            problems.add(f"{where}: sizesel rejects it for another reason: {reader}")
        if probe.enum and reader is not None:
            pattern, values = probe.enum
            named_values = reader_values(reader, probe, keys["values"])
            enums_seen[pattern] = enums_seen.get(pattern, False) or named_values is not None
            if named_values is not None and set(named_values) != set(values):
                problems.add(f"{pattern}: the schema allows {sorted(values)}, sizesel {sorted(named_values)}")
    for pattern, named in enums_seen.items():
        if not named:
            problems.add(f"{pattern}: no error of sizesel names the values it allows; list them in tests/schema/reader_keys.cpp")
    # Every key the schema lists was accepted by sizesel in some document.
    for concrete, pattern, node in walk_objects(schema, config.free_keys):
        if concrete is None:
            continue
        for key in node.properties():
            if concrete + "/" + key not in accepted_keys:
                problems.add(f"{concrete}/{key}: the schema lists it, but sizesel accepted no document with it")
    print(f"{config.schema_file}: {len(probes)} probes, {len(config.gaps)} known gaps, {len(config.agree)} cross-field "
          f"cases, {len(enums_seen)} value lists")
    return problems.finish(config.schema_file + " against the reader")


def collect_keys(value, pointer, out):
    if isinstance(value, dict):
        for key, child in value.items():
            out.add(pointer + "/" + key)
            collect_keys(child, pointer + "/" + key, out)
    elif isinstance(value, list):
        for i, child in enumerate(value):
            collect_keys(child, pointer + "/" + str(i), out)


# ---------------------------------------------------------------------------------------------
# Results


class Results:
    """The result schema, whole and as its two documents (whose errors say more than oneOf's)."""

    def __init__(self, source):
        schema = load_schema(source, "result.schema.json")
        self.whole = validator(schema)
        self.kinds = {kind: validator(schema, schema["definitions"][kind]) for kind in ("recommend", "solve")}


def check_result(results, text, kind, what, problems):
    try:
        document = json.loads(text)
    except ValueError as error:
        problems.add(f"{what}: not JSON ({error}): {text[:200]}")
        return None
    error = schema_error(results.kinds[kind], document)
    if error:
        problems.add(f"{what}: {error}")
    elif not results.whole.is_valid(document):
        problems.add(f"{what}: valid as {kind} but not against the whole schema (its oneOf)")
    return document


def table_variants(document):
    """(name, table) for the settings a table's result depends on: both modes, every
    normalisation it allows, a zero weight, infeasible in both modes, options from a CSV file."""
    criteria = list(document["criteria"])
    first = criteria[0]
    impossible = {"per_option": {"min": {first: 1e15}}}
    variants = [("mixture", {"mode": "mixture"}), ("vector", {"normalization": "vector"}),
                ("raw", {"normalization": "raw"}), ("zero-weight", {"weights": dict(document["weights"], **{first: 0})}),
                ("infeasible", {"mode": "single", "constraints": impossible}),
                ("infeasible-mixture", {"mode": "mixture", "constraints": impossible})]
    if all("reference" in c for c in document["criteria"].values()):
        variants.append(("reference", {"normalization": "reference"}))
    if isinstance(document["options"], list):
        variants.append(("csv", {"options": "options.csv"}))
    return [(name, dict(copy.deepcopy(document), **change)) for name, change in variants]


def options_csv(document):
    criteria = list(document["criteria"])
    rows = [["name"] + criteria] + [[o["name"]] + [str(o[c]) for c in criteria] for o in document["options"]]
    return "".join(",".join(row) + "\n" for row in rows)


def run_solve_results(args):
    problems = Problems()
    results = Results(args.source)
    tables = []
    for folder, _, names in os.walk(os.path.join(args.source, "configs")):
        tables += [os.path.join(folder, n) for n in sorted(names) if n.endswith(".json") and is_table(load_json(os.path.join(folder, n)))]
    statuses = set()

    def check(text, what):
        result = check_result(results, text, "solve", what, problems)
        if result:
            statuses.add((result["status"], result["mode"]))

    with tempfile.TemporaryDirectory() as folder:
        for t, table in enumerate(tables):
            run = subprocess.run([args.sizesel, "solve", table, "--format", "json"], capture_output=True, text=True)
            what = f"sizesel solve {os.path.relpath(table, args.source)} --format json (exit {run.returncode})"
            if run.returncode not in (0, 3):
                problems.add(f"{what}: {run.stderr.strip()}")
            else:
                check(run.stdout, what)
            # Its variants in one sizesel batch (sizesel starts in about 0.7 s), whose JSON lines
            # are solve's documents with "file" and "exit_code" added.
            document = load_json(table)
            variants = os.path.join(folder, str(t))
            os.mkdir(variants)
            if isinstance(document["options"], list):
                with open(os.path.join(variants, "options.csv"), "w") as f:
                    f.write(options_csv(document))
            for name, variant in table_variants(document):
                with open(os.path.join(variants, name + ".json"), "w") as f:
                    json.dump(variant, f)
        batch = subprocess.run([args.sizesel, "batch"] + [os.path.join(folder, str(t)) for t in range(len(tables))] +
                               ["--format", "json", "-q"], capture_output=True, text=True)
        lines = [json.loads(line) for line in batch.stdout.splitlines()]
        for line in lines:
            what = f"sizesel batch: {os.path.relpath(line.pop('file', '?'), folder)} (exit {line.get('exit_code')})"
            if line.pop("exit_code", None) not in (0, 3):
                problems.add(f"{what}: {line.get('error')}")
                continue
            check(json.dumps(line), what)
        if len(lines) != sum(len(table_variants(load_json(t))) for t in tables):
            problems.add(f"sizesel batch printed {len(lines)} lines: {batch.stderr.strip()[-300:]}")
    want = {("recommended", "single"), ("recommended", "mixture"), ("infeasible", "single"), ("infeasible", "mixture")}
    if not want <= statuses:
        problems.add(f"the tables did not give every outcome: {sorted(want - statuses)} missing")
    print(f"solve-results: {len(tables)} tables, outcomes {sorted(statuses)}")
    return problems.finish("solve results")


TINY = {
    "name": "tiny",
    "dataset": {"format": "idx", "root": "/usr/share/datasets/fashion-mnist", "train_limit": 300, "test_limit": 100},
    "training": {"epochs": 1, "batch_size": 50, "learning_rate": 0.05, "threads": 2, "repeats": 2},
    "candidates": [{"name": "r8", "preset": "resnet8"}, {"name": "mini", "block": "basic", "stages": [1], "width": 4}],
    "deployment": {"target_rate": 2000, "batch_size": 16},
    "measurement": {"warmup_runs": 1, "latency_runs": 5, "throughput_runs": 2, "robustness_images": 50,
                    "corruptions": ["gaussian_noise", "contrast"], "severities": [1, 5], "saliency_images": 10,
                    "deletion_steps": 4},
    "weights": {"P": 0.8, "C": 0.2, "E": 0.1, "R": 0.1, "M": 0.1},
    "constraints": {"min": {"accuracy": 0.0}, "max": {"devices": 1000}},
}


def run_recommend_result(args):
    data = TINY["dataset"]["root"]
    if not os.path.exists(os.path.join(data, "t10k-labels-idx1-ubyte.gz")) and \
            not os.path.exists(os.path.join(data, "t10k-labels-idx1-ubyte")):
        print(f"recommend-result: skipped: no Fashion-MNIST at {data} (Debian's dataset-fashion-mnist)")
        return SKIP
    problems = Problems()
    results = Results(args.source)
    # The first run trains (2 candidates x 2 seeds, seconds); the others decide from its cache,
    # except the last, whose cost screen stops every candidate before training.
    variants = [
        ("single", {}, 0, "recommended"),
        ("mixture", {"decision": {"mode": "mixture", "normalization": "raw"},
                     "constraints": {"max": {"devices": 1000}, "per_option": {"max": {"params": 1e9}}, "confidence": 0.9}},
         0, "recommended"),
        ("infeasible", {"constraints": {"min": {"accuracy": 1.0}}}, 3, "infeasible"),
        ("screened", {"early_stopping": {"rungs": [0.5]}, "constraints": {"max": {"params": 1}}}, 3, "infeasible"),
    ]
    with tempfile.TemporaryDirectory() as folder:
        for name, change, exit_code, status in variants:
            scenario = dict(copy.deepcopy(TINY), **change)
            path = os.path.join(folder, name + ".json")
            with open(path, "w") as f:
                json.dump(scenario, f)
            cache = os.path.join(folder, "cache-screened" if name == "screened" else "cache")
            run = subprocess.run([args.sizesel, "recommend", path, "--format", "json", "-q", "--cache-dir", cache],
                                 capture_output=True, text=True, env=dict(os.environ, OMP_WAIT_POLICY="PASSIVE"))
            what = f"sizesel recommend ({name}; exit {run.returncode})"
            if run.returncode != exit_code:
                problems.add(f"{what}: expected exit {exit_code}: {run.stderr.strip()[-300:]}")
                continue
            result = check_result(results, run.stdout, "recommend", what, problems)
            if result and result["status"] != status:
                problems.add(f"{what}: status {result['status']}, expected {status}")
    return problems.finish("recommend results")


# ---------------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("check", choices=["schemas", "configs", "scenario-reader", "table-reader", "solve-results",
                                          "recommend-result"])
    parser.add_argument("--source", required=True, help="the repository root")
    parser.add_argument("--sizesel", required=True, help="the sizesel binary")
    parser.add_argument("--keys", help="the sizesel_reader_keys binary (scenario-reader, table-reader)")
    args = parser.parse_args()
    return {
        "schemas": run_schemas,
        "configs": run_configs,
        "scenario-reader": lambda a: run_reader(a, SCENARIO),
        "table-reader": lambda a: run_reader(a, TABLE),
        "solve-results": run_solve_results,
        "recommend-result": run_recommend_result,
    }[args.check](args)


if __name__ == "__main__":
    sys.exit(main())
