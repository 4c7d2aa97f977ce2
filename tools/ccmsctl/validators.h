// CLI11 validators for ccmsctl's flags, so a malformed value is a usage error
// (exit 2) caught before any call.

#pragma once

#include <CLI/CLI.hpp>

namespace ccms::ctl {

// A UUID in canonical 8-4-4-4-12 form.
CLI::Validator UuidValidator();

// A calendar date "YYYY-MM-DD" that exists.
CLI::Validator DateValidator();

// A six-digit administrative district code.
CLI::Validator DistrictValidator();

}  // namespace ccms::ctl
