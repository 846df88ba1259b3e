#include "fuzz/support/proto_mutator.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/reflection.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <utility>

namespace pcnv::fuzz {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// Deep enough for every pcnv.v1 request message; a guard should a message ever nest itself.
constexpr int kMaxDepth = 8;
// A mutated string or bytes field grows by at most this much in one step.
constexpr size_t kMaxGrowth = 256;

// Every string and bytes value in the tree, for copying one field's value into another (a
// practice code into a distribution row, one polygon's WKB into another boundary).
void CollectStrings(const Message& message, int depth, std::vector<std::string>& out) {
  if (depth > kMaxDepth) return;
  const Reflection* r = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(message, &fields);
  for (const FieldDescriptor* f : fields) {
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
      if (f->is_repeated()) {
        for (int i = 0; i < r->FieldSize(message, f); ++i) {
          out.push_back(r->GetRepeatedString(message, f, i));
        }
      } else {
        out.push_back(r->GetString(message, f));
      }
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (f->is_repeated()) {
        for (int i = 0; i < r->FieldSize(message, f); ++i) {
          CollectStrings(r->GetRepeatedMessage(message, f, i), depth + 1, out);
        }
      } else {
        CollectStrings(r->GetMessage(message, f), depth + 1, out);
      }
    }
  }
}

}  // namespace

ProtoMutator::ProtoMutator(uint64_t seed, ByteMutator mutate_bytes,
                           std::vector<std::string> dictionary)
    : state_(seed), mutate_bytes_(mutate_bytes), dictionary_(std::move(dictionary)) {}

// SplitMix64: the same sequence for the same seed, so libFuzzer's -seed reproduces a run.
uint64_t ProtoMutator::Next() {
  uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

void ProtoMutator::CollectSlots(Message& message, int depth, std::vector<Slot>& out) {
  if (depth > kMaxDepth) return;
  const Descriptor* d = message.GetDescriptor();
  const Reflection* r = message.GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (f->is_repeated()) {
      out.push_back({&message, f, -1});  // add, remove, duplicate, swap
      const int n = r->FieldSize(message, f);
      for (int j = 0; j < n; ++j) {
        if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
          CollectSlots(*r->MutableRepeatedMessage(&message, f, j), depth + 1, out);
        } else {
          out.push_back({&message, f, j});
        }
      }
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      out.push_back({&message, f, -1});  // set or clear
      if (r->HasField(message, f)) CollectSlots(*r->MutableMessage(&message, f), depth + 1, out);
    } else {
      out.push_back({&message, f, -1});
    }
  }
}

void ProtoMutator::Mutate(Message& message) {
  std::vector<Slot> slots;
  CollectSlots(message, 0, slots);
  if (slots.empty()) return;
  MutateSlot(slots[Below(slots.size())], message);
}

void ProtoMutator::MutateSlot(const Slot& slot, Message& root) {
  const Reflection* r = slot.message->GetReflection();
  const FieldDescriptor* f = slot.field;
  if (f->is_repeated() && slot.index < 0) {
    MutateRepeated(slot);
  } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
    if (r->HasField(*slot.message, f) && Below(2) == 0) {
      r->ClearField(slot.message, f);
    } else {
      r->MutableMessage(slot.message, f);  // present (an empty message), or kept
    }
  } else if (f->has_presence() && r->HasField(*slot.message, f) && Below(8) == 0) {
    r->ClearField(slot.message, f);  // `optional` back to "not given"
  } else {
    MutateScalar(slot, root);
  }
}

void ProtoMutator::MutateRepeated(const Slot& slot) {
  Message* m = slot.message;
  const Reflection* r = m->GetReflection();
  const FieldDescriptor* f = slot.field;
  const int n = r->FieldSize(*m, f);
  switch (n == 0 ? 0 : Below(4)) {
    case 0: {  // add: a copy of an element when there is one, else a default one
      if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        Message* added = r->AddMessage(m, f);
        if (n > 0) added->CopyFrom(r->GetRepeatedMessage(*m, f, static_cast<int>(Below(n))));
      } else {
        // Scalars: duplicate the last element through the generic path below.
        const int at = n > 0 ? static_cast<int>(Below(n)) : -1;
        switch (f->cpp_type()) {
          case FieldDescriptor::CPPTYPE_STRING:
            r->AddString(m, f, at < 0 ? "" : r->GetRepeatedString(*m, f, at));
            break;
          case FieldDescriptor::CPPTYPE_INT32:
            r->AddInt32(m, f, at < 0 ? 0 : r->GetRepeatedInt32(*m, f, at));
            break;
          case FieldDescriptor::CPPTYPE_INT64:
            r->AddInt64(m, f, at < 0 ? 0 : r->GetRepeatedInt64(*m, f, at));
            break;
          case FieldDescriptor::CPPTYPE_UINT32:
            r->AddUInt32(m, f, at < 0 ? 0 : r->GetRepeatedUInt32(*m, f, at));
            break;
          case FieldDescriptor::CPPTYPE_UINT64:
            r->AddUInt64(m, f, at < 0 ? 0 : r->GetRepeatedUInt64(*m, f, at));
            break;
          case FieldDescriptor::CPPTYPE_DOUBLE:
            r->AddDouble(m, f, at < 0 ? 0 : r->GetRepeatedDouble(*m, f, at));
            break;
          case FieldDescriptor::CPPTYPE_FLOAT:
            r->AddFloat(m, f, at < 0 ? 0 : r->GetRepeatedFloat(*m, f, at));
            break;
          case FieldDescriptor::CPPTYPE_BOOL:
            r->AddBool(m, f, at < 0 ? false : r->GetRepeatedBool(*m, f, at));
            break;
          case FieldDescriptor::CPPTYPE_ENUM:
            r->AddEnumValue(m, f, at < 0 ? 0 : r->GetRepeatedEnumValue(*m, f, at));
            break;
          case FieldDescriptor::CPPTYPE_MESSAGE:
            break;
        }
      }
      break;
    }
    case 1: {  // remove one element
      const int at = static_cast<int>(Below(n));
      if (at != n - 1) r->SwapElements(m, f, at, n - 1);
      r->RemoveLast(m, f);
      break;
    }
    case 2: {  // swap two elements (order matters: first rows win, rows are numbered)
      r->SwapElements(m, f, static_cast<int>(Below(n)), static_cast<int>(Below(n)));
      break;
    }
    default: {  // remove everything after a point (a truncated upload)
      const int keep = static_cast<int>(Below(n));
      for (int i = n; i > keep; --i) r->RemoveLast(m, f);
      break;
    }
  }
}

int64_t ProtoMutator::MutateInt(int64_t value, int64_t min, int64_t max) {
  auto clamp = [&](__int128 v) { return static_cast<int64_t>(std::clamp<__int128>(v, min, max)); };
  switch (Below(10)) {
    case 0:
      return 0;
    case 1:
      return clamp(-1);
    case 2:
      return max;
    case 3:
      return min;
    case 4:
      return clamp(static_cast<__int128>(max) - static_cast<__int128>(Below(4)));
    case 5:
      return clamp(static_cast<__int128>(value) * 2);
    case 6:
      return clamp(static_cast<__int128>(value) / 2);
    case 7:
      return clamp(-static_cast<__int128>(value));
    case 8:
      return clamp(static_cast<int64_t>(Next()));
    default:
      return clamp(static_cast<__int128>(value) + static_cast<int64_t>(Below(33)) - 16);
  }
}

double ProtoMutator::MutateDouble(double value) {
  switch (Below(14)) {
    case 0:
      return 0;
    case 1:
      return -0.0;
    case 2:
      return std::numeric_limits<double>::quiet_NaN();
    case 3:
      return std::numeric_limits<double>::infinity();
    case 4:
      return -std::numeric_limits<double>::infinity();
    case 5:
      return 1e308;
    case 6:
      return -1e308;
    case 7:
      return std::numeric_limits<double>::denorm_min();
    case 8:
      return 1.0;
    case 9:  // somewhere in Great Britain's grid
      return static_cast<double>(Below(1'300'000));
    case 10:
      return -value;
    case 11:
      return value * (Below(2) == 0 ? 10.0 : 0.1);
    default:
      return value + (static_cast<double>(Below(2001)) - 1000.0) * (Below(2) == 0 ? 1.0 : 0.001);
  }
}

std::string ProtoMutator::MutateString(const std::string& value, Message& root) {
  switch (Below(6)) {
    case 0:
      if (!dictionary_.empty()) return dictionary_[Below(dictionary_.size())];
      break;
    case 1: {
      std::vector<std::string> strings;
      CollectStrings(root, 0, strings);
      if (!strings.empty()) return strings[Below(strings.size())];
      break;
    }
    case 2:
      return "";
    default:
      break;
  }
  std::string out = value;
  const size_t max_size = value.size() + kMaxGrowth;
  out.resize(max_size);
  size_t size = value.size();
  if (mutate_bytes_ != nullptr) {
    size = mutate_bytes_(reinterpret_cast<uint8_t*>(out.data()), size, max_size);
  } else if (size > 0) {
    out[Below(size)] = static_cast<char>(Next());
  } else {
    out[0] = static_cast<char>(Next());
    size = 1;
  }
  out.resize(std::min(size, max_size));
  return out;
}

void ProtoMutator::MutateScalar(const Slot& slot, Message& root) {
  Message* m = slot.message;
  const Reflection* r = m->GetReflection();
  const FieldDescriptor* f = slot.field;
  const int i = slot.index;
  const bool rep = i >= 0;
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32: {
      using L = std::numeric_limits<int32_t>;
      const int32_t v = static_cast<int32_t>(
          MutateInt(rep ? r->GetRepeatedInt32(*m, f, i) : r->GetInt32(*m, f), L::min(), L::max()));
      rep ? r->SetRepeatedInt32(m, f, i, v) : r->SetInt32(m, f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      using L = std::numeric_limits<int64_t>;
      const int64_t v =
          MutateInt(rep ? r->GetRepeatedInt64(*m, f, i) : r->GetInt64(*m, f), L::min(), L::max());
      rep ? r->SetRepeatedInt64(m, f, i, v) : r->SetInt64(m, f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_UINT32: {
      const auto v = static_cast<uint32_t>(MutateInt(
          rep ? r->GetRepeatedUInt32(*m, f, i) : r->GetUInt32(*m, f), 0, int64_t{UINT32_MAX}));
      rep ? r->SetRepeatedUInt32(m, f, i, v) : r->SetUInt32(m, f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_UINT64: {
      const auto v = static_cast<uint64_t>(Next());
      rep ? r->SetRepeatedUInt64(m, f, i, v) : r->SetUInt64(m, f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_DOUBLE: {
      const double v = MutateDouble(rep ? r->GetRepeatedDouble(*m, f, i) : r->GetDouble(*m, f));
      rep ? r->SetRepeatedDouble(m, f, i, v) : r->SetDouble(m, f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_FLOAT: {
      const auto v = static_cast<float>(
          MutateDouble(rep ? r->GetRepeatedFloat(*m, f, i) : r->GetFloat(*m, f)));
      rep ? r->SetRepeatedFloat(m, f, i, v) : r->SetFloat(m, f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      const bool v = !(rep ? r->GetRepeatedBool(*m, f, i) : r->GetBool(*m, f));
      rep ? r->SetRepeatedBool(m, f, i, v) : r->SetBool(m, f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      // Mostly a defined value; sometimes one the enum does not define, which proto3 keeps as
      // an unknown value and the server must refuse.
      const google::protobuf::EnumDescriptor* e = f->enum_type();
      int v = e->value(static_cast<int>(Below(e->value_count())))->number();
      const bool open = f->file()->syntax() == google::protobuf::FileDescriptor::SYNTAX_PROTO3;
      if (open && Below(4) == 0) {
        v = static_cast<int>(
            MutateInt(v, std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()));
      }
      rep ? r->SetRepeatedEnumValue(m, f, i, v) : r->SetEnumValue(m, f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string v =
          MutateString(rep ? r->GetRepeatedString(*m, f, i) : r->GetString(*m, f), root);
      if (f->type() == FieldDescriptor::TYPE_STRING && Below(4) != 0) {
        // Proto3 `string` must be UTF-8 on the wire and the parser refuses anything else, so
        // mostly keep to ASCII, which the server can receive; sometimes let the bytes through
        // to check the refusal.
        v.erase(std::remove_if(v.begin(), v.end(),
                               [](char c) { return static_cast<unsigned char>(c) >= 0x80; }),
                v.end());
      }
      rep ? r->SetRepeatedString(m, f, i, std::move(v)) : r->SetString(m, f, std::move(v));
      break;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      break;  // handled by MutateSlot
  }
}

void ProtoMutator::CrossOver(const Message& other, Message& message) {
  if (other.GetDescriptor() != message.GetDescriptor()) return;
  const Descriptor* d = message.GetDescriptor();
  const Reflection* r = message.GetReflection();
  const FieldDescriptor* f = d->field(static_cast<int>(Below(d->field_count())));
  if (f->is_repeated() && f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
    const int n = r->FieldSize(other, f);
    if (n == 0) return;
    const int from = static_cast<int>(Below(n));
    const int count = 1 + static_cast<int>(Below(std::min(n - from, 16)));
    for (int i = from; i < from + count; ++i) {
      r->AddMessage(&message, f)->CopyFrom(r->GetRepeatedMessage(other, f, i));
    }
  } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
    if (r->HasField(other, f)) r->MutableMessage(&message, f)->CopyFrom(r->GetMessage(other, f));
  } else {
    // A scalar: the other's value when it has one; a repeated scalar: its elements appended.
    std::unique_ptr<Message> part(other.New());
    part->CopyFrom(other);
    for (int i = 0; i < d->field_count(); ++i) {
      if (d->field(i) != f) r->ClearField(part.get(), d->field(i));
    }
    message.MergeFrom(*part);
  }
}

}  // namespace pcnv::fuzz
