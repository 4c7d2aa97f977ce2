// CatalogueServiceImpl with an in-memory store: who may add where, the request checks, the
// monthly theme (city admin only, a city-wide THEME), and the list's filter.
#include "services/education/catalogue_service.h"

#include <algorithm>

#include "common/grpc/status.h"
#include "common/ids/uuid.h"
#include "gtest/gtest.h"
#include "tests/support/test_tokens.h"

namespace ccms::education {
namespace {

class FakeCatalogueStore : public CatalogueStore {
 public:
  absl::StatusOr<CatalogueItemRecord> AddItem(const auth::Principal&,
                                              const CatalogueItemRecord& item,
                                              const std::string&) override {
    items.push_back(item);
    return item;
  }
  absl::StatusOr<CataloguePage> ListItems(const auth::Principal&,
                                          const CatalogueFilter& f) override {
    last_filter = f;
    CataloguePage p;
    p.items = items;
    return p;
  }
  absl::StatusOr<MonthlyThemeRecord> SetTheme(const auth::Principal& principal,
                                              absl::CivilMonth month, const std::string& item_id,
                                              const std::string&) override {
    auto it = std::find_if(items.begin(), items.end(),
                           [&](const auto& i) { return i.item_id == item_id; });
    if (it == items.end()) return absl::NotFoundError("no catalogue item with this id");
    if (it->kind != "THEME" || !it->district_code.empty()) {
      return absl::FailedPreconditionError("not a city-wide THEME");
    }
    theme = MonthlyThemeRecord{month, *it, principal.subject};
    return *theme;
  }
  absl::StatusOr<MonthlyThemeRecord> GetTheme(absl::CivilMonth month) override {
    if (!theme.has_value() || theme->month != month) return absl::NotFoundError("none");
    return *theme;
  }

  std::vector<CatalogueItemRecord> items;
  std::optional<MonthlyThemeRecord> theme;
  CatalogueFilter last_filter;
};

class CatalogueServiceTest : public ::testing::Test {
 protected:
  CatalogueServiceTest()
      : clock_(absl::FromCivil(absl::CivilSecond(2026, 3, 20, 10, 0, 0), absl::UTCTimeZone())),
        workers_(1, 1),
        verifier_(ccms::testing::HmacVerifier(std::string(40, 'k'))),
        executor_(workers_, *verifier_, clock_),
        service_(store_, executor_, clock_) {
    staff_.subject = "staff-1";
    staff_.role = auth::Role::kOfficeStaff;
    staff_.districts = {"110101"};
    admin_.subject = "admin";
    admin_.role = auth::Role::kCityAdmin;
    admin_.all_districts = true;
  }

  static v1::AddCatalogueItemRequest Item(const std::string& district) {
    v1::AddCatalogueItemRequest r;
    r.set_request_id(ids::NewUuid());
    r.set_kind(v1::CATALOGUE_ITEM_KIND_COURSE);
    r.set_content_kind(v1::CONTENT_KIND_LEGAL_POLICY);
    r.set_module(v1::EDUCATION_MODULE_INTAKE_NOTICE);
    r.set_title("入矫告知");
    r.set_hours(1.5);
    r.set_district_code(district);
    return r;
  }

  time::FakeClock clock_;
  concurrency::WorkerPool workers_;
  std::unique_ptr<auth::TokenVerifier> verifier_;
  grpc_util::CallExecutor executor_;
  FakeCatalogueStore store_;
  CatalogueServiceImpl service_;
  auth::Principal staff_;
  auth::Principal admin_;
};

TEST_F(CatalogueServiceTest, WhoMayAddWhere) {
  v1::AddCatalogueItemResponse resp;
  ASSERT_TRUE(service_.DoAddCatalogueItem(staff_, Item("110101"), &resp).ok());
  EXPECT_EQ(resp.item().module(), v1::EDUCATION_MODULE_INTAKE_NOTICE);
  EXPECT_EQ(resp.item().content_kind(), v1::CONTENT_KIND_LEGAL_POLICY);
  EXPECT_EQ(resp.item().hours(), 1.5);
  EXPECT_EQ(resp.item().created_by(), "staff-1");
  EXPECT_EQ(store_.items.back().module, "INTAKE_NOTICE");
  // Another district's, or city-wide: not office staff's.
  EXPECT_EQ(service_.DoAddCatalogueItem(staff_, Item("310101"), &resp).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(service_.DoAddCatalogueItem(staff_, Item(""), &resp).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(service_.DoAddCatalogueItem(admin_, Item(""), &resp).ok());
  auth::Principal worker = staff_;
  worker.role = auth::Role::kSocialWorker;
  EXPECT_EQ(service_.DoAddCatalogueItem(worker, Item("110101"), &resp).code(),
            absl::StatusCode::kPermissionDenied);
  auth::Principal partner = staff_;
  partner.role = auth::Role::kPartner;
  v1::ListCatalogueItemsResponse list;
  EXPECT_EQ(service_.DoListCatalogueItems(partner, {}, &list).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(service_.DoListCatalogueItems(worker, {}, &list).ok());
  EXPECT_EQ(list.items_size(), 2);
}

TEST_F(CatalogueServiceTest, RequestChecks) {
  v1::AddCatalogueItemResponse resp;
  auto bad = Item("110101");
  bad.clear_kind();
  bad.clear_content_kind();
  bad.set_title("  ");
  bad.set_hours(0.7);
  const absl::Status st = service_.DoAddCatalogueItem(staff_, bad, &resp);
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(grpc_util::ViolationsOf(st).size(), 4u);
  auto long_title = Item("110101");
  long_title.set_title(std::string(201, 'x'));
  EXPECT_EQ(service_.DoAddCatalogueItem(staff_, long_title, &resp).code(),
            absl::StatusCode::kInvalidArgument);
  auto too_many_hours = Item("110101");
  too_many_hours.set_hours(40.5);
  EXPECT_EQ(service_.DoAddCatalogueItem(staff_, too_many_hours, &resp).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(store_.items.empty());
  v1::ListCatalogueItemsRequest list;
  list.set_page_size(501);
  v1::ListCatalogueItemsResponse lresp;
  EXPECT_EQ(service_.DoListCatalogueItems(staff_, list, &lresp).code(),
            absl::StatusCode::kInvalidArgument);
  list.set_page_size(0);
  list.set_content_kind(v1::CONTENT_KIND_MENTAL_HEALTH);
  list.set_module(v1::EDUCATION_MODULE_DISCHARGE_REOFFENDING_PREVENTION);
  ASSERT_TRUE(service_.DoListCatalogueItems(staff_, list, &lresp).ok());
  EXPECT_EQ(store_.last_filter.content_kind, "MENTAL_HEALTH");
  EXPECT_EQ(store_.last_filter.module, "DISCHARGE_REOFFENDING_PREVENTION");
  EXPECT_EQ(store_.last_filter.page_size, 50);
}

TEST_F(CatalogueServiceTest, TheMonthlyThemeIsTheCityAdminsCityWideTheme) {
  v1::AddCatalogueItemResponse course;
  ASSERT_TRUE(service_.DoAddCatalogueItem(admin_, Item(""), &course).ok());
  auto theme_req = Item("");
  theme_req.set_kind(v1::CATALOGUE_ITEM_KIND_THEME);
  theme_req.clear_module();
  v1::AddCatalogueItemResponse theme;
  ASSERT_TRUE(service_.DoAddCatalogueItem(admin_, theme_req, &theme).ok());

  v1::SetMonthlyThemeRequest set;
  set.set_request_id(ids::NewUuid());
  set.set_year(2026);
  set.set_month(4);
  set.set_item_id(theme.item().item_id());
  v1::SetMonthlyThemeResponse resp;
  EXPECT_EQ(service_.DoSetMonthlyTheme(staff_, set, &resp).code(),
            absl::StatusCode::kPermissionDenied);
  ASSERT_TRUE(service_.DoSetMonthlyTheme(admin_, set, &resp).ok());
  EXPECT_EQ(resp.theme().month(), 4);
  EXPECT_EQ(resp.theme().item().kind(), v1::CATALOGUE_ITEM_KIND_THEME);
  set.set_item_id(course.item().item_id());
  EXPECT_EQ(service_.DoSetMonthlyTheme(admin_, set, &resp).code(),
            absl::StatusCode::kFailedPrecondition);
  set.set_month(13);
  EXPECT_EQ(service_.DoSetMonthlyTheme(admin_, set, &resp).code(),
            absl::StatusCode::kInvalidArgument);

  v1::GetMonthlyThemeRequest get;
  get.set_year(2026);
  get.set_month(4);
  v1::GetMonthlyThemeResponse got;
  ASSERT_TRUE(service_.DoGetMonthlyTheme(staff_, get, &got).ok());
  EXPECT_EQ(got.theme().item().item_id(), theme.item().item_id());
  EXPECT_EQ(got.theme().set_by(), "admin");
  get.set_month(5);
  EXPECT_EQ(service_.DoGetMonthlyTheme(staff_, get, &got).code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace ccms::education
