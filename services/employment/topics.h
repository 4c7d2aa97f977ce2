#pragma once

namespace ccms::employment {

// Topic of the employment service's events (docs/events.md).
inline constexpr char kEmploymentTopic[] = "ccms.employment.v1";
// What employment follows, and its consumer group.
inline constexpr char kRecordsTopic[] = "ccms.records.v1";
inline constexpr char kConsumerGroup[] = "ccms-employment";
// Education's enrolments (the person's other obligations when openings are ranked).
inline constexpr char kEducationTopic[] = "ccms.education.v1";
inline constexpr char kEducationConsumerGroup[] = "ccms-employment-education";

}  // namespace ccms::employment
