#include "sim/report/svg_chart.h"

#include <algorithm>
#include <cmath>

#include "fmt/format.h"

namespace ratesim {
namespace {

// Panel geometry, in SVG user units (pixels at 100%).
constexpr double kPanelWidth = 420;
constexpr double kPanelHeight = 240;
constexpr double kLeft = 58;  // room for the y tick labels
constexpr double kRight = 12;
constexpr double kTop = 26;     // room for the panel title
constexpr double kBottom = 34;  // room for the x tick labels and the axis label
constexpr double kFigureTitle = 30;
constexpr double kLegendRow = 15;
constexpr double kCharWidth = 6.2;  // a generous average for 11-unit sans-serif text

// Colours told apart by most readers, in the order lines are drawn.
constexpr const char* kPalette[] = {"#1b6ca8", "#d1495b", "#edae49", "#00798c",
                                    "#6a4c93", "#66a182", "#8d6346", "#4d4d4d"};

std::string Number(double value) {
  // Pixel coordinates to a tenth: enough for the eye, and short.
  const double rounded = std::round(value * 10.0) / 10.0;
  return fmt::format("{:g}", rounded == 0.0 ? 0.0 : rounded);
}

std::string TickLabel(double value) {
  if (value == 0.0) return "0";
  if (std::fabs(value) >= 1e6) return fmt::format("{:g}M", value / 1e6);
  if (std::fabs(value) >= 1e4) return fmt::format("{:g}k", value / 1e3);
  return fmt::format("{:g}", value);
}

}  // namespace

double LargestFinite(const ChartPanel& panel) {
  double largest = 0.0;
  for (const ChartLine& line : panel.lines) {
    for (const double y : line.y) {
      if (std::isfinite(y)) largest = std::max(largest, y);
    }
  }
  return largest;
}

namespace {

void RenderPanel(const ChartPanel& panel, const std::string& x_label, double left, double top,
                 std::string& svg) {
  const double plot_left = left + kLeft;
  const double plot_top = top + kTop;
  const double width = kPanelWidth - kLeft - kRight;
  const double height = kPanelHeight - kTop - kBottom;
  const double x_max = panel.x.empty() ? 1.0 : std::max(panel.x.back(), 1e-9);
  const std::vector<double> y_ticks =
      NiceTicks(panel.y_max > 0 ? panel.y_max : LargestFinite(panel), 5);
  const std::vector<double> x_ticks = NiceTicks(x_max, 6);
  const double y_top = y_ticks.back();
  const auto px = [&](double x) { return plot_left + width * x / x_max; };
  const auto py = [&](double y) { return plot_top + height * (1.0 - y / y_top); };

  svg += fmt::format("<text x=\"{}\" y=\"{}\" class=\"panel\">{}</text>\n", Number(plot_left),
                     Number(top + 16), XmlEscape(panel.title));
  for (const double tick : y_ticks) {
    svg += fmt::format(
        "<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" class=\"grid\"/>"
        "<text x=\"{3}\" y=\"{4}\" class=\"ytick\">{5}</text>\n",
        Number(plot_left), Number(py(tick)), Number(plot_left + width), Number(plot_left - 4),
        Number(py(tick) + 4), TickLabel(tick));
  }
  for (const double tick : x_ticks) {
    if (tick > x_max * (1 + 1e-9)) break;
    svg += fmt::format("<text x=\"{}\" y=\"{}\" class=\"xtick\">{}</text>\n", Number(px(tick)),
                       Number(plot_top + height + 14), TickLabel(tick));
  }
  svg += fmt::format("<text x=\"{}\" y=\"{}\" class=\"xlabel\">{}</text>\n",
                     Number(plot_left + width / 2), Number(plot_top + height + 28),
                     XmlEscape(x_label));
  svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" class=\"frame\"/>\n",
                     Number(plot_left), Number(plot_top), Number(width), Number(height));

  std::vector<std::string> colours;
  for (size_t l = 0; l < panel.lines.size(); ++l) {
    const ChartLine& line = panel.lines[l];
    colours.push_back(line.colour.empty() ? kPalette[l % std::size(kPalette)] : line.colour);
    // A non-finite value ends one polyline; the next finite one starts another.
    std::string points;
    auto flush = [&] {
      if (!points.empty()) {
        svg += fmt::format("<polyline points=\"{}\" stroke=\"{}\" class=\"line\"/>\n", points,
                           colours.back());
      }
      points.clear();
    };
    const size_t n = std::min(line.y.size(), panel.x.size());
    for (size_t i = 0; i < n; ++i) {
      if (!std::isfinite(line.y[i])) {
        flush();
        continue;
      }
      points += fmt::format("{}{},{}", points.empty() ? "" : " ", Number(px(panel.x[i])),
                            Number(py(line.y[i])));
    }
    flush();
  }
  if (panel.lines.empty()) return;
  // The legend, top right inside the plot, a row per line, on a veil so the lines under it do not
  // hide it.
  size_t longest = 0;
  for (const ChartLine& line : panel.lines) longest = std::max(longest, line.label.size());
  const double legend_right = plot_left + width - 6;
  const double legend_width = 30 + kCharWidth * static_cast<double>(longest);
  svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" class=\"veil\"/>\n",
                     Number(legend_right - legend_width), Number(plot_top + 2),
                     Number(legend_width + 4),
                     Number(kLegendRow * static_cast<double>(panel.lines.size()) + 4));
  for (size_t l = 0; l < panel.lines.size(); ++l) {
    const double legend_y = plot_top + 14 + kLegendRow * static_cast<double>(l);
    svg += fmt::format(
        "<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"{3}\" class=\"key\"/>"
        "<text x=\"{4}\" y=\"{5}\" class=\"legend\">{6}</text>\n",
        Number(legend_right - 16), Number(legend_y - 4), Number(legend_right), colours[l],
        Number(legend_right - 20), Number(legend_y), XmlEscape(panel.lines[l].label));
  }
}

}  // namespace

std::vector<double> NiceTicks(double max, int target) {
  if (!(max > 0.0) || !std::isfinite(max)) return {0.0, 1.0};
  const double raw = max / std::max(target, 1);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude;
  for (const double factor : {1.0, 2.0, 5.0, 10.0}) {
    step = factor * magnitude;
    if (step >= raw) break;
  }
  std::vector<double> ticks = {0.0};
  // Multiples computed as i × step (not summed) so that they stay round.
  for (int i = 1; ticks.back() < max * (1 - 1e-12); ++i) ticks.push_back(i * step);
  return ticks;
}

std::string XmlEscape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string RenderSvg(const ChartFigure& figure) {
  const int columns = std::max(figure.columns, 1);
  const size_t rows =
      (figure.panels.size() + static_cast<size_t>(columns) - 1) / static_cast<size_t>(columns);
  const double width = kPanelWidth * columns;
  const double height = kFigureTitle + kPanelHeight * static_cast<double>(rows);
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" "
      "viewBox=\"0 0 {0} {1}\" font-family=\"sans-serif\" font-size=\"11\">\n"
      "<style>.panel{{font-weight:bold}} .ytick{{text-anchor:end;fill:#444}} "
      ".xtick,.xlabel{{text-anchor:middle;fill:#444}} .legend{{text-anchor:end}} "
      ".grid{{stroke:#e4e4e4}} .frame{{fill:none;stroke:#888}} "
      ".line{{fill:none;stroke-width:1.5}} .key{{stroke-width:2}} "
      ".veil{{fill:white;fill-opacity:0.85}}</style>\n"
      "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      "<text x=\"10\" y=\"20\" font-size=\"14\" font-weight=\"bold\">{2}</text>\n",
      Number(width), Number(height), XmlEscape(figure.title));
  for (size_t p = 0; p < figure.panels.size(); ++p) {
    const double left = kPanelWidth * static_cast<double>(p % static_cast<size_t>(columns));
    const double top =
        kFigureTitle + kPanelHeight * static_cast<double>(p / static_cast<size_t>(columns));
    RenderPanel(figure.panels[p], figure.x_label, left, top, svg);
  }
  svg += "</svg>\n";
  return svg;
}

}  // namespace ratesim
