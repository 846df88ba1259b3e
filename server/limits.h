// Wire limits shared by the server and its clients, so the two ends agree on what fits in one
// message.
#ifndef PCNV_SERVER_LIMITS_H_
#define PCNV_SERVER_LIMITS_H_

namespace pcnv::wire {

// gRPC's 4 MiB default is far too small: a national distribution is ~1M rows (~30 MB on the
// wire) and a national report carries ~1,250 territory polygons. Bigger requests are refused by
// gRPC itself with RESOURCE_EXHAUSTED before any parsing happens.
inline constexpr int kMaxMessageBytes = 512 * 1024 * 1024;

}  // namespace pcnv::wire

#endif  // PCNV_SERVER_LIMITS_H_
