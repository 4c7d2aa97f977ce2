#pragma once

#include <string>
#include <string_view>

namespace ccms::ids {

// Returns a new UUIDv7 (RFC 9562) in lowercase canonical form
// (8-4-4-4-12): a 48-bit Unix millisecond timestamp, then 12 bits of a
// per-process counter seeded randomly each millisecond, then 62 random bits
// from the kernel's CSPRNG (getrandom(2)). Ids sort by creation time, so
// B-tree index inserts stay local, and within one process they are strictly
// increasing even inside a millisecond or if the wall clock steps back.
// Thread-safe. Aborts the process if the kernel cannot produce randomness.
std::string NewUuid();

// Returns true if `text` is a UUID in canonical 8-4-4-4-12 form, any version
// or variant, either case. No braces, no "urn:uuid:" prefix.
bool IsUuid(std::string_view text);

}  // namespace ccms::ids
