// The human units of the terminal reports: latencies and percentages, and the estimates
// over replications (mean and 95% half-width) in the unit and decimals of their mean.
#include "sim/report/human_units.h"

#include <gtest/gtest.h>

#include <cmath>

#include "engine/time.h"

namespace ratesim {
namespace {

constexpr Nanos kMs = kNanosPerMillisecond;

TEST(HumanUnits, LatencyInMillisecondsBelowASecondSecondsBelowAnHourAndHoursFromOne) {
  EXPECT_EQ(FormatLatency(0), "0.00ms");
  EXPECT_EQ(FormatLatency(420'000), "0.42ms");
  EXPECT_EQ(FormatLatency(12'500'000), "12.5ms");
  EXPECT_EQ(FormatLatency(340 * kMs), "340ms");
  EXPECT_EQ(FormatLatency(999'700'000), "1.00s");  // not "1000ms"
  EXPECT_EQ(FormatLatency(1'250 * kMs), "1.25s");
  EXPECT_EQ(FormatLatency(12'500 * kMs), "12.5s");
  EXPECT_EQ(FormatLatency(125 * kNanosPerSecond), "125s");
  EXPECT_EQ(FormatLatency(3599 * kNanosPerSecond), "3599s");
  EXPECT_EQ(FormatLatency(3599'700 * kMs), "1.00h");  // not "3600s"
  EXPECT_EQ(FormatLatency(4000 * kNanosPerSecond), "1.11h");
  EXPECT_EQ(FormatLatency(105'278 * kNanosPerSecond), "29.2h");  // was "105278s"
  EXPECT_EQ(FormatLatency(500 * 3600 * kNanosPerSecond), "500h");
  EXPECT_EQ(FormatLatency(1250 * 3600 * kNanosPerSecond), "1250h");
}

TEST(HumanUnits, PercentNeverRoundsAFailureAwayOrASuccessToNothing) {
  EXPECT_EQ(FormatPercent(0.973), "97.3%");
  EXPECT_EQ(FormatPercent(1.0), "100.0%");
  EXPECT_EQ(FormatPercent(0.0), "0.0%");
  EXPECT_EQ(FormatPercent(0.99996), "99.9%");
  EXPECT_EQ(FormatPercent(0.00004), "0.1%");
  EXPECT_EQ(FormatPercent(std::nan("")), "-");
}

TEST(HumanUnits, CountEstimatesShowWholeRequestsAndADecimalWhenBothAreSmall) {
  EXPECT_EQ(FormatCountCi(21.4, 6.3), "21 \u00b16");
  EXPECT_EQ(FormatCountCi(0.3, 0.6), "0.3 \u00b10.6");
  EXPECT_EQ(FormatCountCi(0.0, 0.0), "0 \u00b10");
  EXPECT_EQ(FormatCountCi(9.94, 1.0), "9.9 \u00b11.0");
  EXPECT_EQ(FormatCountCi(12.4, 0.5), "12 \u00b10");
  EXPECT_EQ(FormatCountCi(53.0, std::nan("")), "53");
  EXPECT_EQ(FormatCountCi(std::nan(""), std::nan("")), "-");
}

TEST(HumanUnits, EstimatesKeepTheUnitAndDecimalsOfTheirMean) {
  EXPECT_EQ(FormatPercentCi(0.971, 0.004), "97.1% \u00b10.4");
  EXPECT_EQ(FormatPercentCi(0.971, std::nan("")), "97.1%");
  EXPECT_EQ(FormatPercentCi(std::nan(""), std::nan("")), "-");
  EXPECT_EQ(FormatLatencyCi(20.04e6, 1.23e6), "20.0ms \u00b11.2");
  EXPECT_EQ(FormatLatencyCi(2.0e9, 0.051e9), "2.00s \u00b10.05");
  EXPECT_EQ(FormatLatencyCi(340e6, 12.3e6), "340ms \u00b112");
  EXPECT_EQ(FormatLatencyCi(0.42e6, 0.013e6), "0.42ms \u00b10.01");
  EXPECT_EQ(FormatLatencyCi(125e9, 3.3e9), "125s \u00b13");
  EXPECT_EQ(FormatLatencyCi(999.7e6, 6e6), "1.00s \u00b10.01");  // the mean's unit, not the ci's
  EXPECT_EQ(FormatLatencyCi(105'278e9, 5'400e9), "29.2h \u00b11.5");
  EXPECT_EQ(FormatLatencyCi(1'800e9, 4'000e9), "1800s \u00b14000");
}

TEST(HumanUnits, IndexesShowThreeDecimals) {
  EXPECT_EQ(FormatIndexCi(0.87349, 0.0121), "0.873 \u00b10.012");
  EXPECT_EQ(FormatIndexCi(1.0, std::nan("")), "1.000");
  EXPECT_EQ(FormatIndexCi(std::nan(""), 0.1), "-");
}

}  // namespace
}  // namespace ratesim
