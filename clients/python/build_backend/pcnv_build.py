"""The build backend of the pcnv-client package (PEP 517), in the source tree so that
`pip install ./clients/python` needs nothing from the network: no setuptools or wheel to fetch
into pip's isolated build environment (the machines pcnv runs on often have no PyPI), only
Debian's protoc (protobuf-compiler) to compile the wire modules from the project's own protos.

The wheel holds pcnv_client, and the modules protoc makes from proto/: pcnv/v1/validator_pb2.py
and the wire-compatible google/rpc and google/api copies it imports (Debian 12 packages no
googleapis-common-protos; where that package is installed too, both hold the same messages).
"""

import base64
import hashlib
import os
import shutil
import subprocess
import tempfile
import zipfile

NAME = "pcnv_client"
DIST = "pcnv-client"
HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # clients/python
PROTO_ROOT = os.path.normpath(os.path.join(HERE, "..", "..", "proto"))
PROTOS = ["pcnv/v1/validator.proto", "google/rpc/status.proto", "google/rpc/error_details.proto",
          "google/api/http.proto", "google/api/annotations.proto"]
TAG = "py3-none-any"


def _version():
    """The project's version, from the top-level CMakeLists.txt (project(pcnv VERSION x.y.z))."""
    with open(os.path.join(HERE, "..", "..", "CMakeLists.txt"), encoding="utf-8") as f:
        for line in f:
            if line.strip().startswith("project(") and "VERSION" in line:
                return line.split("VERSION")[1].split()[0].rstrip(")")
    raise RuntimeError("no project(... VERSION ...) line in CMakeLists.txt")


def _metadata():
    with open(os.path.join(HERE, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    return "\n".join([
        "Metadata-Version: 2.1",
        f"Name: {DIST}",
        f"Version: {_version()}",
        "Summary: Python client for pcnv, the PCN boundary validator (gRPC)",
        "Requires-Python: >=3.9",
        "Requires-Dist: grpcio",
        "Requires-Dist: protobuf",
        "Provides-Extra: geo",
        "Requires-Dist: shapely; extra == \"geo\"",
        "Description-Content-Type: text/markdown",
        "",
        readme,
    ])


def _compile(out):
    """The *_pb2 modules, made by protoc from proto/ (the repository this package sits in)."""
    protoc = shutil.which("protoc")
    if protoc is None:
        raise RuntimeError("protoc not found: install Debian's protobuf-compiler")
    missing = [p for p in PROTOS if not os.path.exists(os.path.join(PROTO_ROOT, p))]
    if missing:
        raise RuntimeError(f"{PROTO_ROOT} lacks {missing}: build from the pcnv source tree")
    subprocess.run([protoc, f"--proto_path={PROTO_ROOT}", f"--python_out={out}", *PROTOS],
                   check=True)


def _record_line(path, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}"


def get_requires_for_build_wheel(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    info = os.path.join(metadata_directory, f"{NAME}-{_version()}.dist-info")
    os.makedirs(info, exist_ok=True)
    with open(os.path.join(info, "METADATA"), "w", encoding="utf-8") as f:
        f.write(_metadata())
    return os.path.basename(info)


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    version = _version()
    wheel_name = f"{NAME}-{version}-{TAG}.whl"
    info = f"{NAME}-{version}.dist-info"
    files = {}  # archive path -> bytes
    with tempfile.TemporaryDirectory() as gen:
        _compile(gen)
        for root, _, names in os.walk(gen):
            for name in sorted(names):
                full = os.path.join(root, name)
                with open(full, "rb") as f:
                    files[os.path.relpath(full, gen).replace(os.sep, "/")] = f.read()
    package = os.path.join(HERE, NAME)
    for name in sorted(os.listdir(package)):
        if name.endswith(".py"):
            with open(os.path.join(package, name), "rb") as f:
                files[f"{NAME}/{name}"] = f.read()
    files[f"{info}/METADATA"] = _metadata().encode()
    files[f"{info}/WHEEL"] = "\n".join([
        "Wheel-Version: 1.0", "Generator: pcnv_build", "Root-Is-Purelib: true", f"Tag: {TAG}",
        ""]).encode()
    record = [_record_line(path, data) for path, data in files.items()]
    record.append(f"{info}/RECORD,,")
    files[f"{info}/RECORD"] = ("\n".join(record) + "\n").encode()
    os.makedirs(wheel_directory, exist_ok=True)
    with zipfile.ZipFile(os.path.join(wheel_directory, wheel_name), "w",
                         zipfile.ZIP_DEFLATED) as wheel:
        for path, data in files.items():
            wheel.writestr(path, data)
    return wheel_name
