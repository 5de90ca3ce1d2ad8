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

// Colours told apart by most readers (Tableau's ten, less two), in the order lines are drawn.
constexpr const char* kPalette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728",
                                    "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"};
// Longer legend labels are cut, so that one long name does not widen every panel; the whole label
// is the legend entry's tooltip (its <title>).
constexpr size_t kMaxLabelChars = 36;

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

bool HasFinite(const ChartPanel& panel) {
  for (const ChartLine& line : panel.lines) {
    for (const double y : line.y) {
      if (std::isfinite(y)) return true;
    }
  }
  return false;
}

std::string LegendLabel(const std::string& label) {
  if (label.size() <= kMaxLabelChars) return label;
  return label.substr(0, kMaxLabelChars - 3) + "...";
}

// The room a panel's legend takes on the right of its plot.
double LegendWidth(const ChartPanel& panel) {
  size_t longest = 0;
  for (const ChartLine& line : panel.lines) {
    longest = std::max(longest, LegendLabel(line.label).size());
  }
  return panel.lines.empty() ? 0.0 : 34 + kCharWidth * static_cast<double>(longest);
}

// Draws `panel` in the box at (left, top): kPanelWidth wide, then its legend.
void RenderPanel(const ChartPanel& panel, const std::string& x_label, double left, double top,
                 std::string& svg) {
  const double plot_left = left + kLeft;
  const double plot_top = top + kTop;
  const double width = kPanelWidth - kLeft - kRight;
  const double height = kPanelHeight - kTop - kBottom;
  const bool categorical = !panel.categories.empty();
  // Categories sit half a step in from either end; a numeric axis starts at 0.
  const double x_min = categorical ? -0.5 : 0.0;
  double x_max = panel.x_max > 0 ? panel.x_max : panel.x.empty() ? 1.0 : panel.x.back();
  if (categorical) x_max = static_cast<double>(panel.categories.size()) - 0.5;
  x_max = std::max(x_max, 1e-9);
  const std::vector<double> y_ticks =
      NiceTicks(panel.y_max > 0 ? panel.y_max : LargestFinite(panel), 5);
  const double y_top = y_ticks.back();
  const auto px = [&](double x) { return plot_left + width * (x - x_min) / (x_max - x_min); };
  // A value far beyond the axis (NiceTicks gives up near the largest double, for an absurd
  // formula floor) is drawn off the panel, at a coordinate still finite: "-inf" is no SVG number.
  const auto py = [&](double y) {
    return plot_top + height * (1.0 - std::clamp(y / y_top, -1e6, 1e6));
  };

  svg += fmt::format("<text x=\"{}\" y=\"{}\" class=\"panel\">{}</text>\n", Number(plot_left),
                     Number(top + 16), XmlEscape(panel.title));
  for (const double tick : y_ticks) {
    svg += fmt::format(
        "<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" class=\"grid\"/>"
        "<text x=\"{3}\" y=\"{4}\" class=\"ytick\">{5}</text>\n",
        Number(plot_left), Number(py(tick)), Number(plot_left + width), Number(plot_left - 4),
        Number(py(tick) + 4), TickLabel(tick));
  }
  if (categorical) {
    for (size_t i = 0; i < panel.categories.size(); ++i) {
      const bool tip = i < panel.category_tips.size() && panel.category_tips[i] != panel.categories[i];
      svg += fmt::format("<text x=\"{}\" y=\"{}\" class=\"xtick\">{}{}</text>\n",
                         Number(px(static_cast<double>(i))), Number(plot_top + height + 14),
                         XmlEscape(panel.categories[i]),
                         tip ? "<title>" + XmlEscape(panel.category_tips[i]) + "</title>" : "");
    }
  } else {
    for (const double tick : NiceTicks(x_max, 6)) {
      if (tick > x_max * (1 + 1e-9)) break;
      svg += fmt::format("<text x=\"{}\" y=\"{}\" class=\"xtick\">{}</text>\n", Number(px(tick)),
                         Number(plot_top + height + 14), TickLabel(tick));
    }
  }
  svg += fmt::format("<text x=\"{}\" y=\"{}\" class=\"xlabel\">{}</text>\n",
                     Number(plot_left + width / 2), Number(plot_top + height + 28),
                     XmlEscape(x_label));
  svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" class=\"frame\"/>\n",
                     Number(plot_left), Number(plot_top), Number(width), Number(height));
  for (const ChartMark& mark : panel.marks) {
    if (!std::isfinite(mark.x) || mark.x < x_min || mark.x > x_max) continue;
    svg += fmt::format(
        "<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" class=\"mark\"/>"
        "<text x=\"{3}\" y=\"{4}\" class=\"marklabel\">{5}</text>\n",
        Number(px(mark.x)), Number(plot_top), Number(plot_top + height), Number(px(mark.x) - 3),
        Number(plot_top + height - 4), XmlEscape(mark.label));
  }

  std::vector<std::string> colours;
  for (size_t l = 0; l < panel.lines.size(); ++l) {
    const ChartLine& line = panel.lines[l];
    colours.push_back(line.colour.empty() ? kPalette[l % std::size(kPalette)] : line.colour);
    // A non-finite value ends one polyline; the next finite one starts another. A point alone
    // between two gaps would be a polyline that draws nothing: it gets a dot.
    std::string points;
    size_t count = 0;
    double last_x = 0, last_y = 0;
    auto flush = [&] {
      if (count > 0) {
        svg += fmt::format("<polyline points=\"{}\" stroke=\"{}\" class=\"line\"/>\n", points,
                           colours.back());
      }
      if (count == 1 && !categorical) {  // categories get a marker on every point below
        svg += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"2\" fill=\"{}\"/>\n", Number(last_x),
                           Number(last_y), colours.back());
      }
      points.clear();
      count = 0;
    };
    const size_t n = std::min(line.y.size(), panel.x.size());
    for (size_t i = 0; i < n; ++i) {
      if (!std::isfinite(line.y[i])) {
        flush();
        continue;
      }
      last_x = px(panel.x[i]);
      last_y = py(line.y[i]);
      points += fmt::format("{}{},{}", points.empty() ? "" : " ", Number(last_x), Number(last_y));
      ++count;
    }
    flush();
    if (!categorical) continue;
    // Few points: each gets a marker, and its error bar where it has one.
    for (size_t i = 0; i < n; ++i) {
      if (!std::isfinite(line.y[i])) continue;
      const double x = px(panel.x[i]);
      const double error = i < line.error.size() ? line.error[i] : NAN;
      if (std::isfinite(error) && error > 0) {
        svg += fmt::format(
            "<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"{3}\" class=\"bar\"/>\n",
            Number(x), Number(py(std::max(line.y[i] - error, 0.0))),
            Number(py(std::min(line.y[i] + error, y_top))), colours.back());
      }
      svg += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"2.5\" fill=\"{}\"/>\n", Number(x),
                         Number(py(line.y[i])), colours.back());
    }
  }
  if (!HasFinite(panel)) {  // say so, rather than leave an empty frame to be read as zeros
    svg += fmt::format("<text x=\"{}\" y=\"{}\" class=\"xlabel\">no values</text>\n",
                       Number(plot_left + width / 2), Number(plot_top + height / 2));
  }
  // The legend, right of the plot (inside it, it would hide lines near the top), a row per line.
  const double legend_left = plot_left + width + kRight;
  for (size_t l = 0; l < panel.lines.size(); ++l) {
    const double legend_y = plot_top + 10 + kLegendRow * static_cast<double>(l);
    svg += fmt::format(
        "<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"{3}\" class=\"key\"/>"
        "<text x=\"{4}\" y=\"{5}\" class=\"legend\">{6}<title>{7}</title></text>\n",
        Number(legend_left), Number(legend_y - 4), Number(legend_left + 16), colours[l],
        Number(legend_left + 20), Number(legend_y), XmlEscape(LegendLabel(panel.lines[l].label)),
        XmlEscape(l < panel.legend_tips.size() && !panel.legend_tips[l].empty()
                      ? panel.legend_tips[l]
                      : panel.lines[l].label));
  }
}

}  // namespace

std::vector<double> NiceTicks(double max, int target) {
  // Below 1e-300 the step would underflow to 0 (ticks forever); near the largest double the top
  // tick would overflow: neither is a value a chart of rates shows.
  if (!(max > 1e-300) || !(max < 1e300)) return {0.0, 1.0};
  const double raw = max / std::max(target, 1);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude;
  for (const double factor : {1.0, 2.0, 5.0, 10.0}) {
    step = factor * magnitude;
    if (step >= raw) break;
  }
  if (!(step > 0) || !std::isfinite(step)) return {0.0, 1.0};
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
  // Every panel as wide as the widest legend needs, so that the columns line up.
  double legend_width = 0.0;
  for (const ChartPanel& panel : figure.panels)
    legend_width = std::max(legend_width, LegendWidth(panel));
  const double panel_width = kPanelWidth + legend_width;
  const double width = panel_width * columns;
  const double height = kFigureTitle + kPanelHeight * static_cast<double>(rows);
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" "
      "viewBox=\"0 0 {0} {1}\" font-family=\"sans-serif\" font-size=\"11\">\n"
      "<style>.panel{{font-weight:bold}} .ytick{{text-anchor:end;fill:#444}} "
      ".xtick,.xlabel{{text-anchor:middle;fill:#444}} .legend{{text-anchor:start}} "
      ".grid{{stroke:#e4e4e4}} .frame{{fill:none;stroke:#888}} "
      ".line{{fill:none;stroke-width:1.5}} .key{{stroke-width:2}} .bar{{stroke-width:1}} "
      ".mark{{stroke:#888;stroke-dasharray:4 3}} .marklabel{{text-anchor:end;fill:#666}}</style>\n"
      "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      "<text x=\"10\" y=\"20\" font-size=\"14\" font-weight=\"bold\">{2}</text>\n",
      Number(width), Number(height), XmlEscape(figure.title));
  for (size_t p = 0; p < figure.panels.size(); ++p) {
    const double left = panel_width * static_cast<double>(p % static_cast<size_t>(columns));
    const double top =
        kFigureTitle + kPanelHeight * static_cast<double>(p / static_cast<size_t>(columns));
    RenderPanel(figure.panels[p], figure.x_label, left, top, svg);
  }
  svg += "</svg>\n";
  return svg;
}

}  // namespace ratesim
