// A small structure-aware mutator for protobuf messages, in the spirit of libprotobuf-mutator
// (not packaged in Debian 12): one call makes one change through the message's reflection, so
// a mutated request still parses and reaches the code behind the parser.
//
// The changes: a scalar set to a boundary or nearby value (0, -1, the type's extremes, NaN,
// infinities, 1e308, a step from the current value; an open enum to a value it does not
// define), a string or bytes field changed by the byte mutator (libFuzzer's) or replaced by
// another string of the message or a word from a small dictionary (codes and dates of the tiny
// configuration, rule codes), an element added (a copy of another), removed, duplicated or
// swapped, an optional field or sub-message set or cleared.
#ifndef PCNV_FUZZ_SUPPORT_PROTO_MUTATOR_H_
#define PCNV_FUZZ_SUPPORT_PROTO_MUTATOR_H_

#include <google/protobuf/message.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace pcnv::fuzz {

class ProtoMutator {
 public:
  // Mutates data[0, size) in place within max_size bytes, returns the new size (libFuzzer's
  // LLVMFuzzerMutate). Null: a simple built-in byte flipper (for tests without libFuzzer).
  using ByteMutator = size_t (*)(uint8_t* data, size_t size, size_t max_size);

  ProtoMutator(uint64_t seed, ByteMutator mutate_bytes, std::vector<std::string> dictionary);

  // One change somewhere in the message tree.
  void Mutate(google::protobuf::Message& message);
  // Takes elements or sub-messages of `other` (the same type) into `message`.
  void CrossOver(const google::protobuf::Message& other, google::protobuf::Message& message);

 private:
  struct Slot {
    google::protobuf::Message* message;
    const google::protobuf::FieldDescriptor* field;
    int index;  // element of a repeated field; -1: the field itself
  };
  void CollectSlots(google::protobuf::Message& message, int depth, std::vector<Slot>& out);
  void MutateSlot(const Slot& slot, google::protobuf::Message& root);
  void MutateRepeated(const Slot& slot);
  void MutateScalar(const Slot& slot, google::protobuf::Message& root);
  std::string MutateString(const std::string& value, google::protobuf::Message& root);
  int64_t MutateInt(int64_t value, int64_t min, int64_t max);
  double MutateDouble(double value);
  uint64_t Next();
  size_t Below(size_t n) { return n == 0 ? 0 : static_cast<size_t>(Next() % n); }

  uint64_t state_;
  ByteMutator mutate_bytes_;
  std::vector<std::string> dictionary_;
};

}  // namespace pcnv::fuzz

#endif  // PCNV_FUZZ_SUPPORT_PROTO_MUTATOR_H_
