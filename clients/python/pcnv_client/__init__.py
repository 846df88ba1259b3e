"""Python client for the pcnv gRPC service (pcnv.v1.BoundaryValidator).

Installed with `pip install ./clients/python` (the wire modules compiled from the project's own
protos with Debian's protoc as the package is built), or used from the source tree with the
build's modules on sys.path (PCNV_PY_GEN=build/<dir>/clients/python/gen). The gRPC calls are
made with grpcio's generic channel methods, so grpc_tools (old in Debian 12) is not needed.

    from pcnv_client import Client, read_nhs_inputs
    with Client("127.0.0.1:50051", token="...") as client:
        report = client.validate(read_nhs_inputs(map_csv, list_sizes_csv, lsoa_csv))
        for f in report.findings: print(f.rule, f.pcn, f.message)
"""

import csv
import json
import os
import sys

import grpc

_GEN = os.environ.get("PCNV_PY_GEN")
if _GEN and _GEN not in sys.path:
    sys.path.insert(0, _GEN)

from google.rpc import error_details_pb2  # noqa: E402
from google.rpc import status_pb2  # noqa: E402
from pcnv.v1 import validator_pb2 as pb  # noqa: E402

SERVICE = "/pcnv.v1.BoundaryValidator/"
MAX_MESSAGE_BYTES = 512 * 1024 * 1024  # server/limits.h wire::kMaxMessageBytes

__all__ = ["Client", "CallError", "pb", "geojson", "read_nhs_folder", "read_nhs_inputs", "shape",
           "territories", "validate_folder", "with_geometry"]


class CallError(Exception):
    """A failed call: the gRPC code, the message and the google.rpc details the server sent."""

    def __init__(self, rpc_error):
        self.code = rpc_error.code()
        self.message = rpc_error.details()
        self.field_violations = []  # (field, description) from google.rpc.BadRequest
        self.reason = ""  # google.rpc.ErrorInfo.reason, e.g. SERVER_BUSY
        for key, value in rpc_error.trailing_metadata() or ():
            if key != "grpc-status-details-bin":
                continue
            status = status_pb2.Status.FromString(value)
            for detail in status.details:
                bad = error_details_pb2.BadRequest()
                info = error_details_pb2.ErrorInfo()
                if detail.Unpack(bad):
                    self.field_violations += [
                        (v.field, v.description) for v in bad.field_violations]
                elif detail.Unpack(info):
                    self.reason = info.reason
        super().__init__(f"{self.code.name}: {self.message}")


class Client:
    """One channel to a pcnv server. TLS when root_certificates is given (PEM bytes), with a
    client certificate for mutual TLS when certificate_chain and private_key are given too.

    service_config: a gRPC service config (JSON text) for client-side balancing over a fleet,
    e.g. deploy/lb/grpc-service-config.json (round_robin, retries on UNAVAILABLE and
    RESOURCE_EXHAUSTED, health checking) with target "dns:///pcnv-server-headless.NAMESPACE.svc.cluster.local:50051" or
    "ipv4:10.0.0.1:50051,10.0.0.2:50051". Default: the file named by PCNV_GRPC_SERVICE_CONFIG,
    else none (one connection to what the target resolves to first)."""

    def __init__(self, target, token=None, root_certificates=None, private_key=None,
                 certificate_chain=None, timeout=60.0, service_config=None):
        options = [("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
                   ("grpc.max_send_message_length", MAX_MESSAGE_BYTES)]
        if service_config is None and os.environ.get("PCNV_GRPC_SERVICE_CONFIG"):
            with open(os.environ["PCNV_GRPC_SERVICE_CONFIG"], encoding="utf-8") as f:
                service_config = f.read()
        if service_config is not None:
            options.append(("grpc.service_config", service_config))
        if root_certificates is not None:
            credentials = grpc.ssl_channel_credentials(
                root_certificates, private_key, certificate_chain)
            self._channel = grpc.secure_channel(target, credentials, options)
        else:
            self._channel = grpc.insecure_channel(target, options)
        self._metadata = [("authorization", f"Bearer {token}")] if token else []
        self._timeout = timeout
        self._calls = {
            name: self._channel.unary_unary(
                SERVICE + name, request_serializer=req.SerializeToString,
                response_deserializer=resp.FromString)
            for name, req, resp in [
                ("Validate", pb.ValidateRequest, pb.ValidateResponse),
                ("ValidateChange", pb.ValidateChangeRequest, pb.ValidateChangeResponse),
                ("GetReferenceInfo", pb.GetReferenceInfoRequest, pb.ReferenceInfo),
                ("ReloadReference", pb.ReloadReferenceRequest, pb.ReloadReferenceResponse),
            ]
        }
        self._validate_stream = self._channel.stream_stream(
            SERVICE + "ValidateStream",
            request_serializer=pb.ValidateStreamRequest.SerializeToString,
            response_deserializer=pb.ValidateStreamResponse.FromString)
        self._compute_catchments = self._channel.unary_stream(
            SERVICE + "ComputeCatchments",
            request_serializer=pb.ComputeCatchmentsRequest.SerializeToString,
            response_deserializer=pb.PcnCatchments.FromString)

    def _call(self, name, request, timeout=None):
        try:
            return self._calls[name](request, timeout=timeout or self._timeout,
                                     metadata=self._metadata)
        except grpc.RpcError as e:
            raise CallError(e) from None

    def validate(self, request, timeout=None, geometry=None):
        """A pb.ValidateRequest in, the pb.Report out. geometry="geojson" asks the server for
        every geometry as GeoJSON in WGS84 (for web maps, geojson() and shape() below),
        "wkb4326" for WKB in WGS84; default: WKB in British National Grid (EPSG:27700)."""
        return self._call("Validate", with_geometry(request, geometry), timeout).report

    def validate_with_id(self, request, timeout=None):
        """As validate, plus the report's id for a later validate_change(base_report_id=...)
        ("" when the server did not keep it)."""
        response = self._call("Validate", request, timeout)
        return response.report, response.report_id

    def validate_change(self, base=None, candidate=None, fail_on=pb.FAIL_ON_NEW_ERRORS,
                        timeout=None, base_report_id=None):
        """The configuration before the change (a pb.ValidateRequest), or the id of a report the
        server made for this caller (base_report_id), and the candidate pb.ValidateRequest; the
        pb.ValidateChangeResponse (findings marked NEW, UNCHANGED, UPDATED or FIXED, whether the
        change regressed, and candidate_report_id for the next change)."""
        if (base is None) == (base_report_id is None):
            raise ValueError("give exactly one of base and base_report_id")
        request = pb.ValidateChangeRequest(candidate=candidate, fail_on=fail_on)
        if base is not None:
            request.base.CopyFrom(base)
        else:
            request.base_report_id = base_report_id
        return self._call("ValidateChange", request, timeout)

    def validate_stream(self, request, chunk_rows=10000, on_event=None, timeout=None):
        """Validates a pb.ValidateRequest too big for one message by streaming it in chunks of
        at most chunk_rows rows. on_event, when given, gets every progress and pcn_result event
        as it arrives (PCN results come in completion order). Returns (report, report_id)."""
        try:
            events = self._validate_stream(_chunks(request, chunk_rows),
                                           timeout=timeout or self._timeout,
                                           metadata=self._metadata)
            for event in events:
                if event.HasField("summary"):
                    return event.summary.report, event.summary.report_id
                if on_event is not None:
                    on_event(event)
        except grpc.RpcError as e:
            raise CallError(e) from None
        raise RuntimeError("ValidateStream ended without a summary")

    def compute_catchments(self, request, share_threshold=None, timeout=None):
        """Every PCN's catchments (pb.PcnCatchments, in PCN code order) for a pb.ValidateRequest
        with a distribution; a list."""
        call = pb.ComputeCatchmentsRequest(input=request)
        if share_threshold is not None:
            call.share_threshold = share_threshold
        try:
            return list(self._compute_catchments(call, timeout=timeout or self._timeout,
                                                 metadata=self._metadata))
        except grpc.RpcError as e:
            raise CallError(e) from None

    def reference_info(self):
        return self._call("GetReferenceInfo", pb.GetReferenceInfoRequest())

    def reload_reference(self):
        return self._call("ReloadReference", pb.ReloadReferenceRequest())

    def close(self):
        self._channel.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _chunks(request, rows):
    """The ValidateStreamRequest chunks of one ValidateRequest (ValidateStream's contract)."""
    yield pb.ValidateStreamRequest(options=request.options)
    if request.sources:
        yield pb.ValidateStreamRequest(sources=pb.SourceFileChunk(files=request.sources))
    for start in range(0, len(request.memberships), rows):
        yield pb.ValidateStreamRequest(memberships=pb.MembershipChunk(
            rows=request.memberships[start:start + rows]))
    if request.HasField("list_sizes"):
        yield pb.ValidateStreamRequest(list_sizes=pb.ListSizes())  # given, even if empty
        for start in range(0, len(request.list_sizes.rows), rows):
            yield pb.ValidateStreamRequest(list_sizes=pb.ListSizes(
                rows=request.list_sizes.rows[start:start + rows]))
    if request.HasField("distribution"):
        level = request.distribution.level
        yield pb.ValidateStreamRequest(distribution=pb.Distribution(level=level))
        for start in range(0, len(request.distribution.rows), rows):
            yield pb.ValidateStreamRequest(distribution=pb.Distribution(
                level=level, rows=request.distribution.rows[start:start + rows]))
    if request.HasField("declared"):
        yield pb.ValidateStreamRequest(declared=pb.DeclaredBoundaries())
        for start in range(0, len(request.declared.boundaries), rows):
            yield pb.ValidateStreamRequest(declared=pb.DeclaredBoundaries(
                boundaries=request.declared.boundaries[start:start + rows]))
    if request.HasField("practice_register"):
        yield pb.ValidateStreamRequest(practice_register=pb.PracticeRegister())
        for start in range(0, len(request.practice_register.practices), rows):
            yield pb.ValidateStreamRequest(practice_register=pb.PracticeRegister(
                practices=request.practice_register.practices[start:start + rows]))
    yield pb.ValidateStreamRequest(end=pb.StreamEnd())


def _rows(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        yield from enumerate(csv.DictReader(f), start=1)


def _postcode(text):
    return "".join(text.split()).upper()


def read_nhs_inputs(practice_map, list_sizes=None, distribution=None):
    """A pb.ValidateRequest from NHS Digital's files (docs/DOMAIN.md section 3): the practice map
    (gp-reg-pat-prac-map.csv), list sizes (gp-reg-pat-prac-all.csv, SEX=ALL, AGE=ALL) and the
    patients per practice per LSOA (gp-reg-pat-prac-lsoa-all.csv, SEX=ALL). Row numbers are the
    files' data rows, so errors and findings point back at them."""
    request = pb.ValidateRequest()
    for row_number, row in _rows(practice_map):
        request.memberships.add(
            practice_code=row["PRACTICE_CODE"].strip(), practice_name=row["PRACTICE_NAME"],
            practice_postcode=_postcode(row.get("PRACTICE_POSTCODE", "")),
            pcn_code=row.get("PCN_CODE", "").strip(), pcn_name=row.get("PCN_NAME", ""),
            sub_icb_code=row.get("SUB_ICB_LOCATION_CODE", row.get("CCG_CODE", "")),
            ons_sub_icb_code=row.get("ONS_SUB_ICB_LOCATION_CODE", row.get("ONS_CCG_CODE", "")),
            icb_code=row.get("ICB_CODE", row.get("STP_CODE", "")),
            ons_icb_code=row.get("ONS_ICB_CODE", row.get("ONS_STP_CODE", "")),
            row=row_number)
    if list_sizes:
        request.list_sizes.SetInParent()
        for row_number, row in _rows(list_sizes):
            if row.get("SEX", "ALL") == "ALL" and row.get("AGE", "ALL") == "ALL":
                request.list_sizes.rows.add(practice_code=row["CODE"].strip(),
                                            patients=int(row["NUMBER_OF_PATIENTS"]),
                                            row=row_number)
    if distribution:
        request.distribution.level = pb.DISTRIBUTION_LEVEL_AREA
        for row_number, row in _rows(distribution):
            if row.get("SEX", "ALL") == "ALL":
                request.distribution.rows.add(practice_code=row["PRACTICE_CODE"].strip(),
                                              place=row["LSOA_CODE"].strip(),
                                              patients=int(row["NUMBER_OF_PATIENTS"]),
                                              row=row_number)
    return request


def validate_folder(target, folder, token=None, geometry=None, timeout=None):
    """The pb.Report of the NHS Digital files in `folder` (read_nhs_folder) validated by the
    server at `target`; geometry as Client.validate. Raises CallError."""
    with Client(target, token=token) as client:
        return client.validate(read_nhs_folder(folder), timeout=timeout, geometry=geometry)


def read_nhs_folder(folder):
    """read_nhs_inputs on a folder holding NHS Digital's files under their published names:
    gp-reg-pat-prac-map.csv, and gp-reg-pat-prac-all.csv and gp-reg-pat-prac-lsoa-all.csv when
    present (the sample region, or a month's download)."""
    def present(name):
        path = os.path.join(folder, name)
        return path if os.path.exists(path) else None
    return read_nhs_inputs(os.path.join(folder, "gp-reg-pat-prac-map.csv"),
                           present("gp-reg-pat-prac-all.csv"),
                           present("gp-reg-pat-prac-lsoa-all.csv"))


_GEOMETRY_CHOICES = {
    None: (pb.GEOMETRY_ENCODING_UNSPECIFIED, 0),
    "wkb": (pb.GEOMETRY_ENCODING_WKB, 27700),
    "geojson": (pb.GEOMETRY_ENCODING_GEOJSON, 4326),
    "geojson27700": (pb.GEOMETRY_ENCODING_GEOJSON, 27700),
    "wkb4326": (pb.GEOMETRY_ENCODING_WKB, 4326),
}


def with_geometry(request, geometry):
    """`request` (a pb.ValidateRequest) asking for its reply's geometries as `geometry`: None
    (the server's default, WKB in EPSG:27700), "wkb", "geojson" (RFC 7946, WGS84),
    "geojson27700" or "wkb4326". A copy when it changes anything; `request` is left as it was."""
    if geometry is None:
        return request
    if geometry not in _GEOMETRY_CHOICES:
        raise ValueError(f"geometry={geometry!r}: one of {sorted(k for k in _GEOMETRY_CHOICES if k)}")
    encoding, srid = _GEOMETRY_CHOICES[geometry]
    asked = pb.ValidateRequest()
    asked.CopyFrom(request)
    asked.options.geometry_output.encoding = encoding
    asked.options.geometry_output.srid = srid
    return asked


def geojson(geometry):
    """A pb.Geometry from a reply as a GeoJSON geometry dict: its geojson text parsed, or its
    WKB converted (that needs shapely); None when the message is empty."""
    if geometry.geojson:
        return json.loads(geometry.geojson)
    if geometry.wkb:
        from shapely.geometry import mapping  # python3-shapely; imported only when needed
        return mapping(shape(geometry))
    return None


def shape(geometry):
    """A pb.Geometry from a reply as a shapely geometry (in the reply's CRS: geometry.srid),
    from WKB or GeoJSON; None when the message is empty. Needs shapely (python3-shapely)."""
    import shapely.geometry
    import shapely.wkb
    if geometry.wkb:
        return shapely.wkb.loads(bytes(geometry.wkb))
    if geometry.geojson:
        return shapely.geometry.shape(json.loads(geometry.geojson))
    return None


def territories(report):
    """{PCN code: shapely geometry} of every PCN in a pb.Report that has a majority territory."""
    return {p.code: shape(p.territory_geometry) for p in report.pcns
            if p.HasField("territory_geometry")}
