#pragma once

namespace ccms::employment {

// Topic of the employment service's events (docs/events.md).
inline constexpr char kEmploymentTopic[] = "ccms.employment.v1";
// What employment follows, and its consumer group.
inline constexpr char kRecordsTopic[] = "ccms.records.v1";
inline constexpr char kConsumerGroup[] = "ccms-employment";

}  // namespace ccms::employment
