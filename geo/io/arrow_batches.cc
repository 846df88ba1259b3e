#include "geo/io/arrow_batches.h"

#include <cstring>
#include <utility>

namespace pcnv::io {
namespace {

// The Arrow C data interface's layouts (arrow.apache.org/docs/format/CDataInterface.html): a
// fixed-width value is buffers[1][offset + i]; a string or binary is the bytes between
// offsets[offset + i] and offsets[offset + i + 1] of buffers[2], with 32-bit offsets for 'u' and
// 'z' and 64-bit ones for 'U' and 'Z'. buffers[0] is the validity bitmap, absent when no value
// is null.
template <typename T>
T At(const ArrowArray& a, int64_t i) {
  T value;
  std::memcpy(&value, static_cast<const char*>(a.buffers[1]) + (a.offset + i) * sizeof(T),
              sizeof(T));
  return value;
}

// The string at i of a string column whose offsets are Offset (int32_t or int64_t) wide.
template <typename Offset>
std::string_view StringAt(const ArrowArray& a, int64_t i) {
  const auto* offsets = static_cast<const Offset*>(a.buffers[1]) + a.offset;
  return std::string_view(static_cast<const char*>(a.buffers[2]) + offsets[i],
                          static_cast<size_t>(offsets[i + 1] - offsets[i]));
}

}  // namespace

std::optional<ArrowBatches> ArrowBatches::Open(OGRLayerH layer,
                                               const std::vector<std::string>& columns) {
  ArrowBatches out;
  OGR_L_ResetReading(layer);
  if (!OGR_L_GetArrowStream(layer, &out.stream_, nullptr)) return std::nullopt;
  if (out.stream_.get_schema(&out.stream_, &out.schema_) != 0) {
    out.schema_.release = nullptr;
    return std::nullopt;
  }
  const char* fid_name = OGR_L_GetFIDColumn(layer);
  const std::string fid = fid_name != nullptr && *fid_name != '\0' ? fid_name : "OGC_FID";
  out.children_.assign(columns.size(), -1);
  for (int64_t c = 0; c < out.schema_.n_children; ++c) {
    const ArrowSchema& child = *out.schema_.children[c];
    out.formats_.push_back(child.format != nullptr ? child.format[0] : '\0');
    const std::string_view name = child.name != nullptr ? child.name : "";
    if (name == fid) out.fid_child_ = static_cast<int>(c);
    for (size_t k = 0; k < columns.size(); ++k) {
      if (name == columns[k]) out.children_[k] = static_cast<int>(c);
    }
  }
  if (out.fid_child_ < 0) return std::nullopt;
  for (int child : out.children_) {
    if (child < 0) return std::nullopt;
  }
  return out;
}

ArrowBatches::ArrowBatches(ArrowBatches&& other) noexcept
    : stream_(std::exchange(other.stream_, {})),
      schema_(std::exchange(other.schema_, {})),
      batch_(std::exchange(other.batch_, {})),
      fid_child_(other.fid_child_),
      children_(std::move(other.children_)),
      formats_(std::move(other.formats_)),
      failed_(other.failed_) {}

ArrowBatches::~ArrowBatches() {
  if (batch_.release != nullptr) batch_.release(&batch_);
  if (schema_.release != nullptr) schema_.release(&schema_);
  if (stream_.release != nullptr) stream_.release(&stream_);
}

bool ArrowBatches::Next() {
  if (batch_.release != nullptr) batch_.release(&batch_);
  batch_ = {};
  if (stream_.get_next(&stream_, &batch_) != 0) {
    batch_.release = nullptr;
    failed_ = true;
    return false;
  }
  // A released array marks the end of the stream; a batch must hold every column.
  if (batch_.release == nullptr) return false;
  if (batch_.n_children != static_cast<int64_t>(formats_.size())) {
    failed_ = true;
    return false;
  }
  return true;
}

bool ArrowBatches::Valid(const ArrowArray& a, int64_t i) const {
  if (a.null_count == 0 || a.buffers[0] == nullptr) return true;
  const int64_t bit = a.offset + i;
  return (static_cast<const uint8_t*>(a.buffers[0])[bit >> 3] >> (bit & 7)) & 1;
}

std::optional<int64_t> ArrowBatches::IntegerOf(int child, int64_t i) const {
  const ArrowArray& a = *batch_.children[child];
  if (!Valid(a, i)) return std::nullopt;
  switch (formats_[child]) {
    case 'l':
      return At<int64_t>(a, i);
    case 'i':
      return At<int32_t>(a, i);
    case 's':
      return At<int16_t>(a, i);
    case 'c':
      return At<int8_t>(a, i);
    default:
      return std::nullopt;
  }
}

std::optional<double> ArrowBatches::Real(int column, int64_t i) const {
  const int child = children_[column];
  const ArrowArray& a = *batch_.children[child];
  if (!Valid(a, i)) return std::nullopt;
  switch (formats_[child]) {
    case 'g':
      return At<double>(a, i);
    case 'f':
      return At<float>(a, i);
    default:
      return std::nullopt;
  }
}

std::optional<std::string_view> ArrowBatches::Text(int column, int64_t i) const {
  const int child = children_[column];
  const ArrowArray& a = *batch_.children[child];
  if (!Valid(a, i)) return std::nullopt;
  switch (formats_[child]) {
    case 'u':
    case 'z':
      return StringAt<int32_t>(a, i);
    case 'U':
    case 'Z':
      return StringAt<int64_t>(a, i);
    default:
      return std::nullopt;
  }
}

}  // namespace pcnv::io
