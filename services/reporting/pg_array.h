#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/time/civil_time.h"
#include "common/time/calendar.h"

namespace ccms::reporting {

// A PostgreSQL array literal, built one element at a time: every value quoted (codes and ids,
// but quoted all the same), NULL for a missing one. libpqxx 6.4 has no array parameters; the
// stores pass whole columns of a batch this way to one INSERT … SELECT FROM unnest(…).
class ArrayLiteral {
 public:
  void Add(std::string_view v) {
    text_ += text_.empty() ? "{\"" : ",\"";
    for (char c : v) {
      if (c == '"' || c == '\\') text_ += '\\';
      text_ += c;
    }
    text_ += '"';
  }
  void Add(bool v) { text_ += text_.empty() ? (v ? "{t" : "{f") : (v ? ",t" : ",f"); }
  void AddNull() { text_ += text_.empty() ? "{NULL" : ",NULL"; }
  // A day as YYYY-MM-DD, NULL without one.
  void Add(const std::optional<absl::CivilDay>& d) {
    if (d.has_value()) {
      Add(time::FormatDate(*d));
    } else {
      AddNull();
    }
  }
  bool empty() const { return text_.empty(); }
  std::string Text() const { return text_.empty() ? "{}" : text_ + "}"; }

 private:
  std::string text_;
};

}  // namespace ccms::reporting
