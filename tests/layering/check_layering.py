#!/usr/bin/python3
"""Checks pcnv's layering: geo <- report <- wire <- {server, clients}.

Two views of the same rule, because either alone can be fooled:
  * includes, read from the sources: a file may include headers of its own layer or of layers
    below it; server/ and clients/ never include each other; geo/ and report/ never include gRPC
    or protobuf (the domain must build and be tested without them);
  * links, read from the configured build tree through the CMake File API (codemodel-v2), so
    the graph is the one CMake resolved, not a guess from CMakeLists.txt: a target may link
    targets of its own layer or below, and server and client targets never link each other.

Violations listed in the allow-list (known_violations.txt beside this script) are reported as
known, to be removed, and do not fail the check; an entry that no longer matches anything does,
so the list only shrinks. Exit status: 0 clean, 1 violations, 2 the inputs could not be read.

Standard library only: it runs under ctest with /usr/bin/python3.
"""

import argparse
import glob
import json
import os
import re
import sys

# Folder -> rank. A file or target may depend on its own rank or lower ones, except that the two
# top layers (server, clients) must not depend on each other.
LAYERS = {"geo": 0, "report": 1, "wire": 2, "server": 3, "clients": 3}

# CMake target -> layer. Targets not named here (tests, benchmarks, tools, imported libraries)
# are outside the rule. pcnv_proto is the generated wire types, so it sits in wire.
TARGET_LAYERS = {
    "pcnv_geo": "geo",
    "pcnv_geo_io": "geo",
    "pcnv_engine": "geo",
    "pcnv_report": "report",
    "pcnv_wire": "wire",
    "pcnv_proto": "wire",
    "pcnv_server_lib": "server",
    "pcnv-server": "server",
    "pcnv": "clients",
    "pcnv_remote": "clients",
}

# Layers that must build without gRPC or protobuf, and what counts as including either.
RPC_FREE_LAYERS = ("geo", "report")
RPC_INCLUDE = re.compile(r"^(grpcpp/|grpc/|google/protobuf/|google/rpc/)|\.pb\.h$")

SOURCE_SUFFIXES = (".h", ".hh", ".hpp", ".cc", ".cpp", ".cxx", ".inc")
INCLUDE_LINE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]')

RULE_TEXT = {
    "rpc-free-domain": "geo/ and report/ never include gRPC or protobuf",
    "server-clients-apart": "server/ and clients/ never include or link each other",
    "layer-direction": "dependencies point down: geo <- report <- wire <- {server, clients}",
}


class Violation:
    """One broken rule. `key` is what the allow-list names, so line numbers may move freely."""

    def __init__(self, where, rule, what, key):
        self.where = where  # "path:line" for an include, "target NAME" for a link
        self.rule = rule
        self.what = what
        self.key = key

    def __str__(self):
        return f"{self.where}: [{self.rule}] {self.what} ({RULE_TEXT[self.rule]})"


def layer_of_path(path):
    """The layer a repository-relative path (file or include) belongs to, or None."""
    top = path.split("/", 1)[0]
    return top if top in LAYERS else None


def dependency_rule(from_layer, to_layer):
    """The rule a dependency from one layer to another breaks, or None when it is allowed."""
    if from_layer is None or to_layer is None or from_layer == to_layer:
        return None
    if LAYERS[to_layer] > LAYERS[from_layer]:
        return "layer-direction"
    if LAYERS[to_layer] == LAYERS[from_layer]:
        return "server-clients-apart"
    return None


def source_files(root):
    for layer in sorted(LAYERS):
        top = os.path.join(root, layer)
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames.sort()
            for name in sorted(filenames):
                if name.endswith(SOURCE_SUFFIXES):
                    full = os.path.join(dirpath, name)
                    yield os.path.relpath(full, root).replace(os.sep, "/"), full


def include_violations(root):
    found = []
    for rel, full in source_files(root):
        file_layer = layer_of_path(rel)
        with open(full, encoding="utf-8", errors="replace") as f:
            for number, line in enumerate(f, 1):
                match = INCLUDE_LINE.match(line)
                if not match:
                    continue
                header = match.group(1)
                where = f"{rel}:{number}"
                key = f"{rel} -> {header}"
                if file_layer in RPC_FREE_LAYERS and RPC_INCLUDE.search(header):
                    found.append(Violation(where, "rpc-free-domain", f"includes {header}", key))
                    continue
                rule = dependency_rule(file_layer, layer_of_path(header))
                if rule:
                    found.append(Violation(where, rule, f"includes {header}", key))
    return found


def read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def codemodel_targets(reply_dir):
    """{target name: [names of the targets it links]} from a File API reply folder. CMake lists
    every target a target links, directly or through another (a static library's own links)."""
    indexes = sorted(glob.glob(os.path.join(reply_dir, "index-*.json")))
    if not indexes:
        raise FileNotFoundError(
            f"no CMake File API reply in {reply_dir}: configure the build tree again (the "
            "top-level CMakeLists.txt asks for codemodel-v2; CMake answers on the next run)")
    index = read_json(indexes[-1])  # names sort by time of writing; the last is current
    codemodel = index.get("reply", {}).get("codemodel-v2")
    if not codemodel or "jsonFile" not in codemodel:
        raise FileNotFoundError(f"{indexes[-1]} has no codemodel-v2 reply")
    model = read_json(os.path.join(reply_dir, codemodel["jsonFile"]))
    configuration = model["configurations"][0]
    names = {t["id"]: t["name"] for t in configuration["targets"]}
    links = {}
    for entry in configuration["targets"]:
        target = read_json(os.path.join(reply_dir, entry["jsonFile"]))
        links[target["name"]] = sorted(
            names[d["id"]] for d in target.get("dependencies", [])
            if d["id"] in names and linked(target, d))
    return links


def linked(target, dependency):
    """Whether a dependency came from target_link_libraries, not add_dependencies (ordering only:
    tests that run binaries depend on them without linking them)."""
    trace = target.get("backtraceGraph")
    node = dependency.get("backtrace")
    if trace is None or node is None:
        return True  # no provenance recorded: count it, strictness errs on the side of failing
    command = trace["nodes"][node].get("command")
    return command is None or trace["commands"][command] != "add_dependencies"


def link_violations(links):
    found = []
    for name in sorted(links):
        from_layer = TARGET_LAYERS.get(name)
        for dep in links[name]:
            rule = dependency_rule(from_layer, TARGET_LAYERS.get(dep))
            if rule:
                found.append(Violation(f"target {name}", rule,
                                       f"links {dep} ({from_layer} -> {TARGET_LAYERS[dep]})",
                                       f"target {name} -> {dep}"))
    return found


def read_allow_list(path):
    """{key: line number} of the allow-list; '#' starts a comment."""
    allowed = {}
    if not os.path.exists(path):
        return allowed
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            entry = line.split("#", 1)[0].strip()
            if entry:
                allowed[re.sub(r"\s+", " ", entry)] = number
    return allowed


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--source", default=os.path.dirname(os.path.dirname(here)),
                        help="repository root (default: two folders above this script)")
    parser.add_argument("--build", help="configured build tree, read for the link graph")
    parser.add_argument("--reply", help="a CMake File API reply folder (default: "
                        "BUILD/.cmake/api/v1/reply)")
    parser.add_argument("--allow", default=os.path.join(here, "known_violations.txt"),
                        help="allow-list of known violations")
    args = parser.parse_args(argv)
    reply = args.reply or (args.build and os.path.join(args.build, ".cmake", "api", "v1", "reply"))
    if not reply:
        parser.error("give --build or --reply: the link graph is part of the check")

    try:
        links = codemodel_targets(reply)
    except (OSError, ValueError, KeyError, IndexError) as e:
        print(f"check_layering: cannot read the link graph: {e}", file=sys.stderr)
        return 2
    missing = sorted(t for t in ("pcnv_geo", "pcnv_server_lib", "pcnv") if t not in links)
    if missing:
        print(f"check_layering: the codemodel in {reply} lacks {', '.join(missing)}: "
              "is it this project's build tree?", file=sys.stderr)
        return 2

    violations = include_violations(args.source) + link_violations(links)
    allowed = read_allow_list(args.allow)
    new = [v for v in violations if v.key not in allowed]
    known = [v for v in violations if v.key in allowed]
    stale = sorted(set(allowed) - {v.key for v in violations}, key=allowed.get)

    for v in known:
        print(f"known, to be removed: {v}")
    for v in new:
        print(f"VIOLATION: {v}")
    for key in stale:
        print(f"STALE: {args.allow}:{allowed[key]}: '{key}' no longer happens; delete the entry")
    checked = sum(1 for _ in source_files(args.source))
    print(f"check_layering: {checked} files, {len(links)} targets: {len(new)} violations, "
          f"{len(known)} known, {len(stale)} stale allow-list entries")
    return 1 if new or stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
