// Line charts as SVG text, written here rather than through a plotting library: the charts are a
// few polylines on axes, and a file any browser opens needs no dependency at build or view time.
// A figure is a grid of panels, each with its own x values; a y axis runs from 0 to the panel's
// largest value or to a maximum the caller sets (so that panels can be compared).
#ifndef RATESIM_SIM_REPORT_SVG_CHART_H_
#define RATESIM_SIM_REPORT_SVG_CHART_H_

#include <cmath>
#include <string>
#include <vector>

namespace ratesim {

struct ChartLine {
  std::string label;
  std::vector<double> y;  // one value per x of the panel; a non-finite value breaks the line
  std::string colour;     // an SVG colour; empty: the next of the palette
  // With categories: each point's 95% confidence half-width, drawn as an error bar (NaN: none).
  std::vector<double> error;
};

struct ChartMark {
  double x = 0.0;
  std::string label;
};

struct ChartPanel {
  std::string title;  // e.g. "fifo: outcomes per second"
  // The x of each point, from 0 on a numeric axis. With `categories`, x[i] = i names
  // categories[i]: the axis shows the names, evenly spaced, and each point gets a marker.
  std::vector<double> x;
  std::vector<std::string> categories;
  // With categories: each one's tooltip, where its name is short for something longer; empty: none.
  std::vector<std::string> category_tips;
  std::vector<ChartLine> lines;
  // Each line's legend tooltip, where its label is short for something longer; empty, or an empty
  // tip: the label in full.
  std::vector<std::string> legend_tips;
  double y_max = 0.0;  // the y axis covers [0, y_max]; 0: the panel's largest value
  double x_max = 0.0;  // a numeric x axis covers [0, x_max]; 0: the panel's last x
  // Dashed vertical lines, each captioned with its label (marks outside the axis are not drawn).
  std::vector<ChartMark> marks;
};

struct ChartFigure {
  std::string title;
  std::string x_label;
  int columns = 1;                 // panels per row; rows follow
  std::vector<ChartPanel> panels;  // row-major
};

// The figure as a standalone SVG document. Deterministic: the same figure gives the same bytes.
std::string RenderSvg(const ChartFigure& figure);

// The largest finite y of the panel's lines; 0 when none.
double LargestFinite(const ChartPanel& panel);

// Round tick values covering [0, max]: multiples of 1, 2 or 5 × 10^k, from 0 up to the first tick
// at or above `max`, about `target` of them. For a max outside (1e-300, 1e300), NaN included:
// {0, 1}.
std::vector<double> NiceTicks(double max, int target);

// `text` with &, <, > and " escaped for XML text and attribute values.
std::string XmlEscape(const std::string& text);

}  // namespace ratesim

#endif  // RATESIM_SIM_REPORT_SVG_CHART_H_
