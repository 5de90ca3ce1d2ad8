// The note under a comparison's header that a model keeps its own policy in every run.
#include "sim/report/own_policy_note.h"

#include "gtest/gtest.h"

namespace ratesim {
namespace {

ModelSpec Model(const std::string& name, const std::string& own_type = "", const std::string& own_label = "") {
  ModelSpec model;
  model.name = name;
  model.own_policy.type = own_type;
  model.own_policy.label = own_label.empty() ? own_type : own_label;
  return model;
}

TEST(OwnPolicyNote, NamesEachModelThatKeepsItsOwnPolicy) {
  Scenario scenario;
  scenario.models = {Model("shared")};
  EXPECT_EQ(OwnPolicyNote(scenario), "");
  scenario.models = {Model("shared"), Model("batch", "fifo", "day-queue"), Model("dedicated", "none")};
  EXPECT_EQ(OwnPolicyNote(scenario),
            "note: model 'batch' keeps its own policy 'day-queue' (fifo), model 'dedicated' keeps "
            "its own policy none in every run; the rows' policies are those of the other models\n");
  scenario.models = {Model("batch", "fifo")};
  EXPECT_EQ(OwnPolicyNote(scenario),
            "note: model 'batch' keeps its own policy fifo in every run; the rows' policies apply "
            "to no model\n");
}

}  // namespace
}  // namespace ratesim
