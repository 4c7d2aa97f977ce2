// The security matrix's assessment server: ccms-assessment in-process (AssessmentHarness, its
// consumer stopped: cases reach it as records' events handed to the consumer by hand) and a
// request builder per method, each aimed at a case of the cell's district.
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "ccms/ops/v1/audit_chain_service.grpc.pb.h"
#include "ccms/ops/v1/dead_letter_service.grpc.pb.h"
#include "ccms/records/v1/records_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/ids/uuid.h"
#include "common/kafka/outbox.h"
#include "common/time/calendar.h"
#include "tests/integration/assessment_harness.h"
#include "tests/security/security_matrix.h"

namespace ccms::testing::matrix {
namespace {

namespace av1 = assessment::v1;
using google::protobuf::Message;
using grpc_util::ToProtoDate;
using AssessmentStub = av1::AssessmentService::Stub;

template <typename Req>
std::unique_ptr<Message> Own(Req req) {
  return std::make_unique<Req>(std::move(req));
}

class AssessmentMatrixServer : public MatrixServer {
 public:
  static std::vector<std::string> ServiceNames() {
    return {av1::AssessmentService::service_full_name(),
            ops::v1::DeadLetterService::service_full_name(),
            ops::v1::AuditChainService::service_full_name()};
  }

  AssessmentMatrixServer() : admin_(h_.Token(auth::Role::kCityAdmin, {"*"}, "matrix-fixtures")) {
    // Nothing but the fixtures makes cases: not other tests' events on the shared topic.
    h_.consumer().Stop();
    h_.maintenance().Stop();
    InstallBuilders();
  }

  std::shared_ptr<grpc::Channel> Channel() override { return h_.channel(); }
  std::string DatabaseDsn() override { return h_.db().dsn(); }
  bool HasServiceBuilder(const std::string& method) const override {
    return builders_.count(method) > 0;
  }

  absl::StatusOr<std::unique_ptr<Message>> BuildServiceRequest(const std::string& method,
                                                               const Target& target) override {
    auto it = builders_.find(method);
    if (it == builders_.end()) return absl::NotFoundError("no request builder for " + method);
    fixture_error_ = absl::OkStatus();
    std::unique_ptr<Message> request = it->second(target.district);
    if (!fixture_error_.ok()) return fixture_error_;
    return request;
  }

 private:
  using Builder = std::function<std::unique_ptr<Message>(const std::string& district)>;

  void Fail(const std::string& what) {
    if (fixture_error_.ok()) fixture_error_ = absl::InternalError(absl::StrCat("fixture ", what));
  }

  // Calls assessment as the city admin; a failure becomes the Build's error.
  template <typename Req, typename Resp>
  Resp Asm(grpc::Status (AssessmentStub::*rpc)(grpc::ClientContext*, const Req&, Resp*),
           const Req& req) {
    Resp resp;
    auto ctx = h_.Context(admin_);
    const grpc::Status st = (h_.stub().*rpc)(ctx.get(), req, &resp);
    if (!st.ok()) {
      Fail(absl::StrCat(Req::descriptor()->name(), ": ", st.error_code(), " ", st.error_message()));
    }
    return resp;
  }

  // An active case of `district` as assessment learns it from records' events (opened 35 days
  // ago, intake 30 days ago), known to the stand-in records server too.
  std::string Case(const std::string& district) {
    const std::string case_id = ids::NewUuid();
    Made(district, case_id);
    const absl::CivilDay today = time::ShanghaiDay(h_.clock().Now());
    records::v1::CaseOpened opened;
    opened.set_case_id(case_id);
    opened.set_district_code(district);
    opened.set_office_id("office-1");
    *opened.mutable_supervision_start_date() = ToProtoDate(today - 35);
    *opened.mutable_supervision_end_date() = ToProtoDate(today + 700);
    records::v1::IntakeReported intake;
    intake.set_case_id(case_id);
    intake.set_district_code(district);
    *intake.mutable_reported_on() = ToProtoDate(today - 30);
    for (const auto& [type, payload] : std::vector<std::pair<std::string, const Message*>>{
             {"ccms.records.case_opened", &opened}, {"ccms.records.intake_reported", &intake}}) {
      const auto envelope = kafka::MakeEnvelope(type, case_id, district, absl::Now(), absl::Now(),
                                                "records-matrix", *payload);
      auto applied =
          h_.consumer().Process("ccms.records.v1", 0, offset_++, envelope.SerializeAsString());
      if (!applied.ok() || !*applied) Fail(absl::StrCat(type, ": ", applied.status().ToString()));
    }
    records::v1::Case c;
    c.set_case_id(case_id);
    c.mutable_assignment()->set_district_code(district);
    c.set_status(records::v1::CASE_STATUS_ACTIVE);
    *c.mutable_sentence()->mutable_start_date() = ToProtoDate(today - 35);
    *c.mutable_sentence()->mutable_end_date() = ToProtoDate(today + 700);
    *c.mutable_intake_reported_on() = ToProtoDate(today - 30);
    h_.records().Put(c);
    return case_id;
  }

  // Every item of the current social-risk instrument answered with its first option.
  av1::RecordAssessmentRequest Answers(const std::string& case_id) {
    av1::RecordAssessmentRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(case_id);
    req.set_instrument_id("social_risk");
    req.set_kind(av1::ASSESSMENT_KIND_INTAKE);
    for (const auto& item : h_.catalog().Find("social_risk", 0)->instrument.items) {
      auto* a = req.add_answers();
      a->set_item_id(item.id);
      a->set_option_id(item.options[0].id);
    }
    return req;
  }

  std::string RaiseFlag(const std::string& district, const std::string& case_id) {
    av1::RaiseCrisisFlagRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(case_id);
    req.set_kind(av1::CRISIS_KIND_SELF_HARM);
    req.set_note("said so at the visit");
    const std::string id = Asm(&AssessmentStub::RaiseCrisisFlag, req).flag().flag_id();
    Made(district, id);
    return id;
  }

  // The district's case for reads, made once, with an assessment and a crisis flag.
  struct ReadFixture {
    std::string case_id;
    std::string assessment_id;
  };
  const ReadFixture& Read(const std::string& district) {
    ReadFixture& f = reads_[district];
    if (f.case_id.empty()) {
      f.case_id = Case(district);
      f.assessment_id =
          Asm(&AssessmentStub::RecordAssessment, Answers(f.case_id)).assessment().assessment_id();
      Made(district, f.assessment_id);
      RaiseFlag(district, f.case_id);
    }
    return f;
  }

  void InstallBuilders() {
    auto add = [this](const std::string& method, Builder b) {
      builders_[absl::StrCat(av1::AssessmentService::service_full_name(), "/", method)] =
          std::move(b);
    };
    add("ListInstruments", [](const std::string&) { return Own(av1::ListInstrumentsRequest()); });
    add("GetInstrument", [](const std::string&) {
      av1::GetInstrumentRequest req;
      req.set_instrument_id("social_risk");
      return Own(req);
    });
    add("RecordAssessment", [this](const std::string& d) { return Own(Answers(Case(d))); });
    add("GetAssessment", [this](const std::string& d) {
      av1::GetAssessmentRequest req;
      req.set_assessment_id(Read(d).assessment_id);
      return Own(req);
    });
    add("ListAssessments", [this](const std::string& d) {
      av1::ListAssessmentsRequest req;
      req.set_case_id(Read(d).case_id);
      return Own(req);
    });
    add("ListDueAssessments", [this](const std::string& d) {
      Read(d);
      av1::ListDueAssessmentsRequest req;
      req.set_district_code(d);
      return Own(req);
    });
    add("GetSupervisionLevel", [this](const std::string& d) {
      av1::GetSupervisionLevelRequest req;
      req.set_case_id(Read(d).case_id);
      return Own(req);
    });
    add("OverrideSupervisionLevel", [this](const std::string& d) {
      av1::OverrideSupervisionLevelRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_case_id(Case(d));
      req.set_level(common::v1::SUPERVISION_LEVEL_STANDARD);
      req.set_reason("team review");
      return Own(req);
    });
    add("RaiseCrisisFlag", [this](const std::string& d) {
      av1::RaiseCrisisFlagRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_case_id(Case(d));
      req.set_kind(av1::CRISIS_KIND_SUICIDE);
      req.set_note("said so at the visit");
      return Own(req);
    });
    add("AcknowledgeCrisisFlag", [this](const std::string& d) {
      av1::AcknowledgeCrisisFlagRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_flag_id(RaiseFlag(d, Case(d)));
      req.set_note("called the family");
      return Own(req);
    });
    add("ListCrisisFlags", [this](const std::string& d) {
      Read(d);
      av1::ListCrisisFlagsRequest req;
      req.set_district_code(d);
      return Own(req);
    });
    add("GetPointsLedger", [this](const std::string& d) {
      av1::GetPointsLedgerRequest req;
      req.set_case_id(Read(d).case_id);
      return Own(req);
    });
    add("AddPointsEntry", [this](const std::string& d) {
      av1::AddPointsEntryRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_case_id(Case(d));
      req.set_amount(5);
      req.set_note("helped at the community centre");
      return Own(req);
    });
  }

  AssessmentHarness h_;
  const std::string admin_;
  std::map<std::string, Builder> builders_;
  absl::Status fixture_error_;
  int64_t offset_ = 1;
  std::map<std::string, ReadFixture> reads_;
};

}  // namespace

CCMS_MATRIX_SERVER("assessment", AssessmentMatrixServer);

}  // namespace ccms::testing::matrix
