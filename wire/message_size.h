// The largest gRPC message either end sends or accepts: the server's ceiling and every client's
// channel setting, in one place so both ends agree on what fits in one message.
#ifndef PCNV_WIRE_MESSAGE_SIZE_H_
#define PCNV_WIRE_MESSAGE_SIZE_H_

namespace pcnv::wire {

// gRPC's 4 MiB default is far too small: a national distribution is ~1M rows (~30 MB on the
// wire) and a national report carries ~1,250 territory polygons. Bigger requests are refused by
// gRPC itself with RESOURCE_EXHAUSTED before any parsing happens. The server's own receive limit
// (--max-request-bytes) may be lower; this is the ceiling and the clients' setting.
inline constexpr int kMaxMessageBytes = 512 * 1024 * 1024;

}  // namespace pcnv::wire

#endif  // PCNV_WIRE_MESSAGE_SIZE_H_
